/**
 * The "does the person at the machine notice?" probe.
 *
 * Two things a person feels while a model runs in the background: their programs get slower (a fixed CPU-bound
 * task takes longer), and things that should happen on time happen late (a timer, like a UI frame or a key echo,
 * fires after its deadline because the scheduler gave its core to the model). Each is measured once with the
 * server idle and once while it decodes; the difference is the impact.
 */
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { mulberry32 } from '../stats/prng.ts';

/**
 * Schedules setTimeout(intervalMs) back to back for durationMs and records how late each fires (actual −
 * intended, ms). The intended time is measured from when each timer was set, so lateness does not accumulate.
 * Clamped at 0 because Node rounds timers to whole milliseconds and can fire a fraction of one early.
 */
export async function timerLateness(opts: { intervalMs: number; durationMs: number }): Promise<{ latenessMs: number[] }> {
  const { intervalMs, durationMs } = opts;
  if (!(intervalMs > 0) || !(durationMs >= 0)) throw new RangeError(`expected intervalMs > 0 and durationMs ≥ 0, got ${JSON.stringify(opts)}`);
  const latenessMs: number[] = [];
  const start = performance.now();
  // Only timers whose deadline falls inside durationMs: the probe never runs longer than asked for, lateness aside.
  while (performance.now() - start + intervalMs <= durationMs) {
    const intended = performance.now() + intervalMs;
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
    latenessMs.push(Math.max(0, performance.now() - intended));
  }
  return { latenessMs };
}

const RECORDS = 2000;
const DATASET_SEED = 0x1f00d;
let dataset: string | undefined;

/** ~2,000 records from a seeded PRNG, serialized once: every call of the task parses the same bytes. */
function foregroundDataset(): string {
  if (dataset !== undefined) return dataset;
  const random = mulberry32(DATASET_SEED);
  const records = Array.from({ length: RECORDS }, (_, id) => ({
    id,
    name: `record-${Math.floor(random() * 1e9).toString(36)}`,
    score: Math.floor(random() * 1e6),
    amount: Math.floor(random() * 10_000),
    tags: ['alpha', 'beta', 'gamma', 'delta'].filter(() => random() < 0.5),
  }));
  dataset = JSON.stringify(records);
  return dataset;
}

interface ForegroundRecord {
  id: number;
  score: number;
  amount: number;
}

/**
 * A fixed CPU-bound task standing in for "the user's program": parse a JSON dataset, sort it, sum a field. The
 * same work on every call, so a change in its latency is contention, not the workload. Returns a checksum (the
 * amounts weighted by sorted position, so the sort counts too) that callers can compare and the JIT cannot drop.
 */
export function foregroundTask(): () => number {
  const json = foregroundDataset();
  return () => {
    const records = JSON.parse(json) as ForegroundRecord[];
    // Ties broken by id so the order, and the checksum, never depend on the sort algorithm's stability.
    records.sort((a, b) => a.score - b.score || a.id - b.id);
    let checksum = 0;
    for (let i = 0; i < records.length; i++) checksum += (i + 1) * records[i]!.amount;
    return checksum;
  };
}

export interface ForegroundLatency {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Latency samples tinybench measured. */
  samples: number;
  /** Every task latency, ms, for confidence intervals on the slowdown. */
  samplesMs: number[];
}

/** Runs foregroundTask under tinybench for about timeMs (after a short warmup) and returns its latency in ms. */
export async function measureForeground(opts: { timeMs: number }): Promise<ForegroundLatency> {
  if (!(opts.timeMs > 0)) throw new RangeError(`expected timeMs > 0, got ${opts.timeMs}`);
  const task = foregroundTask();
  // Warmup lets the JIT settle so the first, unoptimized runs do not read as slowdown; capped so the probe stays
  // short. A low iteration floor keeps the run close to timeMs even when the machine is busy.
  const bench = new Bench({ time: opts.timeMs, iterations: 5, warmupTime: Math.min(250, opts.timeMs / 4), warmupIterations: 5, throws: true, retainSamples: true });
  bench.add('foreground task', task);
  const [ran] = await bench.run();
  const result = ran?.result;
  if (result === undefined) throw new Error('tinybench returned no task');
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`foreground task ended ${result.state}`);
  return {
    meanMs: result.latency.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    samples: result.latency.samplesCount,
    samplesMs: [...(result.latency.samples ?? [])],
  };
}
