import type { ProfileName } from './catalogue.ts';

/** Reference budgets from the project's design; every one can be overridden or set to "off" in the config. */
export const DEFAULT_BUDGETS: Record<ProfileName, Record<string, string>> = {
  idle: {
    cpu_mean_pct: '<= 2',
    rss_peak_mb: '<= 6000',
    swap_growth_mb: '<= 0',
  },
  interactive: {
    cpu_mean_pct: '<= 35',
    cpu_p99_pct: '<= 50',
    rss_peak_mb: '<= 6000',
    latency_p95_s: '<= 2.5',
    latency_p99_over_p50: '< 2',
    ttft_p95_s: '<= 30',
    decode_tps_mean: '>= 2',
    swap_growth_mb: '<= 0',
    // A request that failed is not a fast one: it would otherwise just drop out of the percentiles.
    requests_failed: '<= 0',
  },
  // The correctness floors of the design: endpoint security is the headline one (0.80).
  quality: {
    score_endpoint_security: '>= 0.8',
    score_math: '>= 0.8',
    score_comprehension: '>= 0.75',
    score_reasoning: '>= 0.75',
    score_format: '>= 0.9',
    requests_failed: '<= 0',
  },
  // "Invisible": the person's own work is at most 10 % slower and a 10 ms timer at most 20 ms late.
  invisibility: {
    foreground_slowdown_pct: '<= 10',
    timer_lateness_p99_ms: '<= 20',
  },
  'long-context': {
    load_s: '<= 60',
    swap_growth_mb: '<= 0',
    failed_sizes: '<= 0',
    // A repeated prompt that failed is not a failed size, but it is a failed request.
    requests_failed: '<= 0',
  },
  // Steady throughput without a leak: CV ≤ 20 %, the last documents at most 10 % slower than the first.
  batch: {
    doc_seconds_cv_pct: '<= 20',
    degradation_pct: '<= 10',
    leak_slope_mb_per_h: '<= 100',
    documents_failed: '<= 0',
  },
  stress: {
    aborted: '<= 0',
    throttled: '<= 0',
    swap_growth_mb: '<= 0',
    requests_failed: '<= 0',
  },
  // An always-on service is mostly idle: waking it must not cost much more than a warm request.
  wake: {
    wake_ttft_ratio: '<= 3',
    asleep_cpu_pct: '<= 1',
  },
  concurrency: {
    latency_p95_s: '<= 10',
    requests_failed: '<= 0',
  },
};
