// Prefill/decode crossover: prompt size grows in steps at a fixed answer length; per step the prefill and decode
// time, and the prompt size where prefill starts to cost more than decode, with its interval.
import { z } from 'zod';
import { COMMON_METRICS, lower, neither } from '../../budgets/metric.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, tokens, withQuick } from '../settings.ts';

export const settings = withQuick(
  {
    /** Prompt sizes in tokens (sized exactly with the server's /tokenize), capped by the cell's ctx. */
    sizes: z.array(tokens).min(2).default([64, 128, 256, 512, 1024, 2048, 4096]),
    /** The fixed answer length every step decodes. */
    max_tokens: z.number().int().min(2).default(128),
    /** Measurements per step (each with its own prompt text, so none comes from the prompt cache). */
    repetitions: z.number().int().min(1).default(3),
    request_timeout_s: seconds.default(600),
  },
  { sizes: [16, 64, 256, 640], max_tokens: 16, repetitions: 2 },
  judged([]),
  // Off by default, like concurrency: `profiles.<name>.enabled: true` (or the e2e) turns it on.
  false,
);

export const crossover = defineProfile({
  name: 'crossover',
  summary: 'Prompt size grows in steps at a fixed answer length: prefill against decode time per step, and the prompt size where prefill overtakes decode.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    crossover_prompt_tokens: neither('prompt size where prefill overtakes decode', 'tokens'),
    prefill_ms_per_1k_input: lower('prefill time per 1000 input tokens', 'ms'),
    decode_ms_per_1k_output: lower('decode time per 1000 output tokens', 'ms'),
    prefill_wh_per_1k_input: lower('prefill energy per 1000 input tokens', 'Wh'),
    decode_wh_per_1k_output: lower('decode energy per 1000 output tokens', 'Wh'),
    largest_size_tokens: neither('largest prompt measured', 'tokens'),
    requests_failed: lower('failed requests', 'requests'),
  },
  key: ['crossover_prompt_tokens', 'prefill_ms_per_1k_input', 'decode_ms_per_1k_output', 'largest_size_tokens'],
  budgets: { requests_failed: '<= 0' },
  needs: ['tokenize', 'timings'],
  setupTimeoutS: (s, { loadTimeoutS }) => loadTimeoutS + (s.sizes.length * s.repetitions + 2) * s.request_timeout_s,
  charts: [{ kind: 'crossover' }],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
