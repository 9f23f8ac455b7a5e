/** What each profile can measure, so a budget on an unknown metric is rejected when the config loads. */
export interface MetricDefinition {
  label: string;
  unit: string;
}

const common = {
  cpu_mean_pct: { label: 'CPU mean', unit: '% of machine' },
  cpu_p99_pct: { label: 'CPU p99', unit: '% of machine' },
  cpu_peak_pct: { label: 'CPU peak', unit: '% of machine' },
  rss_peak_mb: { label: 'peak RSS', unit: 'MB' },
  rss_mean_mb: { label: 'RSS mean', unit: 'MB' },
  swap_growth_mb: { label: 'swap growth', unit: 'MB' },
  load_s: { label: 'model load time', unit: 's' },
  system_cpu_mean_pct: { label: 'system CPU mean', unit: '%' },
  psi_cpu_some_pct: { label: 'CPU pressure (PSI some)', unit: '%' },
  psi_memory_some_pct: { label: 'memory pressure (PSI some)', unit: '%' },
  temperature_max_c: { label: 'CPU temperature max', unit: '°C' },
  frequency_mean_mhz: { label: 'CPU frequency mean', unit: 'MHz' },
  energy_j: { label: 'package energy', unit: 'J' },
} satisfies Record<string, MetricDefinition>;

export const METRIC_CATALOGUE = {
  idle: {
    ...common,
    cpu_mean_pct: { label: 'idle CPU mean', unit: '% of machine' },
    cpu_p99_pct: { label: 'idle CPU p99', unit: '% of machine' },
    cpu_peak_pct: { label: 'idle CPU peak', unit: '% of machine' },
    rss_mean_mb: { label: 'idle RSS mean', unit: 'MB' },
  },
  interactive: {
    ...common,
    ttft_p50_s: { label: 'TTFT p50', unit: 's' },
    ttft_p95_s: { label: 'TTFT p95', unit: 's' },
    latency_p50_s: { label: 'p50 latency', unit: 's' },
    latency_p95_s: { label: 'p95 latency', unit: 's' },
    latency_p99_s: { label: 'p99 latency', unit: 's' },
    latency_p99_over_p50: { label: 'latency p99/p50', unit: '×' },
    itl_p99_ms: { label: 'inter-token latency p99', unit: 'ms' },
    decode_tps_mean: { label: 'decode speed', unit: 'tok/s' },
    server_decode_tps_mean: { label: 'decode speed (server timings)', unit: 'tok/s' },
    prefill_tps_mean: { label: 'prefill speed (server timings)', unit: 'tok/s' },
    requests_failed: { label: 'failed requests', unit: 'requests' },
  },
  quality: {
    ...common,
    score_overall: { label: 'overall score', unit: 'score' },
    score_endpoint_security: { label: 'endpoint-security score', unit: 'score' },
    score_math: { label: 'math score', unit: 'score' },
    score_comprehension: { label: 'comprehension score', unit: 'score' },
    score_reasoning: { label: 'reasoning score', unit: 'score' },
    score_format: { label: 'format score', unit: 'score' },
    cove_pass_rate: { label: 'CoVe pass rate', unit: 'score' },
    cove_plain_pass_rate: { label: 'plain-answer pass rate (CoVe set)', unit: 'score' },
    cove_extra_tokens_mean: { label: 'CoVe extra tokens per item', unit: 'tokens' },
    cove_extra_latency_s_mean: { label: 'CoVe extra latency per item', unit: 's' },
    retrieval_precision_mean: { label: 'retrieval precision', unit: 'score' },
    retrieval_recall_mean: { label: 'retrieval recall', unit: 'score' },
    retrieval_f1_mean: { label: 'retrieval F1', unit: 'score' },
    retrieval_bm25_f1_mean: { label: 'BM25 baseline F1', unit: 'score' },
    retrieval_embedding_f1_mean: { label: 'embedding ranking F1', unit: 'score' },
    answer_latency_p95_s: { label: 'answer latency p95', unit: 's' },
    requests_failed: { label: 'failed requests', unit: 'requests' },
  },
  invisibility: {
    ...common,
    foreground_slowdown_pct: { label: 'foreground slowdown', unit: '%' },
    foreground_idle_ms: { label: 'foreground task mean, server idle', unit: 'ms' },
    foreground_active_ms: { label: 'foreground task mean, server decoding', unit: 'ms' },
    timer_lateness_p99_ms: { label: 'timer lateness p99', unit: 'ms' },
    timer_lateness_idle_p99_ms: { label: 'timer lateness p99, server idle', unit: 'ms' },
    background_requests: { label: 'background requests', unit: 'requests' },
  },
} satisfies Record<string, Record<string, MetricDefinition>>;

export type ProfileName = keyof typeof METRIC_CATALOGUE;
export const PROFILE_NAMES = Object.keys(METRIC_CATALOGUE) as ProfileName[];

export function metricDefinition(profile: ProfileName, metric: string): MetricDefinition | undefined {
  return (METRIC_CATALOGUE[profile] as Record<string, MetricDefinition>)[metric];
}
