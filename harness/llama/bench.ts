/**
 * llama-bench, the engine's own decode benchmark: what the same build does with the same model file and threads
 * when nothing but llama.cpp stands between the weights and the tokens. The reference for a cell's serving overhead.
 */
import { runProgram } from './run-program.ts';

export interface LlamaBenchRun {
  /** Mean decode tok/s over the repetitions (llama-bench's avg_ts), and each repetition's. */
  tps: number;
  samplesTps: number[];
  nGen: number;
  threads: number;
  repetitions: number;
  /** The build llama-bench reports, to check it is the server's. */
  buildCommit: string;
  command: string;
}

interface BenchJson {
  build_commit?: string;
  n_prompt?: number;
  n_gen?: number;
  n_threads?: number;
  avg_ts?: number;
  samples_ts?: number[];
}

/** The tg test of `llama-bench -o json` output (an array with one object per test). */
export function parseLlamaBenchJson(stdout: string): Omit<LlamaBenchRun, 'command' | 'repetitions'> {
  let tests: BenchJson[];
  try {
    tests = JSON.parse(stdout) as BenchJson[];
  } catch {
    throw new Error(`llama-bench printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const tg = Array.isArray(tests) ? tests.find((t) => (t.n_gen ?? 0) > 0 && (t.n_prompt ?? 0) === 0) : undefined;
  if (!tg || !(typeof tg.avg_ts === 'number' && tg.avg_ts > 0)) throw new Error(`llama-bench reported no decode (tg) speed: ${stdout.slice(0, 200)}`);
  return { tps: tg.avg_ts, samplesTps: tg.samples_ts ?? [], nGen: tg.n_gen!, threads: tg.n_threads ?? 0, buildCommit: tg.build_commit ?? '' };
}

/** `llama-bench -m <file> -t <threads> -p 0 -n <nGen> -r <repetitions> -o json`: a decode-only test, warmup included. */
export async function runLlamaBench(o: { benchPath: string; modelPath: string; threads: number; nGen: number; repetitions: number; timeoutMs: number }): Promise<LlamaBenchRun> {
  const args = ['-m', o.modelPath, '-t', String(o.threads), '-p', '0', '-n', String(o.nGen), '-r', String(o.repetitions), '-o', 'json'];
  const command = `llama-bench ${args.join(' ')}`;
  const r = await runProgram(o.benchPath, args, { timeoutMs: o.timeoutMs });
  if (r.timedOut) throw new Error(`${command} did not finish within ${o.timeoutMs / 1000} s`);
  if (r.spawnError !== undefined) throw new Error(`${command} could not be run: ${r.spawnError}`);
  if (r.exitCode !== 0) throw new Error(`${command} exited ${r.exitCode ?? r.signal}: ${r.stderr.split('\n').slice(-5).join(' ')}`);
  return { ...parseLlamaBenchJson(r.stdout), repetitions: o.repetitions, command };
}
