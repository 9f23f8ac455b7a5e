// Batch: summarisation documents one after another, as an overnight job would send them. Throughput, its
// steadiness (CV, first vs last documents), and an RSS trend, with a second pass at --cache-ram 0 to tell the prompt
// cache's growth from a leak.
import { batchWorkload } from '../harness/profiles/batch/workload.ts';
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { settingsOf } from '../harness/profiles/mode.ts';

defineProfileSuite('batch', batchWorkload, (plan) => {
  const { count, request_timeout_s, without_cache_pass } = settingsOf(plan.config, 'batch');
  // A document normally takes seconds; the timeout is for a stuck server, so allow a quarter of it per document.
  return (2 * plan.config.llama.load_timeout_s + (without_cache_pass ? 2 : 1) * count * (request_timeout_s / 4) + 120) * 1000;
});
