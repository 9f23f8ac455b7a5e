/**
 * Serving overhead: how much slower llama-server decodes than llama-bench does with the same model file, threads and
 * build. llama-bench runs once per model file × threads × answer length in a run (cached in the run directory),
 * after the interactive cell's measured window, while the server sits idle.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import path from 'node:path';
import { runLlamaBench, type LlamaBenchRun } from '../../llama/bench.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { writeFileAtomic } from '../../paths.ts';
import type { Plan, PlannedCell } from '../../plan.ts';

/** Five, so the median is not one repetition a busy machine slowed. */
const REPETITIONS = 5;
/** llama-bench's time allowance in interactive requests: each repetition and its warmup decode one answer's length. */
export const LLAMA_BENCH_REQUESTS = REPETITIONS + 1;

export type LlamaBenchOutcome = { run: LlamaBenchRun } | { skipped: string } | { error: string };

/** The llama-bench figure for this cell's file and threads: from the run's cache, else measured now and cached. */
export async function llamaBenchFor(plan: Plan, planned: PlannedCell, nGen: number, log: (m: string) => void): Promise<LlamaBenchOutcome> {
  const benchPath = plan.llama.benchPath;
  if (!benchPath) return { skipped: `no llama-bench beside ${plan.llama.serverPath}, so there is no engine figure to compare the server with` };
  const file = path.join(plan.runDir, 'llama-bench', `${planned.model.sha256.slice(0, 16)}-t${planned.cell.threads}-tg${nGen}.json`);
  if (existsSync(file)) {
    try {
      return { run: JSON.parse(readFileSync(file, 'utf8')) as LlamaBenchRun };
    } catch {
      // a damaged cache entry is measured again
    }
  }
  try {
    const run = await runLlamaBench({
      benchPath,
      modelPath: planned.model.path,
      threads: planned.cell.threads,
      nGen,
      repetitions: REPETITIONS,
      timeoutMs: LLAMA_BENCH_REQUESTS * plan.config.profiles.interactive.request_timeout_s * 1000,
    });
    writeFileAtomic(file, `${JSON.stringify(run, null, 2)}\n`);
    log(`llama-bench tg${nGen}, ${planned.cell.threads} thread(s): ${run.tps.toFixed(1)} tok/s (${run.samplesTps.map((x) => x.toFixed(0)).join(', ')})`);
    return { run };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Median of the repetitions: robust to one slowed by other work, where llama-bench's own figure is their mean. */
export function benchMedian(run: LlamaBenchRun): number {
  const s = [...run.samplesTps].sort((a, b) => a - b);
  if (s.length === 0) return run.tps;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * `serving_overhead_pct` = (1 − server decode tok/s ÷ llama-bench tok/s) × 100, medians on both sides (the server's
 * per-request figures from its own timings, llama-bench's repetitions): the share of the engine's decode speed lost
 * to serving (HTTP, sampling, the slot loop). Negative when the server was faster, which on a busy machine is noise
 * between two measurements taken at different moments.
 */
export function servingOverhead(server: Metric | undefined, bench: LlamaBenchOutcome, serverCommit: string): ProfileMetrics<'interactive'> {
  if ('skipped' in bench) return { llama_bench_decode_tps: skipped('tok/s', bench.skipped), serving_overhead_pct: skipped('%', bench.skipped) };
  if ('error' in bench) return { llama_bench_decode_tps: failed('tok/s', bench.error), serving_overhead_pct: failed('%', `llama-bench failed: ${bench.error}`) };
  const run = bench.run;
  const sameBuild = run.buildCommit !== '' && (serverCommit.startsWith(run.buildCommit) || run.buildCommit.startsWith(serverCommit));
  if (!sameBuild) {
    const why = `llama-bench reports build ${run.buildCommit || '?'}, the server is ${serverCommit}: not the same build`;
    return { llama_bench_decode_tps: skipped('tok/s', why), serving_overhead_pct: skipped('%', why) };
  }
  const engine = benchMedian(run);
  const reference = `llama-bench tg${run.nGen}, ${run.threads} thread(s), the same file and build, median of ${run.repetitions} repetitions (${run.samplesTps.map((x) => x.toFixed(1)).join(', ')} tok/s), normal priority`;
  const benchMetric = { ...ok(engine, 'tok/s'), reason: reference };
  if (server?.status !== 'ok' || server.value === null) {
    return { llama_bench_decode_tps: benchMetric, serving_overhead_pct: failed('%', `no server decode speed to compare${server?.reason ? `: ${server.reason}` : ''}`) };
  }
  const served = server.stats?.median ?? server.value;
  const ratio = served / engine;
  return {
    llama_bench_decode_tps: benchMetric,
    serving_overhead_pct: {
      ...ok((1 - ratio) * 100, '%'),
      reason: `the server decoded ${served.toFixed(1)} tok/s (median of its requests, from its own timings), ${ratio.toFixed(2)}× the ${engine.toFixed(1)} tok/s of ${reference}`,
    },
  };
}
