// Sleep race: is --sleep-idle-seconds safe on this build? Requests that arrive just before the server puts itself to
// sleep have been reported to hang or crash it (llama.cpp #29188), and monitoring can keep a sleeping server awake.
// After each idle period a request is sent at an offset around the sleep deadline; each one is answered, hung,
// crashed or wrong. Then, asleep, /health, /props and /metrics are scraped in turn to see which of them wake it.
import { z } from 'zod';
import { COMMON_METRICS, lower, neither } from '../../budgets/metric.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, withQuick } from '../settings.ts';
import { RACE_OUTCOMES } from './outcome.ts';

export const MONITORED_ENDPOINTS = ['health', 'props', 'metrics'] as const;

export const sleepArgs = (seconds: number) => ['--sleep-idle-seconds', String(seconds)];

const offsetMs = z.number().int().min(-60_000).max(60_000);

export const settings = withQuick(
  {
    /** --sleep-idle-seconds: the server sleeps (unloads the model) after this many idle seconds. */
    sleep_idle_s: z.number().int().min(1).max(MAX_DURATION_S, DURATION_LIMIT).default(2),
    /** The grid of offsets around the sleep deadline, in ms (negative: before it). */
    from_ms: offsetMs.default(-100),
    to_ms: offsetMs.default(100),
    step_ms: z.number().int().min(1).default(5),
    /** Offsets drawn at random in the same range, beside the grid. */
    random_offsets: z.number().int().min(0).default(8),
    /** Seeds the random offsets and the order of the trials. */
    seed: z.number().int().default(1),
    /** A request with no complete answer within this bound is `hung`. */
    request_timeout_s: seconds.default(30),
    max_tokens: z.number().int().min(1).default(8),
    /** Each crash or hang relaunches the server; past this many relaunches the race stops, naming the offsets left untried. */
    max_relaunches: z.number().int().min(0).default(3),
    /** Endpoints scraped while the server sleeps, one after the other, to see which wake it. */
    monitor_endpoints: z.array(z.enum(MONITORED_ENDPOINTS)).default([...MONITORED_ENDPOINTS]),
    monitor_rate_hz: z.number().positive().max(100).default(2),
    monitor_s: seconds.default(5),
  },
  { sleep_idle_s: 1, from_ms: -50, to_ms: 50, step_ms: 50, random_offsets: 1, monitor_s: 2 },
  judged(['race_crashes', 'race_hangs']),
);

const REQUESTS = 'requests';

export const sleepRace = defineProfile({
  name: 'sleep-race',
  summary:
    'Requests sent at offsets around the --sleep-idle-seconds deadline (answered, hung, crashed or wrong, the server relaunched after a crash), then /health, /props and /metrics scraped while it sleeps to see which wake it.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    race_trials: neither('race requests sent', REQUESTS),
    race_answered: neither('race requests answered', REQUESTS),
    race_asleep: neither('race requests that found the server asleep', REQUESTS),
    race_hangs: lower('race requests that hung', REQUESTS),
    race_crashes: lower('server crashes in the race', 'crashes'),
    race_wrong: lower('race requests answered wrongly', REQUESTS),
    monitoring_wakes: lower('monitoring endpoints that woke the server', 'endpoints'),
  },
  key: ['race_trials', 'race_hangs', 'race_crashes', 'race_wrong', 'race_asleep', 'monitoring_wakes'],
  // Sleep mode is safe only if no request near the deadline hangs, kills or garbles, and monitoring lets it sleep.
  budgets: {
    race_hangs: '<= 0',
    race_crashes: '<= 0',
    race_wrong: '<= 0',
    monitoring_wakes: '<= 0',
  },
  needs: ['relaunch', 'sleep', 'process'],
  server: (s) => ({ extraArgs: sleepArgs(s.sleep_idle_s) }),
  setupTimeoutS: (s, { loadTimeoutS }) => {
    const trials = Math.floor((s.to_ms - s.from_ms) / s.step_ms) + 2 + s.random_offsets;
    const perTrial = s.sleep_idle_s + 2 + s.request_timeout_s;
    const monitoring = s.monitor_endpoints.length * (s.monitor_s + s.sleep_idle_s + 35);
    return (3 + s.max_relaunches) * loadTimeoutS + 2 * trials * perTrial + monitoring + 60;
  },
  charts: [
    {
      kind: 'outcome-strip',
      title: 'Requests around the sleep deadline',
      note: 'Each mark is one request, placed at the offset from the sleep deadline (--sleep-idle-seconds after the previous answer) at which it was sent; its colour is what came of it. A hollow mark found the server already asleep.',
      table: 'race',
      x: 'offset_ms',
      outcome: 'outcome',
      outcomes: RACE_OUTCOMES,
      hollow: 'asleep',
      xLabel: 'ms from the sleep deadline',
    },
    {
      kind: 'table',
      title: 'Monitoring a sleeping server',
      note: 'Each endpoint scraped on its own while the server slept; "woke it" means the server logged that it left its sleeping state during the scrapes.',
      table: 'monitoring',
      columns: [
        { key: 'endpoint', label: 'endpoint', names: MONITORED_ENDPOINTS.map((e) => `/${e}`) },
        { key: 'requests', label: 'requests' },
        { key: 'answered', label: 'answered' },
        { key: 'woke', label: 'woke it', names: ['no', 'yes'] },
        { key: 'rss_before_mb', label: 'RSS before (MB)' },
        { key: 'rss_after_mb', label: 'RSS after (MB)' },
      ],
    },
  ],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
