/**
 * The metric registry: every figure a profile can emit is declared here once, with its label, unit, the direction
 * in which it is better, and the bands that say what a value means to a person. Budgets, selection,
 * recommendations, comparison, ratings, the CSV, the terminal table and the HTML all read these declarations;
 * nothing guesses a direction from a metric's name. A budget on an undeclared metric is rejected when the config
 * loads, and a measurement carrying an undeclared metric fails its cell (run-cell.ts).
 */
import {
  DECODE_BANDS,
  DOCS_PER_HOUR_BANDS,
  LATENCY_BANDS,
  LOAD_BANDS,
  MACHINE_CPU_BANDS,
  MEMORY_MB_BANDS,
  TEMPERATURE_BANDS,
  TTFT_BANDS,
  type Band,
} from './bands.ts';

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
  /** Stored as 0/1 so budgets can judge it; shown as yes/no. */
  flag?: true;
}

const lower = (label: string, unit: string, bands?: readonly Band[]): MetricDefinition => ({ label, unit, better: 'lower', ...(bands ? { bands } : {}) });
const higher = (label: string, unit: string, bands?: readonly Band[]): MetricDefinition => ({ label, unit, better: 'higher', ...(bands ? { bands } : {}) });
const neither = (label: string, unit: string): MetricDefinition => ({ label, unit, better: 'neither' });
const flag = (label: string): MetricDefinition => ({ label, unit: 'yes/no', better: 'lower', flag: true });

const MACHINE = '% of machine';

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
const family = <const Pre extends string, const Suf extends string>(prefix: Pre, suffix: Suf, middle: RegExp, define: (middle: string) => MetricDefinition): MetricFamily<Pre, Suf> => ({
  prefix,
  suffix,
  middle,
  define,
});
type FamilyName<F> = F extends MetricFamily<infer Pre, infer Suf> ? `${Pre}${string}${Suf}` : never;
const words = (middle: string) => middle.replaceAll('_', ' ');

const common = {
  cpu_mean_pct: lower('CPU mean', MACHINE, MACHINE_CPU_BANDS),
  cpu_p99_pct: lower('CPU p99', MACHINE, MACHINE_CPU_BANDS),
  cpu_peak_pct: lower('CPU peak', MACHINE),
  rss_peak_mb: lower('peak RSS', 'MB', MEMORY_MB_BANDS),
  rss_mean_mb: lower('RSS mean', 'MB', MEMORY_MB_BANDS),
  swap_growth_mb: lower('swap growth', 'MB'),
  load_s: lower('model load time', 's', LOAD_BANDS),
  system_cpu_mean_pct: lower('system CPU mean', '%'),
  psi_cpu_some_pct: lower('CPU pressure (PSI some)', '%'),
  psi_memory_some_pct: lower('memory pressure (PSI some)', '%'),
  temperature_max_c: lower('CPU temperature max', '°C', TEMPERATURE_BANDS),
  // A falling frequency is throttling; a higher one serves the same work sooner.
  frequency_mean_mhz: higher('CPU frequency mean', 'MHz'),
  energy_j: lower('package energy', 'J'),
} satisfies Record<string, MetricDefinition>;

/** Per profile: its metrics, and the key ones its tables show first (in that order). */
const REGISTRY = {
  idle: {
    metrics: {
      ...common,
      cpu_mean_pct: lower('idle CPU mean', MACHINE, MACHINE_CPU_BANDS),
      cpu_p99_pct: lower('idle CPU p99', MACHINE, MACHINE_CPU_BANDS),
      cpu_peak_pct: lower('idle CPU peak', MACHINE),
      rss_mean_mb: lower('idle RSS mean', 'MB', MEMORY_MB_BANDS),
    },
    key: ['cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb', 'load_s'],
  },
  interactive: {
    metrics: {
      ...common,
      ttft_p50_s: lower('TTFT p50', 's', TTFT_BANDS),
      ttft_p95_s: lower('TTFT p95', 's', TTFT_BANDS),
      latency_p50_s: lower('p50 latency', 's', LATENCY_BANDS),
      latency_p95_s: lower('p95 latency', 's', LATENCY_BANDS),
      latency_p99_s: lower('p99 latency', 's', LATENCY_BANDS),
      latency_p99_over_p50: lower('latency p99/p50', '×'),
      itl_p99_ms: lower('inter-token latency p99', 'ms'),
      decode_tps_mean: higher('decode speed', 'tok/s', DECODE_BANDS),
      server_decode_tps_mean: higher('decode speed (server timings)', 'tok/s', DECODE_BANDS),
      prefill_tps_mean: higher('prefill speed (server timings)', 'tok/s'),
      // What the machine allows, not what the configuration achieves.
      decode_bound_tps: neither('DRAM roofline (bandwidth ÷ bytes read per token)', 'tok/s'),
      // Above 100 % when the bytes a token reads fit in the cache (the reason says so): a DRAM bound, not a law.
      decode_efficiency_pct: higher('decode speed as % of the DRAM roofline', '%'),
      // The engine alone on the same file, threads and build: a reference, not something the cell achieves.
      llama_bench_decode_tps: neither('llama-bench decode speed (same file, threads, build)', 'tok/s'),
      serving_overhead_pct: lower('serving overhead (server vs llama-bench decode)', '%'),
      requests_failed: lower('failed requests', 'requests'),
    },
    key: ['ttft_p50_s', 'latency_p95_s', 'latency_p99_over_p50', 'decode_tps_mean', 'cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb'],
  },
  quality: {
    metrics: {
      ...common,
      score_overall: higher('overall score', 'score'),
      score_endpoint_security: higher('endpoint-security score', 'score'),
      score_math: higher('math score', 'score'),
      score_comprehension: higher('comprehension score', 'score'),
      score_reasoning: higher('reasoning score', 'score'),
      score_format: higher('format score', 'score'),
      cove_pass_rate: higher('CoVe pass rate', 'score'),
      cove_plain_pass_rate: higher('plain-answer pass rate (CoVe set)', 'score'),
      cove_extra_tokens_mean: lower('CoVe extra tokens per item', 'tokens'),
      cove_extra_latency_s_mean: lower('CoVe extra latency per item', 's'),
      retrieval_precision_mean: higher('retrieval precision', 'score'),
      retrieval_recall_mean: higher('retrieval recall', 'score'),
      retrieval_f1_mean: higher('retrieval F1', 'score'),
      retrieval_bm25_f1_mean: neither('BM25 baseline F1', 'score'),
      retrieval_embedding_f1_mean: higher('embedding ranking F1', 'score'),
      answer_latency_p95_s: lower('answer latency p95', 's', LATENCY_BANDS),
      requests_failed: lower('failed requests', 'requests'),
      items_errored: lower('golden items without an answer (request failed)', 'items'),
      // Constrained-answer mode: the same items asked for {"answer": …} under a JSON schema, so extraction is exact.
      score_overall_constrained: higher('overall score, constrained answers', 'score'),
      score_endpoint_security_constrained: higher('endpoint-security score, constrained answers', 'score'),
      score_math_constrained: higher('math score, constrained answers', 'score'),
      score_comprehension_constrained: higher('comprehension score, constrained answers', 'score'),
      score_reasoning_constrained: higher('reasoning score, constrained answers', 'score'),
      score_format_constrained: higher('format score, constrained answers', 'score'),
    },
    families: [
      family('score_', '_constrained', /^[a-z0-9_]+$/, (c) => higher(`${words(c)} score, constrained answers`, 'score')),
      family('score_', '', /^[a-z0-9_]+$/, (c) => higher(`${words(c)} score`, 'score')),
    ],
    key: ['score_endpoint_security', 'score_math', 'score_comprehension', 'score_reasoning', 'score_format', 'cove_pass_rate', 'retrieval_f1_mean', 'answer_latency_p95_s'],
  },
  invisibility: {
    metrics: {
      ...common,
      foreground_slowdown_pct: lower('foreground slowdown', '%'),
      foreground_idle_ms: lower('foreground task mean, server idle', 'ms'),
      foreground_active_ms: lower('foreground task mean, server decoding', 'ms'),
      timer_lateness_p99_ms: lower('timer lateness p99', 'ms'),
      timer_lateness_idle_p99_ms: lower('timer lateness p99, server idle', 'ms'),
      background_requests: neither('background requests', 'requests'),
      foreground_cpu_share_idle_pct: neither('CPU share of the foreground task, server idle', '% of a core'),
      foreground_cpu_share_active_pct: higher('CPU share of the foreground task, server decoding', '% of a core'),
    },
    key: ['foreground_slowdown_pct', 'timer_lateness_p99_ms', 'timer_lateness_idle_p99_ms', 'cpu_mean_pct', 'cpu_p99_pct'],
  },
  'long-context': {
    metrics: {
      ...common,
      max_usable_context_tokens: higher('max usable context', 'tokens'),
      largest_size_tokens: neither('largest prompt measured', 'tokens'),
      failed_sizes: lower('prompt sizes that failed', 'sizes'),
      requests_failed: lower('failed requests (cold and repeated)', 'requests'),
      prefill_s_at_max: lower('prefill time at the largest prompt', 's'),
      prefill_tps_at_max: higher('prefill speed at the largest prompt', 'tok/s'),
      ttft_s_at_max: lower('TTFT at the largest prompt', 's', TTFT_BANDS),
      decode_tps_at_max: higher('decode speed after the largest prompt', 'tok/s', DECODE_BANDS),
      decode_tps_drop_pct: lower('decode slowdown, smallest to largest prompt', '%'),
      cached_ttft_s_at_max: lower('TTFT of the repeated largest prompt', 's', TTFT_BANDS),
      cache_speedup_at_max: higher('prefix-cache speed-up', '×'),
      cache_reused_tokens_at_max: higher('tokens reused from the prompt cache', 'tokens'),
    },
    key: ['max_usable_context_tokens', 'prefill_tps_at_max', 'ttft_s_at_max', 'decode_tps_at_max', 'cache_speedup_at_max', 'rss_peak_mb', 'load_s'],
  },
  batch: {
    metrics: {
      ...common,
      docs_per_hour: higher('documents per hour', 'docs/h', DOCS_PER_HOUR_BANDS),
      doc_seconds_mean: lower('seconds per document', 's'),
      doc_seconds_sd: lower('seconds per document, sd', 's'),
      doc_seconds_cv_pct: lower('document time CV', '%'),
      degradation_pct: lower('last vs first documents', '%'),
      rss_slope_mb_per_h: lower('RSS slope', 'MB/h'),
      rss_growth_mb: lower('RSS growth over the batch', 'MB'),
      rss_growth_no_cache_mb: lower('RSS growth with --cache-ram 0', 'MB'),
      leak_slope_mb_per_h: lower('RSS slope with --cache-ram 0 (leak signal)', 'MB/h'),
      // How much of the growth is the cache doing its job rather than a leak: an explanation, not a goal.
      cache_explained_pct: neither('RSS growth explained by the prompt cache', '%'),
      documents_failed: lower('failed documents', 'docs'),
    },
    key: ['docs_per_hour', 'doc_seconds_mean', 'doc_seconds_cv_pct', 'degradation_pct', 'rss_slope_mb_per_h', 'leak_slope_mb_per_h', 'cache_explained_pct'],
  },
  stress: {
    metrics: {
      ...common,
      // A soak cut short by an abort runs shorter: more is better, up to the configured duration.
      stress_duration_s: higher('soak duration', 's'),
      decode_tps_mean: higher('decode speed', 'tok/s', DECODE_BANDS),
      tps_drop_pct: lower('worst tok/s drop vs the first interval', '%'),
      throttled: flag('throttling detected'),
      aborted: flag('soak aborted'),
      health_failures: lower('failed health checks', 'checks'),
      rss_slope_mb_per_h: lower('RSS slope', 'MB/h'),
      requests_failed: lower('failed requests', 'requests'),
    },
    key: ['stress_duration_s', 'decode_tps_mean', 'tps_drop_pct', 'throttled', 'aborted', 'temperature_max_c', 'rss_slope_mb_per_h'],
  },
  wake: {
    metrics: {
      ...common,
      warm_ttft_s: lower('TTFT, warm', 's', TTFT_BANDS),
      wake_ttft_s: lower('TTFT after idling', 's', TTFT_BANDS),
      wake_ttft_ratio: lower('TTFT after idling ÷ warm', '×'),
      warm_decode_tps: higher('decode speed, warm', 'tok/s', DECODE_BANDS),
      wake_decode_tps: higher('decode speed after idling', 'tok/s', DECODE_BANDS),
      idle_cpu_poll0_pct: lower('idle CPU at --poll 0', MACHINE, MACHINE_CPU_BANDS),
      idle_cpu_poll50_pct: lower('idle CPU at --poll 50', MACHINE, MACHINE_CPU_BANDS),
      idle_cpu_poll100_pct: lower('idle CPU at --poll 100', MACHINE, MACHINE_CPU_BANDS),
      awake_rss_mb: lower('RSS before sleeping', 'MB', MEMORY_MB_BANDS),
      asleep_rss_mb: lower('RSS asleep', 'MB', MEMORY_MB_BANDS),
      asleep_cpu_pct: lower('CPU asleep', MACHINE, MACHINE_CPU_BANDS),
      sleep_wake_ttft_s: lower('TTFT waking from sleep', 's', TTFT_BANDS),
    },
    families: [family('idle_cpu_poll', '_pct', /^[0-9]{1,3}$/, (level) => lower(`idle CPU at --poll ${level}`, MACHINE, MACHINE_CPU_BANDS))],
    key: ['warm_ttft_s', 'wake_ttft_s', 'wake_ttft_ratio', 'idle_cpu_poll0_pct', 'idle_cpu_poll50_pct', 'idle_cpu_poll100_pct', 'asleep_rss_mb', 'sleep_wake_ttft_s'],
  },
  concurrency: {
    metrics: {
      ...common,
      clients_max: neither('most concurrent clients', 'clients'),
      aggregate_tps_at_max: higher('aggregate decode speed at most clients', 'tok/s'),
      aggregate_tps_single: higher('decode speed, one client', 'tok/s', DECODE_BANDS),
      scaling_efficiency_pct: higher('scaling efficiency at most clients', '%'),
      latency_p95_s: lower('p95 latency at most clients', 's', LATENCY_BANDS),
      requests_failed: lower('failed requests', 'requests'),
    },
    key: ['clients_max', 'aggregate_tps_single', 'aggregate_tps_at_max', 'scaling_efficiency_pct', 'latency_p95_s', 'cpu_p99_pct'],
  },
} as const satisfies Record<string, { metrics: Record<string, MetricDefinition>; families?: readonly MetricFamily[]; key: readonly string[] }>;

type Registry = typeof REGISTRY;
export type ProfileName = keyof Registry;
type FamiliesOf<P extends ProfileName> = Registry[P] extends { families: readonly (infer F)[] } ? FamilyName<F> : never;
/** The metrics a profile may emit: a workload returning anything else does not type-check. */
export type MetricName<P extends ProfileName> = (keyof Registry[P]['metrics'] & string) | FamiliesOf<P>;
/** The metrics every profile's measurement window gives (CPU, memory, swap, sensors). */
export type CommonMetricName = keyof typeof common;
export type ProfileMetrics<P extends ProfileName> = Partial<Record<MetricName<P>, import('../measurement/schema.ts').Metric>>;

export const PROFILE_NAMES = Object.keys(REGISTRY) as ProfileName[];

/** Per profile, its declared metrics (name → definition). */
export const METRIC_CATALOGUE = Object.fromEntries(PROFILE_NAMES.map((p) => [p, REGISTRY[p].metrics])) as {
  [P in ProfileName]: Registry[P]['metrics'];
};

/** The figures each profile's tables show first, in order. */
export const KEY_METRICS = Object.fromEntries(PROFILE_NAMES.map((p) => [p, [...REGISTRY[p].key]])) as Record<ProfileName, string[]>;

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(REGISTRY, name);
}

/** The declaration of `metric` in `profile`; undefined for an unknown profile or metric (hostile scoreboards have both). */
export function metricDefinition(profile: string, metric: string): MetricDefinition | undefined {
  if (!isProfileName(profile)) return undefined;
  const entry = REGISTRY[profile] as { metrics: Record<string, MetricDefinition>; families?: readonly MetricFamily[] };
  if (Object.hasOwn(entry.metrics, metric)) return entry.metrics[metric];
  for (const f of entry.families ?? []) {
    if (!metric.startsWith(f.prefix) || !metric.endsWith(f.suffix) || metric.length <= f.prefix.length + f.suffix.length) continue;
    const middle = metric.slice(f.prefix.length, metric.length - f.suffix.length);
    if (f.middle.test(middle)) return f.define(middle);
  }
  return undefined;
}

/** Which way `metric` of `profile` is better; `neither` for an undeclared one, so nothing is judged on a guess. */
export function betterOf(profile: string, metric: string): Better {
  return metricDefinition(profile, metric)?.better ?? 'neither';
}

/** A figure keyed `profile.metric` (as selection weights and candidates key them): its direction. */
export function betterOfKey(key: string): Better {
  const dot = key.indexOf('.');
  return dot < 0 ? 'neither' : betterOf(key.slice(0, dot), key.slice(dot + 1));
}

/** A profile's metric families, for messages and the tests that walk the registry. */
export function metricFamilies(profile: ProfileName): readonly MetricFamily[] {
  return (REGISTRY[profile] as { families?: readonly MetricFamily[] }).families ?? [];
}

/** Every declared (profile, metric) pair, for the tests that walk the registry. */
export function declaredMetrics(): { profile: ProfileName; metric: string; definition: MetricDefinition }[] {
  return PROFILE_NAMES.flatMap((profile) =>
    Object.entries(REGISTRY[profile].metrics as Record<string, MetricDefinition>).map(([metric, definition]) => ({ profile, metric, definition })),
  );
}
