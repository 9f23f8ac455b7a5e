// Temperature variability: the same prompts run several times at each temperature with distinct seeds. How much
// the answers differ (distinct-n, pairwise edit distance), how much length and speed vary, and whether graded
// answers stay correct.
import { z } from 'zod';
import { COMMON_METRICS, family, higher, lower, neither } from '../../budgets/metric.ts';
import { MIDDLEWARE_METRICS } from '../../middleware/metrics.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, withQuick } from '../settings.ts';

export const settings = withQuick(
  {
    temperatures: z.array(z.number().min(0).max(2)).min(1).default([0, 0.7, 1.2]),
    /** Runs of each prompt at each temperature, each with its own seed. */
    runs: z.number().int().min(2).default(5),
    /** Free prompts (`{id, prompt}` lines) and how many of them to use. */
    prompts: z.string().default('prompts/interactive.jsonl'),
    prompt_limit: z.number().int().min(0).default(3),
    /** Graded items whose pass rate is taken per temperature: a golden set from the goldens folder. */
    goldens: z.string().default('goldens'),
    graded_set: z.string().min(1).default('math'),
    graded_limit: z.number().int().min(0).default(3),
    max_tokens: z.number().int().min(2).default(64),
    request_timeout_s: seconds.default(120),
  },
  { runs: 3, prompt_limit: 1, graded_limit: 1, max_tokens: 16 },
  judged([]),
  // Off by default, like concurrency: `profiles.<name>.enabled: true` (or the e2e) turns it on.
  false,
);

/** How a temperature reads in a metric name: 0.7 → "0_7". */
export const temperatureKey = (t: number) => String(t).replace('.', '_');
const tLabel = (middle: string) => `T ${middle.replace('_', '.')}`;
const MIDDLE = /^[0-9]+(?:_[0-9]+)?$/;

const perTemperature = (t: string) => ({
  [`distinct2_t${t}`]: higher(`distinct-2 of the answers, ${tLabel(t)}`, 'ratio'),
  [`edit_distance_t${t}`]: neither(`mean pairwise edit distance, ${tLabel(t)}`, 'ratio'),
  [`pass_rate_t${t}`]: higher(`graded pass rate, ${tLabel(t)}`, 'score'),
});

export const temperature = defineProfile({
  name: 'temperature',
  summary: 'The same prompts run several times at each temperature with distinct seeds: answer diversity, length and speed variance, graded pass rate per temperature.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    ...MIDDLEWARE_METRICS,
    distinct2_t0: higher('distinct-2 of the answers, T 0', 'ratio'),
    distinct2_t0_7: higher('distinct-2 of the answers, T 0.7', 'ratio'),
    distinct2_t1_2: higher('distinct-2 of the answers, T 1.2', 'ratio'),
    edit_distance_t0: neither('mean pairwise edit distance, T 0', 'ratio'),
    edit_distance_t0_7: neither('mean pairwise edit distance, T 0.7', 'ratio'),
    edit_distance_t1_2: neither('mean pairwise edit distance, T 1.2', 'ratio'),
    pass_rate_t0: higher('graded pass rate, T 0', 'score'),
    pass_rate_t0_7: higher('graded pass rate, T 0.7', 'score'),
    pass_rate_t1_2: higher('graded pass rate, T 1.2', 'score'),
    length_cv_max_temp: neither('answer length CV at the highest temperature', 'ratio'),
    tps_cv_max_temp: lower('decode speed CV at the highest temperature', 'ratio'),
    pass_rate_drop: lower('pass rate lost from the lowest to the highest temperature', 'score'),
    requests_failed: lower('failed requests', 'requests'),
  },
  families: [
    family('distinct2_t', '', MIDDLE, (t) => perTemperature(t)[`distinct2_t${t}`]!),
    family('edit_distance_t', '', MIDDLE, (t) => perTemperature(t)[`edit_distance_t${t}`]!),
    family('pass_rate_t', '', MIDDLE, (t) => perTemperature(t)[`pass_rate_t${t}`]!),
  ],
  key: ['edit_distance_t0', 'edit_distance_t1_2', 'distinct2_t1_2', 'pass_rate_t0', 'pass_rate_t1_2', 'pass_rate_drop'],
  budgets: { requests_failed: '<= 0' },
  setupTimeoutS: (s, { loadTimeoutS }) => loadTimeoutS + s.temperatures.length * s.runs * (s.prompt_limit + s.graded_limit) * s.request_timeout_s * 2,
  charts: [{ kind: 'variability' }, { kind: 'middleware-comparison' }],
  usesMiddleware: true,
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
