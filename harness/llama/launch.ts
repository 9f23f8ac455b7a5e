import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { serverCommand, type Platform, type ServerSpec } from './command.ts';
import { serverEnvironment } from './env.ts';
import { guardServer, killGroup } from './guard.ts';
import { isStopped } from './proc-state.ts';
import { describeLog, logFilesOf, serverLogTail, type ServerLog } from './server-log.ts';

export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchOptions extends ServerSpec {
  /** One file for both streams, or one per stream (server-log.ts). */
  logFile: ServerLog;
  loadTimeoutMs: number;
  stopGraceMs: number;
}

export interface RunningServer {
  pid: number;
  port: number;
  baseUrl: string;
  logFile: ServerLog;
  commandLine: string[];
  /** Start of the process to /health answering 200. */
  loadMs: number;
  exited: Promise<ExitInfo>;
  /**
   * SIGTERM to the process group (and SIGCONT, so a stopped server can act on it), SIGKILL after the grace period.
   * `wasStopped`: the server was stopped (SIGSTOP) when asked to stop, so a kill is no sign it ignored SIGTERM.
   */
  stop(): Promise<ExitInfo & { durationMs: number; killed: boolean; wasStopped: boolean }>;
}

/** A launch failure, with flat fields a report can show and the log's last lines. */
export class ServerStartError extends Error {
  constructor(
    readonly shortMessage: string,
    readonly details: { exitCode: number | null; signal: string | null; timedOut: boolean; durationMs: number; logTail: string; logFile: string },
  ) {
    super(`${shortMessage}\n--- last lines of ${details.logFile} ---\n${details.logTail}`);
    this.name = 'ServerStartError';
  }
}

const commandCache = new Map<string, boolean>();
/**
 * Whether a wrapper command is on PATH. A lookup, not a trial run: running `setpriv --version` under a 5 s timeout
 * could time out on a loaded machine, and a server started without `--pdeathsig` could outlive a killed worker.
 */
function has(command: string): boolean {
  let found = commandCache.get(command);
  if (found === undefined) {
    found = (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
      if (!dir) return false;
      try {
        accessSync(path.join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    commandCache.set(command, found);
  }
  return found;
}
export const hostPlatform: Platform = { os: process.platform, has };

/** Asks the kernel for a free loopback port. Another process may take it before the server binds: startServer retries. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The last lines of a server's log (both streams when they are apart). */
export function logTail(file: ServerLog, lines = 20): string {
  return serverLogTail(file, lines);
}

const BIND_FAILURE = /couldn't bind|address already in use|failed to bind/i;
const PORT_ATTEMPTS = 3;

export async function startServer(opts: LaunchOptions, port?: number): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort());
    try {
      return await launchOnce(opts, chosen);
    } catch (e) {
      const busy = e instanceof ServerStartError && BIND_FAILURE.test(e.details.logTail);
      if (!busy || port !== undefined || attempt >= PORT_ATTEMPTS) throw e;
    }
  }
}

async function launchOnce(opts: LaunchOptions, port: number): Promise<RunningServer> {
  const files = logFilesOf(opts.logFile);
  for (const f of [files.stdout, files.stderr]) mkdirSync(path.dirname(f), { recursive: true });
  const cmd = serverCommand(opts, port, hostPlatform);
  const out = openSync(files.stdout, 'a');
  const err = files.stderr === files.stdout ? out : openSync(files.stderr, 'a');
  const started = performance.now();
  // Own process group, so stop() reaches every process; stdout/stderr go straight to the log files (the kernel
  // writes them: nothing here can block the server, and they survive this process).
  const child = spawn(cmd.command, cmd.args, {
    detached: true,
    stdio: ['ignore', out, err],
    env: serverEnvironment({ ...process.env, ...cmd.env }),
  });
  closeSync(out);
  if (err !== out) closeSync(err);
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new ServerStartError(`could not start ${cmd.command}: ${error.message}`, {
      exitCode: null, signal: null, timedOut: false, durationMs: 0, logTail: '', logFile: describeLog(opts.logFile),
    });
  }
  const release = guardServer(pid);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (exitCode, signal) => {
      release();
      resolve({ exitCode, signal });
    });
  });
  let exitInfo: ExitInfo | null = null;
  void exited.then((e) => (exitInfo = e));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = started + opts.loadTimeoutMs;

  const fail = async (shortMessage: string, timedOut: boolean): Promise<never> => {
    killGroup(pid, 'SIGKILL');
    const e = await exited;
    throw new ServerStartError(shortMessage, {
      exitCode: e.exitCode,
      signal: e.signal,
      timedOut,
      durationMs: performance.now() - started,
      logTail: logTail(opts.logFile),
      logFile: describeLog(opts.logFile),
    });
  };

  for (;;) {
    if (exitInfo) {
      const e = exitInfo as ExitInfo;
      return fail(`llama-server exited while loading (exit code ${e.exitCode}, signal ${e.signal})`, false);
    }
    if (performance.now() > deadline) return fail(`llama-server did not become ready within ${opts.loadTimeoutMs / 1000} s`, true);
    if (await healthy(baseUrl)) break;
    await sleep(100);
  }
  const loadMs = performance.now() - started;

  return {
    pid,
    port,
    baseUrl,
    logFile: opts.logFile,
    commandLine: [cmd.command, ...cmd.args],
    loadMs,
    exited,
    async stop() {
      const t0 = performance.now();
      if (exitInfo) return { ...(exitInfo as ExitInfo), durationMs: 0, killed: false, wasStopped: false };
      const wasStopped = isStopped(pid);
      killGroup(pid, 'SIGTERM');
      // A stopped process keeps SIGTERM pending until it runs again: never leave one behind, stopped or not.
      killGroup(pid, 'SIGCONT');
      const graceful = await Promise.race([exited, sleep(opts.stopGraceMs).then(() => null)]);
      if (graceful) return { ...graceful, durationMs: performance.now() - t0, killed: false, wasStopped };
      killGroup(pid, 'SIGKILL');
      return { ...(await exited), durationMs: performance.now() - t0, killed: true, wasStopped };
    },
  };
}

export async function healthy(baseUrl: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const r = await request(`${baseUrl}/health`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs + 500) });
    await r.body.dump();
    return r.statusCode === 200;
  } catch {
    return false;
  }
}
