// Long context: a ladder of prompt sizes (sized exactly with the server's tokenizer), each sent cold and again
// from the prompt cache. Prefill and decode speed, TTFT and memory per size; the largest usable context.
import { z } from 'zod';
import { CONTEXT_LOAD_BANDS, DECODE_BANDS, TTFT_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, higher, lower, neither } from '../../budgets/metric.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, tokens, withQuick } from '../settings.ts';

export const settings = withQuick(
  {
    /** Prompt sizes in tokens, capped by the cell's ctx and the model's trained context. */
    sizes: z.array(tokens).min(1).default([4096, 8192, 16384, 32768, 65536]),
    /** Tokens decoded after each prompt, for decode speed at that context. */
    max_tokens: z.number().int().min(2).default(32),
    /** A size counts as usable while its time to first token stays within this. */
    usable_ttft_s: seconds.default(30),
    request_timeout_s: seconds.default(900),
  },
  { sizes: [200, 800], max_tokens: 8 },
  judged(['context_load_s']),
);

export const longContext = defineProfile({
  name: 'long-context',
  summary: "A ladder of prompt sizes sized exactly with the server's tokenizer, each sent cold and again from the prompt cache.",
  settings,
  metrics: {
    ...COMMON_METRICS,
    max_usable_context_tokens: higher('max usable context', 'tokens'),
    largest_size_tokens: neither('largest prompt measured', 'tokens'),
    failed_sizes: lower('prompt sizes that failed', 'sizes'),
    requests_failed: lower('failed requests (cold and repeated)', 'requests'),
    // The design's "initial load": the server's prompt-processing time of the ladder's largest size, sent cold (an
    // error when that size failed, never the largest one that worked). Model load is load_s, a figure of its own.
    context_load_s: lower('context load (prefill of the largest prompt, cold)', 's', CONTEXT_LOAD_BANDS),
    prefill_s_at_max: lower('prefill time at the largest prompt', 's'),
    prefill_tps_at_max: higher('prefill speed at the largest prompt', 'tok/s'),
    ttft_s_at_max: lower('TTFT at the largest prompt', 's', TTFT_BANDS),
    decode_tps_at_max: higher('decode speed after the largest prompt', 'tok/s', DECODE_BANDS),
    decode_tps_drop_pct: lower('decode slowdown, smallest to largest prompt', '%'),
    cached_ttft_s_at_max: lower('TTFT of the repeated largest prompt', 's', TTFT_BANDS),
    cache_speedup_at_max: higher('prefix-cache speed-up', '×'),
    cache_reused_tokens_at_max: higher('tokens reused from the prompt cache', 'tokens'),
  },
  key: ['max_usable_context_tokens', 'context_load_s', 'prefill_tps_at_max', 'ttft_s_at_max', 'decode_tps_at_max', 'cache_speedup_at_max', 'rss_peak_mb', 'load_s'],
  budgets: {
    context_load_s: '<= 60',
    swap_growth_mb: '<= 0',
    failed_sizes: '<= 0',
    // A repeated prompt that failed is not a failed size, but it is a failed request.
    requests_failed: '<= 0',
  },
  needs: ['tokenize', 'timings'],
  setupTimeoutS: (s, { loadTimeoutS }) => loadTimeoutS + 2 * (s.sizes.length + 3) * s.request_timeout_s,
  charts: [
    {
      kind: 'block',
      title: 'Long-context curve',
      note: "Each prompt size sent cold (TTFT, prefill speed) and repeated from the prompt cache (repeated TTFT). Sizes are capped by the context size and the model's trained context.",
      charts: [
        { kind: 'series', table: 'ladder', x: 'tokens', y: 'ttft_s', xLabel: 'prompt tokens', yLabel: 'TTFT, cold (s)', limitOf: 'ttft_s_at_max' },
        { kind: 'series', table: 'ladder', x: 'tokens', y: 'prefill_tps', xLabel: 'prompt tokens', yLabel: 'prefill tok/s' },
        { kind: 'series', table: 'ladder', x: 'tokens', y: 'decode_tps', xLabel: 'prompt tokens', yLabel: 'decode tok/s after the prompt' },
        { kind: 'series', table: 'ladder', x: 'tokens', y: 'cached_ttft_s', xLabel: 'prompt tokens', yLabel: 'TTFT, repeated prompt (s)' },
      ],
    },
  ],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
