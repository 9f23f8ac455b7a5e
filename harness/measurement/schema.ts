import { z } from 'zod';

/** One shape for every measured figure: a missing sensor is `skipped` with a reason, never a silent zero. */
export const summarySchema = z.object({
  n: z.number(),
  mean: z.number(),
  median: z.number(),
  /** Sample standard deviation (n - 1 denominator); 0 for a single sample. */
  sd: z.number(),
  /** Coefficient of variation, sd / mean; null when the mean is 0. */
  cv: z.number().nullable(),
  min: z.number(),
  max: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  /** 5th percentile, where a figure reports a 5–95 % range (the energy figures). */
  p5: z.number().optional(),
});

export const confidenceIntervalSchema = z.object({
  low: z.number(),
  high: z.number(),
  /** The confidence level claimed (verdicts.confidence), e.g. 0.95. */
  level: z.number(),
  /** How it was computed (harness/stats/interval.ts INTERVAL_METHODS); absent in results written before methods were named. */
  method: z.string().optional(),
  /** Resamples, for the bootstrap methods. */
  resamples: z.number().optional(),
});

export const metricStatusSchema = z.enum(['ok', 'skipped', 'error']);

export const metricSchema = z.object({
  value: z.number().nullable(),
  unit: z.string(),
  status: metricStatusSchema,
  reason: z.string().optional(),
  /** Distribution the value was taken from, when it came from samples. */
  stats: summarySchema.optional(),
  /** Confidence interval of the value, when it came from samples and the method can claim the level at this n. */
  ci: confidenceIntervalSchema.optional(),
  /** What the interval covers, or why there is none (e.g. too few samples to claim the level). */
  ciNote: z.string().optional(),
  /**
   * A sampled metric's samples, in the order taken (per request, or per sampler tick), while the run holds them:
   * budgets aggregate them ("p(95) <= 2.5"). Not written to the result files, which keep `stats`.
   */
  samples: z.array(z.number()).optional(),
  /** `series`: neighbouring samples are correlated (sampler ticks, token gaps); `independent`: one per request. */
  sampleKind: z.enum(['independent', 'series']).optional(),
  /**
   * How an energy figure was obtained: `measured` (RAPL counters), `attributed` (measured energy × the server's share
   * of the CPU time), `estimated` (a coefficient, named with its source in `reason`). Figures of different methods
   * are never combined into one number.
   */
  method: z.enum(['measured', 'attributed', 'estimated']).optional(),
});
export type Metric = z.infer<typeof metricSchema>;
export type MetricStatus = z.infer<typeof metricStatusSchema>;

export function ok(value: number, unit: string, stats?: Metric['stats'], ci?: Metric['ci'] | null): Metric {
  if (!Number.isFinite(value)) return failed(unit, `measured a non-finite value (${value})`);
  return { value, unit, status: 'ok', ...(stats ? { stats } : {}), ...(ci ? { ci } : {}) };
}
/**
 * A sampled metric: its samples (kept for the run's budgets, dropped from the files), their summary, and a headline
 * value for tables: the mean, or the median where a few slow samples should not move it.
 */
export function sampledOk(samples: readonly number[], unit: string, kind: 'independent' | 'series', headline: 'mean' | 'median', stats: NonNullable<Metric['stats']>): Metric {
  const m = ok(headline === 'mean' ? stats.mean : stats.median, unit, stats);
  return m.status === 'ok' ? { ...m, samples: [...samples], sampleKind: kind } : m;
}

/** The metric as result files keep it: without its samples, which only the run's budgets need. */
export function withoutSamples(metric: Metric): Metric {
  if (!metric.samples) return metric;
  const { samples: _samples, ...rest } = metric;
  return rest;
}

export function skipped(unit: string, reason: string): Metric {
  return { value: null, unit, status: 'skipped', reason };
}
export function failed(unit: string, reason: string): Metric {
  return { value: null, unit, status: 'error', reason };
}

/** Matrix knobs, in cell-id order: present on a cell only when the config sets that axis. */
export const knobsSchema = z.object({
  poll: z.number().int().optional(),
  batch_size: z.number().int().optional(),
  ubatch_size: z.number().int().optional(),
  threads_batch: z.number().int().optional(),
  mlock: z.boolean().optional(),
  mmap: z.boolean().optional(),
  flash_attn: z.enum(['on', 'off', 'auto']).optional(),
  affinity: z.string().optional(),
});
export type Knobs = z.infer<typeof knobsSchema>;
export type KnobName = keyof Knobs;
export const KNOB_NAMES = Object.keys(knobsSchema.shape) as KnobName[];

export const cellSchema = z.object({
  id: z.string(),
  slug: z.string(),
  model: z.string(),
  quant: z.string(),
  threads: z.number().int(),
  ctx: z.number().int(),
  priority: z.string(),
  ...knobsSchema.shape,
  /** The prompt-middleware preset of the cell (matrix.middleware); absent when the matrix has no such axis. */
  middleware: z.string().optional(),
});
export type Cell = z.infer<typeof cellSchema>;

export const verdictSchema = z.object({
  metric: z.string(),
  /** The aggregation a sampled metric's budget judged, e.g. "p(95)" or "mean"; absent for a single figure. */
  aggregation: z.string().optional(),
  label: z.string(),
  /** The budget as the user wrote it, e.g. "<= 2.5". */
  source: z.string(),
  op: z.enum(['<=', '<', '>=', '>']),
  limit: z.number(),
  unit: z.string(),
  value: z.number().nullable(),
  /**
   * `inconclusive`: the estimate passes but its confidence interval straddles the limit, so more repetitions are
   * needed to tell. A failing estimate is `fail` whatever its interval. Neither `inconclusive` nor `skipped` is met.
   */
  status: z.enum(['pass', 'fail', 'inconclusive', 'skipped', 'error']),
  /** Distance to the limit in the metric's unit, positive when inside the budget. */
  margin: z.number().nullable(),
  /** Share of the budget used: value / limit for upper limits, limit / value for lower limits. */
  used: z.number().nullable(),
  reason: z.string().optional(),
  ci: confidenceIntervalSchema.optional(),
  /** Why the figure has no interval (too few samples for its method to keep its level): judged on the estimate alone. */
  ciNote: z.string().optional(),
  /** For an inconclusive verdict: about how many samples would make the interval clear the limit. */
  samplesToResolve: z.number().optional(),
});
export type Verdict = z.infer<typeof verdictSchema>;

/** A cell guard that stopped a cell (harness/sampler/guards.ts), with the reading that tripped it. */
export const guardTripSchema = z.object({
  guard: z.enum(['temperature', 'swap']),
  /** The reading that tripped it: °C, or MB of swap growth since the cell's start. */
  reading: z.number(),
  limit: z.number(),
  unit: z.string(),
  /** Seconds from the guard's start (the server ready, the sampler running) to the sample that tripped it. */
  at_s: z.number(),
  message: z.string(),
});
export type GuardTrip = z.infer<typeof guardTripSchema>;

const guardStateSchema = z.object({
  /** watched: read on every sample; off: not asked for; skipped: asked for, but no reading (see reason). */
  status: z.enum(['watched', 'off', 'skipped']),
  limit: z.number().nullable(),
  /** The highest temperature read, or the largest swap growth seen (MB); null when nothing was read. */
  worst: z.number().nullable(),
  unit: z.string(),
  reason: z.string().optional(),
});
export type GuardState = z.infer<typeof guardStateSchema>;

/** What the guards saw in a cell, kept in its measurement. */
export const guardReportSchema = z.object({
  temperature: guardStateSchema,
  swap: guardStateSchema,
  tripped: guardTripSchema.optional(),
});
export type GuardReport = z.infer<typeof guardReportSchema>;

export const measurementSchema = z.object({
  profile: z.string(),
  cell: cellSchema,
  state: z.enum(['completed', 'errored']),
  error: z.string().optional(),
  startedAt: z.string(),
  durationMs: z.number(),
  modelPath: z.string(),
  /** What the figures were measured with: a measurement taken with another build or file is another measurement. */
  build: z.object({ llamaVersion: z.string(), llamaCommit: z.string(), modelSha256: z.string() }).optional(),
  serverPort: z.number().nullable(),
  metrics: z.record(z.string(), metricSchema),
  /**
   * Named tables a profile measured along the way, for the report's charts: the long-context curve (one row per
   * prompt size), batch per-document times, the stress timeline. Null where a figure is missing.
   */
  series: z.record(z.string(), z.array(z.record(z.string(), z.number().nullable()))).optional(),
  /** Where this cell's raw files were written, relative to the run directory. */
  files: z.record(z.string(), z.string()),
  /** What the cell guards (temperature, swap) saw, and the trip that aborted the cell if one did. */
  guards: guardReportSchema.optional(),
});
export type CellMeasurement = z.infer<typeof measurementSchema>;

/** A cell's rating from its verdicts, best first; `not rated` when it has nothing to rate (report/ratings.ts decides). */
export const RATINGS = ['excellent', 'good', 'acceptable', 'poor', 'failed'] as const;
export const ratingSchema = z.enum([...RATINGS, 'not rated']);
export type Rating = z.infer<typeof ratingSchema>;
