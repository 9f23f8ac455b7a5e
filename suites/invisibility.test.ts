// Invisibility: would the person at the machine notice? A foreground task and timer lateness, measured in their own
// process with the server idle and then while it decodes; the slowdown and the lateness are the budgets. After the
// cells, a paired session compares cells of the same model file against each other (README, "Invisibility").
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { invisibilityWorkload } from '../harness/profiles/invisibility/workload.ts';
import { definePairedComparison } from '../harness/profiles/invisibility/paired-suite.ts';

defineProfileSuite('invisibility', invisibilityWorkload, (plan) => {
  const { foreground_ms, lateness_ms, rounds } = plan.config.profiles.invisibility;
  // A warm-up phase, then idle and active phases alternating: rounds active ones between rounds + 1 idle ones.
  const phases = 1 + rounds + (rounds + 1);
  return (plan.config.llama.load_timeout_s + (phases * (foreground_ms + lateness_ms)) / 1000 + 120) * 1000;
});
definePairedComparison();
