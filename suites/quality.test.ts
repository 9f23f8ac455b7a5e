// Quality: graded golden answers (endpoint security, math, comprehension, reasoning, format), chain of
// verification and retrieval, in the same run as the resource figures, so a smaller quantization's cost in
// answers is visible beside its savings in memory and time.
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { qualityWorkload } from '../harness/profiles/quality/workload.ts';

defineProfileSuite('quality', qualityWorkload, (plan) => (plan.config.llama.load_timeout_s + 3600) * 1000, {
  // Answers depend on the model file and context, not on threads or priority (deterministic decoding).
  representative: (plan, cell) => (plan.config.profiles.quality.once_per_quant ? `${cell.model} ${cell.quant} c${cell.ctx}` : cell.id),
  duplicateBecause: "the quality results do not depend on this cell's threads or priority",
});
