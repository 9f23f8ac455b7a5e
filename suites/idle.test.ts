// Idle: a loaded llama-server that nobody is talking to. An always-on assistant spends most of its life here,
// so its idle CPU and memory are the price of keeping it around.
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { idleWorkload } from '../harness/profiles/idle/workload.ts';

defineProfileSuite('idle', idleWorkload, (plan) => {
  const { settle_s, duration_s } = plan.config.profiles.idle;
  return (plan.config.llama.load_timeout_s + settle_s + duration_s + 60) * 1000;
});
