// Interactive: short prompts one after another, as a person chatting sends them. Measures how fast answers start
// and finish, how steady that is (p99/p50), and what the machine pays in CPU and memory meanwhile.
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { interactiveWorkload } from '../harness/profiles/interactive/workload.ts';
import { LLAMA_BENCH_REQUESTS } from '../harness/profiles/interactive/serving-overhead.ts';

defineProfileSuite('interactive', interactiveWorkload, (plan) => {
  const { warmup, repetitions, request_timeout_s } = plan.config.profiles.interactive;
  return (plan.config.llama.load_timeout_s + (warmup + repetitions + LLAMA_BENCH_REQUESTS) * request_timeout_s + 60) * 1000;
});
