// Long context: a ladder of prompt sizes (sized exactly with the server's tokenizer), each sent cold and again
// from the prompt cache. Prefill and decode speed, TTFT and memory per size; the largest usable context.
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { longContextWorkload } from '../harness/profiles/long-context/workload.ts';
import { settingsOf } from '../harness/profiles/mode.ts';

defineProfileSuite('long-context', longContextWorkload, (plan) => {
  const { sizes, request_timeout_s } = settingsOf(plan.config, 'long-context');
  return (plan.config.llama.load_timeout_s + 2 * (sizes.length + 3) * request_timeout_s) * 1000;
});
