// Concurrency (off by default): N clients at once against N llama-server slots. Aggregate tok/s, per-request p95
// latency and CPU p99 at each N.
import { z } from 'zod';
import { DECODE_BANDS, LATENCY_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, higher, lower, neither } from '../../budgets/metric.ts';
import { MAX_PARALLEL } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, withQuick } from '../settings.ts';

export const settings = withQuick(
  {
    /** Concurrent clients; llama-server gets as many --parallel slots. */
    clients: z.array(z.number().int().min(1).max(MAX_PARALLEL)).min(1).default([1, 2, 4]),
    requests_per_client: z.number().int().min(1).default(4),
    max_tokens: z.number().int().min(2).default(64),
    request_timeout_s: seconds.default(300),
  },
  { clients: [1, 2], requests_per_client: 2, max_tokens: 16 },
  judged([]),
  // Off by default: an always-on assistant usually serves one person.
  false,
);

export const concurrency = defineProfile({
  name: 'concurrency',
  summary: 'N clients at once against N llama-server slots: aggregate tok/s, per-request p95 latency and CPU p99 at each N.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    clients_max: neither('most concurrent clients', 'clients'),
    aggregate_tps_at_max: higher('aggregate decode speed at most clients', 'tok/s'),
    aggregate_tps_single: higher('decode speed, one client', 'tok/s', DECODE_BANDS),
    scaling_efficiency_pct: higher('scaling efficiency at most clients', '%'),
    latency_p95_s: lower('p95 latency at most clients', 's', LATENCY_BANDS),
    requests_failed: lower('failed requests', 'requests'),
  },
  key: ['clients_max', 'aggregate_tps_single', 'aggregate_tps_at_max', 'scaling_efficiency_pct', 'latency_p95_s', 'cpu_p99_pct'],
  budgets: {
    latency_p95_s: '<= 10',
    requests_failed: '<= 0',
  },
  // Against a server started elsewhere the clients share its own slots (the workload does not relaunch it).
  needs: [],
  setupTimeoutS: (s, { loadTimeoutS }) => (s.clients.length + 1) * loadTimeoutS + s.clients.length * s.requests_per_client * (s.request_timeout_s / 4) + 120,
  charts: [
    {
      kind: 'block',
      title: 'Concurrency scaling',
      note: 'N clients at once against N server slots.',
      charts: [
        { kind: 'series', table: 'levels', x: 'clients', y: 'aggregate_tps', xLabel: 'concurrent clients', yLabel: 'aggregate tok/s' },
        { kind: 'series', table: 'levels', x: 'clients', y: 'latency_p95_s', xLabel: 'concurrent clients', yLabel: 'p95 latency (s)' },
      ],
    },
  ],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
