// Stress: a soak on one cell (the configured one, else the heaviest the other profiles rated acceptable or better).
// Continuous generation with vitals every interval; throttling, overheating, swap growth and a dead /health end it
// early with the reason.
import { inject } from 'vitest';
import { selectedByPattern } from '../harness/matrix/checkpoint.ts';
import { defineProfileSuite } from '../harness/profiles/define-suite.ts';
import { settingsOf } from '../harness/profiles/mode.ts';
import { chooseStressCell } from '../harness/profiles/stress/cell.ts';
import { stressWorkload } from '../harness/profiles/stress/workload.ts';

const pattern = inject('namePattern');
const filter = pattern ? new RegExp(pattern.source, pattern.flags) : undefined;

defineProfileSuite('stress', stressWorkload, (plan) => (plan.config.llama.load_timeout_s + settingsOf(plan.config, 'stress').duration_s + 300) * 1000, {
  onlyCell: (plan) => chooseStressCell(plan, settingsOf(plan.config, 'stress'), (id) => selectedByPattern(filter, id, ['runs to completion'])),
});
