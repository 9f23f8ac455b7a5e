// Concurrency (off by default): N clients at once against N llama-server slots. Aggregate tok/s, per-request p95
// latency and CPU p99 at each N.
import { concurrencyWorkload } from '../harness/profiles/concurrency/workload.ts';
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { settingsOf } from '../harness/profiles/mode.ts';

defineProfileSuite('concurrency', concurrencyWorkload, (plan) => {
  const s = settingsOf(plan.config, 'concurrency');
  return ((s.clients.length + 1) * plan.config.llama.load_timeout_s + s.clients.length * s.requests_per_client * (s.request_timeout_s / 4) + 120) * 1000;
});
