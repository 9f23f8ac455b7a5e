// Invisibility: would the person at the machine notice? A foreground task and timer lateness, measured in their own
// process with the server idle and then while it decodes; the slowdown and the lateness are the budgets. After the
// cells, a paired session compares cells of the same model file against each other (README, "Invisibility").
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { invisibilityWorkload } from '../harness/profiles/invisibility.ts';
import { definePairedComparison } from '../harness/profiles/invisibility-paired-suite.ts';

defineProfileSuite('invisibility', invisibilityWorkload, (plan) => {
  const { foreground_ms, lateness_ms } = plan.config.profiles.invisibility;
  return (plan.config.llama.load_timeout_s + 4 * (foreground_ms + lateness_ms) / 1000 + 120) * 1000;
});
definePairedComparison();
