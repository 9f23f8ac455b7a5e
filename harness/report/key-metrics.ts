/** The figures each profile's tables show first. */
export const KEY_METRICS: Record<string, string[]> = {
  idle: ['cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb', 'load_s'],
  interactive: ['ttft_p50_s', 'latency_p95_s', 'latency_p99_over_p50', 'decode_tps_mean', 'cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb'],
  quality: ['score_endpoint_security', 'score_math', 'score_comprehension', 'score_reasoning', 'score_format', 'cove_pass_rate', 'retrieval_f1_mean', 'answer_latency_p95_s'],
  invisibility: ['foreground_slowdown_pct', 'timer_lateness_p99_ms', 'timer_lateness_idle_p99_ms', 'cpu_mean_pct', 'cpu_p99_pct'],
  'long-context': ['max_usable_context_tokens', 'prefill_tps_at_max', 'ttft_s_at_max', 'decode_tps_at_max', 'cache_speedup_at_max', 'rss_peak_mb', 'load_s'],
  batch: ['docs_per_hour', 'doc_seconds_mean', 'doc_seconds_cv_pct', 'degradation_pct', 'rss_slope_mb_per_h', 'leak_slope_mb_per_h', 'cache_explained_pct'],
  stress: ['stress_duration_s', 'decode_tps_mean', 'tps_drop_pct', 'throttled', 'aborted', 'temperature_max_c', 'rss_slope_mb_per_h'],
  wake: ['warm_ttft_s', 'wake_ttft_s', 'wake_ttft_ratio', 'idle_cpu_poll0_pct', 'idle_cpu_poll50_pct', 'idle_cpu_poll100_pct', 'asleep_rss_mb', 'sleep_wake_ttft_s'],
  concurrency: ['clients_max', 'aggregate_tps_single', 'aggregate_tps_at_max', 'scaling_efficiency_pct', 'latency_p95_s', 'cpu_p99_pct'],
};
