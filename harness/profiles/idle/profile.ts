// Idle: a loaded llama-server that nobody is talking to. An always-on assistant spends most of its life here,
// so its idle CPU and memory are the price of keeping it around.
import { z } from 'zod';
import { MACHINE_CPU_BANDS, MEMORY_MB_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, MACHINE, aliasOf, lower, sampled } from '../../budgets/metric.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, plainSettings } from '../settings.ts';

export const settings = plainSettings(
  {
    /** Seconds to wait after /health turns ready before measuring, so load-time work is not counted as idle. */
    settle_s: z.number().min(0).max(MAX_DURATION_S, DURATION_LIMIT).default(2),
    duration_s: z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT).default(10),
  },
  judged(['rss_peak_mb']),
);

export const idle = defineProfile({
  name: 'idle',
  summary: 'Loads the model, lets it settle, then measures a server nobody talks to: the price of keeping it around.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    cpu_pct: sampled(lower('idle CPU', MACHINE, MACHINE_CPU_BANDS), 'series'),
    cpu_mean_pct: aliasOf(lower('idle CPU mean', MACHINE, MACHINE_CPU_BANDS), 'cpu_pct', 'mean'),
    cpu_p99_pct: aliasOf(lower('idle CPU p99', MACHINE, MACHINE_CPU_BANDS), 'cpu_pct', 'p(99)'),
    cpu_peak_pct: aliasOf(lower('idle CPU peak', MACHINE), 'cpu_pct', 'max'),
    rss_mean_mb: lower('idle RSS mean', 'MB', MEMORY_MB_BANDS),
  },
  key: ['cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb', 'load_s'],
  budgets: {
    cpu_pct: 'mean <= 2',
    rss_peak_mb: '<= 6000',
    swap_growth_mb: '<= 0',
  },
  needs: ['process'],
  setupTimeoutS: (s, { loadTimeoutS }) => loadTimeoutS + s.settle_s + s.duration_s + 60,
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
