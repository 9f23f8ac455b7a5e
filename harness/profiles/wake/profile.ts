// Wake: an always-on service is mostly idle. TTFT after a pause versus warm, idle CPU at each --poll level, and with
// --sleep-idle-seconds the memory asleep against the time to wake it.
import { z } from 'zod';
import { DECODE_BANDS, MACHINE_CPU_BANDS, MEMORY_MB_BANDS, TTFT_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, MACHINE, family, higher, lower } from '../../budgets/metric.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, withQuick } from '../settings.ts';

const CORE = '% of a core';

export const settings = withQuick(
  {
    /** Idle time before the first request, whose speed is compared with a warm request's. */
    idle_before_s: seconds.default(30),
    /** llama-server --poll levels whose idle CPU is compared (0 sleeps, 100 busy-polls; 50 is its default). */
    poll_levels: z.array(z.number().int().min(0).max(100)).default([0, 50, 100]),
    /** Idle measurement per poll level and while asleep. */
    idle_s: seconds.default(10),
    /** --sleep-idle-seconds for the sleep phase (the server unloads the model when idle); null skips the phase. */
    sleep_idle_s: z.number().int().min(1).max(MAX_DURATION_S, DURATION_LIMIT).nullable().default(5),
    max_tokens: z.number().int().min(2).default(32),
    request_timeout_s: seconds.default(300),
  },
  { idle_before_s: 2, idle_s: 1, sleep_idle_s: 1, max_tokens: 8 },
  judged([]),
);

export const wake = defineProfile({
  name: 'wake',
  summary:
    'TTFT after an idle pause against a warm request, idle CPU at each --poll level, and with --sleep-idle-seconds the memory asleep against the time to wake it.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    warm_ttft_s: lower('TTFT, warm', 's', TTFT_BANDS),
    wake_ttft_s: lower('TTFT after idling', 's', TTFT_BANDS),
    wake_ttft_ratio: lower('TTFT after idling ÷ warm', '×'),
    warm_decode_tps: higher('decode speed, warm', 'tok/s', DECODE_BANDS),
    wake_decode_tps: higher('decode speed after idling', 'tok/s', DECODE_BANDS),
    idle_cpu_poll0_pct: lower('idle CPU at --poll 0', MACHINE, MACHINE_CPU_BANDS),
    idle_cpu_poll50_pct: lower('idle CPU at --poll 50', MACHINE, MACHINE_CPU_BANDS),
    idle_cpu_poll100_pct: lower('idle CPU at --poll 100', MACHINE, MACHINE_CPU_BANDS),
    awake_rss_mb: lower('RSS before sleeping', 'MB', MEMORY_MB_BANDS),
    asleep_rss_mb: lower('RSS asleep', 'MB', MEMORY_MB_BANDS),
    asleep_cpu_pct: lower('CPU asleep', MACHINE, MACHINE_CPU_BANDS),
    sleep_wake_ttft_s: lower('TTFT waking from sleep', 's', TTFT_BANDS),
    // A process mean over many idle threads hides one thread spinning at a whole core (llama.cpp #27687).
    idle_max_thread_pct: lower('busiest thread while idle', CORE),
    idle_busy_threads: lower('threads above 5 % of a core while idle', 'threads'),
  },
  families: [
    family('idle_cpu_poll', '_pct', /^[0-9]{1,3}$/, (level) => lower(`idle CPU at --poll ${level}`, MACHINE, MACHINE_CPU_BANDS)),
    family('idle_max_thread_poll', '_pct', /^[0-9]{1,3}$/, (level) => lower(`busiest idle thread at --poll ${level}`, CORE)),
  ],
  key: [
    'warm_ttft_s',
    'wake_ttft_s',
    'wake_ttft_ratio',
    'idle_cpu_poll0_pct',
    'idle_cpu_poll50_pct',
    'idle_cpu_poll100_pct',
    'asleep_rss_mb',
    'sleep_wake_ttft_s',
    'idle_max_thread_pct',
  ],
  // An always-on service is mostly idle: waking it must not cost much more than a warm request.
  budgets: {
    wake_ttft_ratio: '<= 3',
    asleep_cpu_pct: '<= 1',
    // No thread spins while nobody talks to the server.
    idle_max_thread_pct: '<= 5',
  },
  needs: ['relaunch', 'sleep', 'process'],
  setupTimeoutS: (s, { loadTimeoutS }) => {
    const launches = s.poll_levels.length + 2;
    return launches * loadTimeoutS + s.idle_before_s + (s.poll_levels.length + 2) * s.idle_s + (s.sleep_idle_s ?? 0) + 30 + 6 * s.request_timeout_s;
  },
  charts: [
    {
      kind: 'block',
      title: 'Idle CPU by --poll level',
      note: 'Idle CPU of the server after one request, for each llama-server --poll level (0 sleeps while waiting, 100 busy-polls).',
      charts: [{ kind: 'series', table: 'poll', x: 'poll', y: 'idle_cpu_pct', xLabel: '--poll level', yLabel: 'idle CPU (% of machine)' }],
    },
    {
      kind: 'block',
      title: 'Busiest thread while idle, by --poll level',
      note: 'The idle server\'s busiest thread, as % of one core, after one request at each --poll level: a spinning thread shows here even when the process mean is low. The dashed line is the idle_max_thread_pct budget (checked at the cell\'s own settings).',
      charts: [
        { kind: 'series', table: 'poll', x: 'poll', y: 'idle_max_thread_pct', xLabel: '--poll level', yLabel: 'busiest thread (% of a core)', limitOf: 'idle_max_thread_pct' },
        { kind: 'series', table: 'poll', x: 'poll', y: 'idle_busy_threads', xLabel: '--poll level', yLabel: 'threads above 5 % of a core' },
      ],
    },
  ],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
