// Interactive: short prompts one after another, as a person chatting sends them. Measures how fast answers start
// and finish, how steady that is (p99/p50), and what the machine pays in CPU and memory meanwhile.
import { z } from 'zod';
import { DECODE_BANDS, DECODE_CV_BANDS, LATENCY_BANDS, TTFT_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, aliasOf, higher, lower, neither, sampled } from '../../budgets/metric.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, plainSettings } from '../settings.ts';
import { ENERGY_METRICS } from '../../energy/declare.ts';
import { MAX_IDLE_BASELINE_S } from '../../config/energy-schema.ts';

/** llama-bench's decode runs beside the server (repetitions and a warm-up), one answer's length each, for the serving overhead. */
export const LLAMA_BENCH_REQUESTS = 5 + 1;

export const settings = plainSettings(
  {
    prompts: z.string().default('prompts/interactive.jsonl'),
    warmup: z.number().int().min(0).default(2),
    repetitions: z.number().int().min(1).default(10),
    max_tokens: z.number().int().min(2).default(64),
    request_timeout_s: z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT).default(120),
  },
  judged(['ttft_s', 'decode_tps', 'rss_peak_mb']),
);

export const interactive = defineProfile({
  name: 'interactive',
  summary:
    'Short prompts one after another, as a person chatting sends them: how fast answers start and finish, how steady that is, and what the machine pays meanwhile.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    // Per request (failed requests counted as the timeout): budgets name the aggregation, e.g. "p(95) <= 30".
    ttft_s: sampled(lower('TTFT', 's', TTFT_BANDS), 'independent'),
    latency_s: sampled(lower('latency', 's', LATENCY_BANDS), 'independent'),
    itl_ms: sampled(lower('inter-token latency', 'ms'), 'series'),
    decode_tps: sampled(higher('decode speed', 'tok/s', DECODE_BANDS), 'independent'),
    server_decode_tps: sampled(higher('decode speed (server timings)', 'tok/s', DECODE_BANDS), 'independent'),
    prefill_tps: sampled(higher('prefill speed (server timings)', 'tok/s'), 'independent'),
    // The same figures under their older names, kept for the tables, the planner and budgets written before.
    ttft_p50_s: aliasOf(lower('TTFT p50', 's', TTFT_BANDS), 'ttft_s', 'p(50)'),
    ttft_p95_s: aliasOf(lower('TTFT p95', 's', TTFT_BANDS), 'ttft_s', 'p(95)'),
    latency_p50_s: aliasOf(lower('p50 latency', 's', LATENCY_BANDS), 'latency_s', 'p(50)'),
    latency_p95_s: aliasOf(lower('p95 latency', 's', LATENCY_BANDS), 'latency_s', 'p(95)'),
    latency_p99_s: aliasOf(lower('p99 latency', 's', LATENCY_BANDS), 'latency_s', 'p(99)'),
    latency_p99_over_p50: lower('latency p99/p50', '×'),
    // Token-timing variance: the coefficient of variation (sample SD ÷ mean × 100) of the per-request decode tok/s.
    decode_tps_cv_pct: lower('token-timing variance (CV of per-request decode tok/s)', '%', DECODE_CV_BANDS),
    itl_p99_ms: aliasOf(lower('inter-token latency p99', 'ms'), 'itl_ms', 'p(99)'),
    decode_tps_mean: aliasOf(higher('decode speed', 'tok/s', DECODE_BANDS), 'decode_tps', 'mean'),
    server_decode_tps_mean: aliasOf(higher('decode speed (server timings)', 'tok/s', DECODE_BANDS), 'server_decode_tps', 'mean'),
    prefill_tps_mean: aliasOf(higher('prefill speed (server timings)', 'tok/s'), 'prefill_tps', 'mean'),
    // What the machine allows, not what the configuration achieves.
    decode_bound_tps: neither('DRAM roofline (bandwidth ÷ bytes read per token)', 'tok/s'),
    // Above 100 % when the bytes a token reads fit in the cache (the reason says so): a DRAM bound, not a law.
    decode_efficiency_pct: higher('decode speed as % of the DRAM roofline', '%'),
    // The engine alone on the same file, threads and build: a reference, not something the cell achieves.
    llama_bench_decode_tps: neither('llama-bench decode speed (same file, threads, build)', 'tok/s'),
    serving_overhead_pct: lower('serving overhead (server vs llama-bench decode)', '%'),
    requests_failed: lower('failed requests', 'requests'),
    // Energy per request (start, first token, last token) and per cell: measured, attributed or estimated (harness/energy/).
    ...ENERGY_METRICS,
  },
  key: ['ttft_p50_s', 'latency_p95_s', 'latency_p99_over_p50', 'decode_tps_mean', 'cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb'],
  budgets: {
    cpu_pct: ['mean <= 35', 'p(99) <= 50'],
    rss_peak_mb: '<= 6000',
    latency_s: 'p(95) <= 2.5',
    latency_p99_over_p50: '< 2',
    ttft_s: 'p(95) <= 30',
    decode_tps: 'mean >= 2',
    decode_tps_cv_pct: '<= 20',
    swap_growth_mb: '<= 0',
    // A request that failed is not a fast one: it would otherwise just drop out of the percentiles.
    requests_failed: '<= 0',
  },
  // The energy idle baseline (energy.idle_baseline_s, at most MAX_IDLE_BASELINE_S) waits before the measured requests.
  setupTimeoutS: (s, { loadTimeoutS }) => loadTimeoutS + (s.warmup + s.repetitions + LLAMA_BENCH_REQUESTS) * s.request_timeout_s + 60 + MAX_IDLE_BASELINE_S,
  charts: [{ kind: 'latency-percentiles' }],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
