// Wake: an always-on service is mostly idle. TTFT after a pause versus warm, idle CPU at each --poll level, and with
// --sleep-idle-seconds the memory asleep against the time to wake it.
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { settingsOf } from '../harness/profiles/mode.ts';
import { wakeWorkload } from '../harness/profiles/wake/workload.ts';

defineProfileSuite('wake', wakeWorkload, (plan) => {
  const s = settingsOf(plan.config, 'wake');
  const launches = s.poll_levels.length + 2;
  return (launches * plan.config.llama.load_timeout_s + s.idle_before_s + (s.poll_levels.length + 2) * s.idle_s + (s.sleep_idle_s ?? 0) + 30 + 6 * s.request_timeout_s) * 1000;
});
