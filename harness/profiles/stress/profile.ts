// Stress: a soak on one cell (the configured one, else the heaviest the other profiles rated acceptable or better).
// Continuous generation with vitals every interval; throttling, overheating, swap growth and a dead /health end it
// early with the reason.
import { z } from 'zod';
import { DECODE_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, flag, higher, lower } from '../../budgets/metric.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, withQuick } from '../settings.ts';

export const settings = withQuick(
  {
    /** Continuous generation for this long (one cell only: a soak, not a sweep). */
    duration_s: seconds.default(1800),
    /** Vitals every interval: temperature, frequency, memory, swap, tok/s. */
    interval_s: seconds.default(30),
    max_tokens: z.number().int().min(2).default(256),
    /** Throttling: tok/s or frequency this many % below the first interval's level, for two intervals or more. */
    throttle_drop_pct: z.number().gt(0).lt(100).default(15),
    /** Stops the soak early above this CPU temperature (where a sensor exists). */
    abort_temperature_c: z.number().default(90),
    /**
     * The cell to soak: an exact cell id, or null for the planner's pick (the heaviest cell that still passed the
     * other profiles), else the last planned cell.
     */
    cell: z.string().nullable().default(null),
  },
  { duration_s: 30, interval_s: 5, max_tokens: 64 },
  judged(['aborted']),
);

export const stress = defineProfile({
  name: 'stress',
  summary:
    'A soak on one cell: continuous generation with vitals every interval; throttling, heat, swap growth and a dead /health end it early with the reason.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    // A soak cut short by an abort runs shorter: more is better, up to the configured duration.
    stress_duration_s: higher('soak duration', 's'),
    decode_tps_mean: higher('decode speed', 'tok/s', DECODE_BANDS),
    tps_drop_pct: lower('worst tok/s drop vs the first interval', '%'),
    throttled: flag('throttling detected'),
    aborted: flag('soak aborted'),
    health_failures: lower('failed health checks', 'checks'),
    rss_slope_mb_per_h: lower('RSS slope', 'MB/h'),
    requests_failed: lower('failed requests', 'requests'),
  },
  key: ['stress_duration_s', 'decode_tps_mean', 'tps_drop_pct', 'throttled', 'aborted', 'temperature_max_c', 'rss_slope_mb_per_h'],
  budgets: {
    aborted: '<= 0',
    throttled: '<= 0',
    // The design's stress limit (skipped, with the reason, where the machine has no temperature sensor).
    temperature_max_c: '<= 85',
    swap_growth_mb: '<= 0',
    requests_failed: '<= 0',
  },
  // Its liveness check between windows asks llama-server's /health.
  needs: ['health'],
  setupTimeoutS: (s, { loadTimeoutS }) => loadTimeoutS + s.duration_s + 300,
  charts: [
    {
      kind: 'block',
      title: 'Stress timeline',
      note: 'Vitals every interval of the soak. Temperature and frequency appear only where the machine has the sensors.',
      charts: [
        { kind: 'series', table: 'timeline', x: 't_s', y: 'tps', xLabel: 'seconds into the soak', yLabel: 'tok/s' },
        { kind: 'series', table: 'timeline', x: 't_s', y: 'rss_mb', xLabel: 'seconds into the soak', yLabel: 'RSS (MB)' },
        { kind: 'series', table: 'timeline', x: 't_s', y: 'cpu_pct', xLabel: 'seconds into the soak', yLabel: 'CPU (% of machine)' },
        { kind: 'series', table: 'timeline', x: 't_s', y: 'temperature_c', xLabel: 'seconds into the soak', yLabel: 'CPU temperature (°C)' },
        { kind: 'series', table: 'timeline', x: 't_s', y: 'frequency_mhz', xLabel: 'seconds into the soak', yLabel: 'CPU frequency (MHz)' },
      ],
    },
  ],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
