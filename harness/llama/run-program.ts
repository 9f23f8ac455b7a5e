import { spawn } from 'node:child_process';

/**
 * What a short program did: its output, how it ended, and whether it overran its time. (Not cli/run-cli.ts's
 * runCommand, which runs one of the harness's own commands.)
 */
export interface ProgramResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr in the order they arrived. */
  all: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Why the command could not be started (ENOENT, EACCES, ENOEXEC…); undefined when it ran. */
  spawnError?: string;
}

/** SIGTERM at the deadline, then SIGKILL if the command is still there this much later. */
const KILL_GRACE_MS = 5_000;

/**
 * Runs `file args` to completion with stdin closed and never rejects: the caller words the failure. For the short
 * commands on the hot path of every plan and cell (`llama-server --version`, llama-bench): execa costs ~130 modules
 * (0.2 s of CPU natively, 0.65 s under tsx) in each process that loads it, and these need none of what it adds.
 */
export function runProgram(file: string, args: readonly string[], options: { timeoutMs: number; killGraceMs?: number }): Promise<ProgramResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let all = '';
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), (all += d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => ((stderr += d), (all += d)));
    let forceKill: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      forceKill = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? KILL_GRACE_MS);
    }, options.timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e.code ? `${e.code}: ${e.message}` : e.message));
    child.on('close', (exitCode, signal) => {
      clearTimeout(deadline);
      clearTimeout(forceKill);
      resolve({ stdout, stderr, all, exitCode, signal, timedOut, ...(spawnError !== undefined ? { spawnError } : {}) });
    });
  });
}
