// The invisibility probe as a child process: started once per cell, it times a foreground task per phase.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';

const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));

export interface PhaseResult {
  foregroundMs: number[];
  latenessMs: number[];
  /** Share of one core the probe process used while its task ran (it may exceed 100 % with V8's helper threads). */
  cpuSharePct: number;
}

/** The probe process, kept for the whole cell: one warmed-up process measures every phase. */
export function startProbe(timeoutMs: number) {
  const child = execa(process.execPath, ['--import', 'tsx', PROBE], { cwd: path.resolve(path.dirname(PROBE), '../../..'), stdin: 'pipe', stdout: 'pipe', buffer: false });
  const lines = createInterface({ input: child.stdout! });
  const pending: ((line: string) => void)[] = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const exited = child.then(
    () => new Error('the probe process exited early'),
    (e: Error) => e,
  );
  return {
    async measure(foregroundMs: number, latenessMs: number): Promise<PhaseResult> {
      const line = new Promise<string>((resolve) => pending.push(resolve));
      child.stdin!.write(`${JSON.stringify({ foregroundMs, latenessMs })}\n`);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the probe gave no answer within ${timeoutMs} ms`)), timeoutMs).unref());
      const answer = await Promise.race([line, exited.then((e) => Promise.reject(e)), timeout]);
      return JSON.parse(answer) as PhaseResult;
    },
    async stop(): Promise<void> {
      child.stdin!.end();
      await child.catch(() => undefined);
    },
  };
}
