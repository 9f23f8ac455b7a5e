// Invisibility: would the person at the machine notice? A foreground task and timer lateness, measured in their own
// process with the server idle and then while it decodes; the slowdown and the lateness are the budgets.
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { invisibilityWorkload } from '../harness/profiles/invisibility.ts';

defineProfileSuite('invisibility', invisibilityWorkload, (plan) => {
  const { foreground_ms, lateness_ms } = plan.config.profiles.invisibility;
  return (plan.config.llama.load_timeout_s + 4 * (foreground_ms + lateness_ms) / 1000 + 120) * 1000;
});
