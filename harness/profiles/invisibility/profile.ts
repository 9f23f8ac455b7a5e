// Invisibility: would the person at the machine notice? A foreground task and timer lateness, measured in their own
// process with the server idle and then while it decodes; the slowdown and the lateness are the budgets. After the
// cells, a paired session compares cells of the same model file against each other (README, "Invisibility").
import { z } from 'zod';
import { COMMON_METRICS, higher, lower, neither } from '../../budgets/metric.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, plainSettings } from '../settings.ts';

/** Paired comparison of the cells of one model × quantization × context inside one probe session. */
const pairedComparison = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** `first`: the first model × quantization × context with two or more measured cells (plan order); `all`: every one. */
    groups: z.enum(['first', 'all']).default('first'),
    /** Rounds before the session may stop: each round probes every cell of the group once. */
    min_rounds: z.number().int().min(3).default(6),
    /** The session stops here even when an interval is still wider than the target. */
    max_rounds: z.number().int().min(3).default(20),
    /** The session stops once every pair's interval is at most ± this many % of foreground time. */
    target_halfwidth_pct: z.number().positive().default(3),
  })
  .refine((p) => p.min_rounds <= p.max_rounds, { message: 'expected min_rounds ≤ max_rounds', path: ['max_rounds'] });

export const settings = plainSettings(
  {
    /** How long tinybench runs the foreground task, in each of the idle and active phases. */
    foreground_ms: z
      .number()
      .int()
      .min(100)
      .max(MAX_DURATION_S * 1000, DURATION_LIMIT)
      .default(1500),
    /** How long the 10 ms timer-lateness probe runs, in each phase. */
    lateness_ms: z
      .number()
      .int()
      .min(100)
      .max(MAX_DURATION_S * 1000, DURATION_LIMIT)
      .default(1000),
    /** Tokens per background request while the probe runs. */
    max_tokens: z.number().int().min(2).default(128),
    /** Active phases, each between two idle phases (idle, active, idle, …, active, idle); the slowdown's interval comes from their spread. */
    rounds: z.number().int().min(1).default(3),
    paired: pairedComparison.default(pairedComparison.parse({})),
  },
  judged([]),
);

export const invisibility = defineProfile({
  name: 'invisibility',
  summary:
    'A foreground task and timer lateness in a probe process of their own, with the server idle and decoding; then a paired comparison of cells of one model file.',
  settings,
  metrics: {
    ...COMMON_METRICS,
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
  // "Invisible": the person's own work is at most 10 % slower and a 10 ms timer at most 20 ms late.
  budgets: {
    foreground_slowdown_pct: '<= 10',
    timer_lateness_p99_ms: '<= 20',
  },
  needs: ['process'],
  setupTimeoutS: (s, { loadTimeoutS }) => {
    // A warm-up phase, then idle and active phases alternating: rounds active ones between rounds + 1 idle ones.
    const phases = 1 + s.rounds + (s.rounds + 1);
    return loadTimeoutS + (phases * (s.foreground_ms + s.lateness_ms)) / 1000 + 120;
  },
  charts: [{ kind: 'paired-comparison' }],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
