/**
 * How a metric is declared: label, unit, the direction in which it is better, and the bands that say what a value
 * means to a person. Each profile declares its own metrics with these (harness/profiles/<name>/profile.ts); the
 * readers of the declarations are in catalogue.ts.
 */
import { LOAD_BANDS, MACHINE_CPU_BANDS, MEMORY_MB_BANDS, TEMPERATURE_BANDS, alternativesOf, type Band, type BandSet } from './bands.ts';

/**
 * `lower`/`higher`: which way is better. `neither`: a descriptive figure (how much load the probe saw, the largest
 * prompt tried) that has no better side; it can carry a budget but is never weighed or called a regression.
 */
export type Better = 'lower' | 'higher' | 'neither';

export interface MetricDefinition {
  label: string;
  unit: string;
  better: Better;
  bands?: readonly Band[];
  /** The bands of another set (config `interpretation.bands`) where it differs from the design's (bands.ts). */
  altBands?: Partial<Record<BandSet, readonly Band[]>>;
  /** Stored as 0/1 so budgets can judge it; shown as yes/no. */
  flag?: true;
  /**
   * A figure taken from samples (per request, or per sampler tick): its budgets name an aggregation, as k6
   * thresholds do ("p(95) <= 2.5", "mean >= 2"). `independent`: one sample per request; `series`: sampler ticks or
   * token gaps, whose neighbours are correlated (their intervals count them at their effective sample size).
   */
  sampled?: 'independent' | 'series';
  /**
   * An older name for one aggregation of a sampled metric (`ttft_p95_s` is `ttft_s` at p(95)): still reported, and a
   * budget on it still works, with a message naming the new form.
   */
  alias?: { of: string; aggregation: string };
}

/** A sampled metric (see `sampled`). */
export const sampled = (definition: MetricDefinition, kind: 'independent' | 'series'): MetricDefinition => ({ ...definition, sampled: kind });
/** An older name for `of` at `aggregation` (see `alias`). */
export const aliasOf = (definition: MetricDefinition, of: string, aggregation: string): MetricDefinition => ({ ...definition, alias: { of, aggregation } });

const withBands = (bands: readonly Band[] | undefined) => {
  const alt = bands ? alternativesOf(bands) : undefined;
  return { ...(bands ? { bands } : {}), ...(alt ? { altBands: alt } : {}) };
};
export const lower = (label: string, unit: string, bands?: readonly Band[]): MetricDefinition => ({
  label,
  unit,
  better: 'lower',
  ...withBands(bands),
});
export const higher = (label: string, unit: string, bands?: readonly Band[]): MetricDefinition => ({
  label,
  unit,
  better: 'higher',
  ...withBands(bands),
});
export const neither = (label: string, unit: string): MetricDefinition => ({ label, unit, better: 'neither' });
export const flag = (label: string): MetricDefinition => ({ label, unit: 'yes/no', better: 'lower', flag: true });

export const MACHINE = '% of machine';

/**
 * A family of metrics named `<prefix><middle><suffix>`, for figures whose names come from the data: a quality
 * score per golden category (custom golden sets bring their own categories), idle CPU per `--poll` level. Its
 * members are declared by the family, so they type-check, can carry budgets and have a direction like any other.
 */
export interface MetricFamily<Pre extends string = string, Suf extends string = string> {
  prefix: Pre;
  suffix: Suf;
  /** What may stand between prefix and suffix. */
  middle: RegExp;
  define: (middle: string) => MetricDefinition;
}
export const family = <const Pre extends string, const Suf extends string>(
  prefix: Pre,
  suffix: Suf,
  middle: RegExp,
  define: (middle: string) => MetricDefinition,
): MetricFamily<Pre, Suf> => ({ prefix, suffix, middle, define });
export type FamilyName<F> = F extends MetricFamily<infer Pre, infer Suf> ? `${Pre}${string}${Suf}` : never;
export const words = (middle: string) => middle.replaceAll('_', ' ');

/** What every profile's measurement window gives: CPU, memory, swap, pressure and sensors, plus the model load time. */
export const COMMON_METRICS = {
  // The server's CPU per sampler tick: budgets name the aggregation ("mean <= 35", "p(99) <= 50").
  cpu_pct: sampled(lower('CPU', MACHINE, MACHINE_CPU_BANDS), 'series'),
  cpu_mean_pct: aliasOf(lower('CPU mean', MACHINE, MACHINE_CPU_BANDS), 'cpu_pct', 'mean'),
  cpu_p99_pct: aliasOf(lower('CPU p99', MACHINE, MACHINE_CPU_BANDS), 'cpu_pct', 'p(99)'),
  cpu_peak_pct: aliasOf(lower('CPU peak', MACHINE), 'cpu_pct', 'max'),
  rss_peak_mb: lower('peak RSS', 'MB', MEMORY_MB_BANDS),
  rss_mean_mb: lower('RSS mean', 'MB', MEMORY_MB_BANDS),
  swap_growth_mb: lower('swap growth', 'MB'),
  load_s: lower('model load time', 's', LOAD_BANDS),
  system_cpu_mean_pct: lower('system CPU mean', '%'),
  // The whole machine's busy CPU (/proc/stat), whoever uses it: what a person at the machine feels.
  system_cpu_peak_pct: lower('system CPU peak', '%', MACHINE_CPU_BANDS),
  system_cpu_p99_pct: lower('system CPU p99', '%', MACHINE_CPU_BANDS),
  // Address space reserved, not memory used: a mapped model file counts whole here and only its touched pages in RSS.
  vsz_peak_mb: neither('peak virtual memory size (VSZ)', 'MB'),
  // Bytes the server read from storage (/proc/<pid>/io read_bytes) over its load time: 0 when the page cache held the model.
  disk_read_load_mb_s: neither('disk read during model load', 'MB/s'),
  psi_cpu_some_pct: lower('CPU pressure (PSI some)', '%'),
  psi_memory_some_pct: lower('memory pressure (PSI some)', '%'),
  temperature_max_c: lower('CPU temperature max', '°C', TEMPERATURE_BANDS),
  // A falling frequency is throttling; a higher one serves the same work sooner.
  frequency_mean_mhz: higher('CPU frequency mean', 'MHz'),
  energy_j: lower('package energy', 'J'),
} satisfies Record<string, MetricDefinition>;

export type CommonMetricName = keyof typeof COMMON_METRICS;
