import { beforeAll, describe, expect, inject, test } from 'vitest';
import { budgetTitle, describeVerdict } from '../budgets/budget.ts';
import type { ProfileName } from '../budgets/catalogue.ts';
import { runCell, type CellOutcome, type Workload } from './run-cell.ts';

/**
 * One describe per matrix cell, titled with the cell id (unquoted, so `-t Q4_K_M` and `-t '^small'` both work),
 * one test per budget. The cell runs once, in beforeAll; the tests only judge its measurement.
 */
export function defineProfileSuite(profile: ProfileName, workload: Workload, setupTimeoutMs: (plan: ReturnType<typeof inject<'plan'>>) => number): void {
  const plan = inject('plan');
  const settings = plan.config.profiles[profile];
  const cells = plan.cells.map((c) => [c.cell.id, c] as const);
  describe.skipIf(!settings.enabled).each(cells)('%s', (_id, planned) => {
    let outcome: CellOutcome | undefined;
    beforeAll(async () => {
      outcome = await runCell(plan, planned, profile, workload);
    }, setupTimeoutMs(plan));

    test('runs to completion', ({ task }) => {
      if (!outcome) throw new Error('the cell did not run');
      task.meta.measurement = outcome.measurement;
      if (outcome.measurement.state === 'errored') throw new Error(outcome.measurement.error);
    });

    for (const budget of plan.budgets[profile]) {
      test(budgetTitle(budget), async ({ task, skip, annotate }) => {
        const verdict = outcome?.verdicts.find((v) => v.metric === budget.metric);
        if (!verdict) throw new Error('the cell did not run');
        task.meta.verdict = verdict;
        // Shows the measured figure beside the test in Vitest's UI and reporters.
        await annotate(describeVerdict(verdict), 'measurement');
        if (verdict.status === 'skipped') skip(verdict.reason);
        expect(verdict.status, describeVerdict(verdict)).toBe('pass');
      });
    }
  });
}
