/** The figures each profile's tables show first. */
export const KEY_METRICS: Record<string, string[]> = {
  idle: ['cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb', 'load_s'],
  interactive: ['ttft_p50_s', 'latency_p95_s', 'latency_p99_over_p50', 'decode_tps_mean', 'cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb'],
  quality: ['score_endpoint_security', 'score_math', 'score_comprehension', 'score_reasoning', 'score_format', 'cove_pass_rate', 'retrieval_f1_mean', 'answer_latency_p95_s'],
  invisibility: ['foreground_slowdown_pct', 'timer_lateness_p99_ms', 'timer_lateness_idle_p99_ms', 'cpu_mean_pct', 'cpu_p99_pct'],
};
