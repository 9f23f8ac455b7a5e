import { beforeAll, describe, expect, inject, test } from 'vitest';
import { budgetKey, budgetTitle, describeVerdict } from '../budgets/budget.ts';
import { configureClient } from '../client/limits.ts';
import type { Cell } from '../measurement/schema.ts';
import { plannerSkip as askPlanner, modeRuns, recordPlannerOutcome } from '../matrix/run-state.ts';
import type { Plan } from '../plan.ts';
import type { ServerOverrides } from '../server/backend.ts';
import { describeMissing, missingCapabilities } from '../server/capabilities.ts';
import { describeTarget, targetOf } from '../server/target.ts';
import { profileNeeds } from './define-profile.ts';
import { withoutMiddleware } from '../middleware/cells.ts';
import { settingsOf } from './mode.ts';
import { profileOf, type ProfileName } from './registry.ts';
import { storedOutcome } from './resume.ts';
import { runCell, type CellOutcome, type Workload } from './run-cell.ts';
import { noteProgress, runRepeated } from './repeat-cell.ts';
import type { RepeatSummary } from '../matrix/repeat.ts';

export interface SuiteOptions {
  /** Cells with the same key measure the same thing: only the first runs, the others are skipped naming it. */
  representative?: (plan: Plan, cell: Cell) => string;
  /** Why a duplicate's results stand for it, for its skip reason. */
  duplicateBecause?: string;
  /** Only one cell runs (a soak); the others skip naming it. Asked once, when the profile's first cell comes up. */
  onlyCell?: (plan: Plan) => { id: string; why: string };
}

/** What a profile's workload module gives: the workload, and how the suite picks its cells when not one per cell. */
export interface ProfileModule<P extends ProfileName> {
  workload: Workload<P>;
  suite?: SuiteOptions;
  /** Runs once after every cell's describe is defined (e.g. invisibility's paired comparison). */
  afterCells?: () => void;
}

/**
 * A profile's test file is one line: `await defineProfileSuite('<name>')`. One describe per matrix cell, titled with
 * the cell id (unquoted, so `-t Q4_K_M` and `-t '^small'` both work), one test per budget. The cell runs once, in
 * beforeAll; the tests only judge its measurement. The setup timeout is the profile's own, from its settings.
 */
export async function defineProfileSuite<P extends ProfileName>(profile: P): Promise<void> {
  const definition = profileOf(profile);
  const { workload, suite: options = {}, afterCells } = (await definition.load()) as unknown as ProfileModule<P>;
  const plan = inject('plan');
  const progress = inject('progress');
  const settingsInForce = settingsOf(plan.config, profile);
  // A profile that needs what the server cannot do (wake: a relaunch; idle: a process to sample) skips every cell.
  const target = targetOf(plan);
  const missing = missingCapabilities(profileNeeds(definition, settingsInForce), target.capabilities);
  const cannotRun = missing.length > 0 ? describeMissing(profile, missing, describeTarget(target)) : null;
  const setupTimeoutMs =
    (definition.setupTimeoutS as (s: unknown, ctx: { loadTimeoutS: number }) => number)(settingsInForce, { loadTimeoutS: plan.config.llama.load_timeout_s }) * 1000;
  const serverOverrides = (definition as { server?: (s: unknown) => ServerOverrides }).server?.(settingsInForce);
  configureClient(plan.config.client);
  const settings = plan.config.profiles[profile];
  const resuming = inject('resume') !== undefined;
  const cells = plan.cells.map((c) => [c.cell.id, c] as const);
  const firstWithKey = new Map<string, string>();
  // A profile that sends no chat requests measures the same thing under every middleware preset: once.
  const ignoresMiddleware = !definition.usesMiddleware && new Set(plan.cells.map((c) => c.cell.middleware)).size > 1;
  const keyOf = (c: Cell, id: string) => options.representative?.(plan, c) ?? (ignoresMiddleware ? withoutMiddleware(c) : id);
  for (const [id, c] of cells) {
    const key = keyOf(c.cell, id);
    if (!firstWithKey.has(key)) firstWithKey.set(key, id);
  }
  let chosen: { id: string; why: string } | undefined;
  describe.skipIf(!settings.enabled).each(cells)('%s', (id, planned) => {
    const representative = firstWithKey.get(keyOf(planned.cell, id))!;
    const because = options.duplicateBecause ?? (ignoresMiddleware ? `the ${profile} profile sends no chat requests, so the middleware preset does not change it` : undefined);
    const duplicate = representative !== id ? `measured once on ${representative}${because ? `: ${because}` : ''}` : null;
    let outcome: CellOutcome | undefined;
    let reused = false;
    let repeat: RepeatSummary | null = null;
    let cellStart = 0;
    // Planner (harness/matrix/planner.ts): is the cell worth launching, given what the cells before it learned?
    let plannerSkip: string | null = null;
    beforeAll(async () => {
      cellStart = performance.now();
      if (cannotRun) {
        plannerSkip = cannotRun;
        return;
      }
      if (options.onlyCell) {
        chosen ??= options.onlyCell(plan);
        if (chosen.id !== id) plannerSkip = `the ${profile} profile runs on one cell: ${chosen.id}, ${chosen.why}`;
      }
      if (!duplicate && !plannerSkip) plannerSkip = await askPlanner(plan, planned, profile);
    });
    beforeAll(async () => {
      if (duplicate || plannerSkip) return;
      // A resumed run (`--resume`, BENCH_RESUME) reuses a completed measurement taken under the same conditions.
      const stored = resuming ? storedOutcome(plan, planned, profile) : null;
      reused = stored !== null;
      if (stored) outcome = stored;
      else {
        // `--repeat N`: N measurements, a progress line after each (harness/profiles/repeat-cell.ts).
        const repeated = await runRepeated(plan, planned, profile, progress, (dir) =>
          runCell(plan, planned, profile, workload, { ...(serverOverrides ? { overrides: serverOverrides } : {}), ...(dir ? { dir } : {}) }),
        );
        outcome = repeated.outcome;
        repeat = repeated.repeat;
      }
    }, setupTimeoutMs * progress.repeat);
    // Planner: what this cell measured decides about the cells after it (in this profile and the next ones).
    beforeAll(async () => {
      if (outcome) await recordPlannerOutcome(plan, planned, outcome.measurement);
      // A cell skipped or reused counts as done in the progress line (it took next to no time); cells the planner's
      // mode leaves out are not counted at all (planProgress leaves them out of the total).
      if ((!outcome || reused) && modeRuns(plan.config, planned.cell.quant)) {
        const ms = (performance.now() - cellStart) / progress.repeat;
        for (let i = 1; i <= progress.repeat; i++) noteProgress(plan, progress, { profile, cellId: id, repetition: i, ms, ran: false });
      }
    });

    test('runs to completion', ({ task, skip }) => {
      if (duplicate) {
        task.meta.representative = representative;
        skip(duplicate);
      }
      if (plannerSkip) skip(plannerSkip);
      if (!outcome) throw new Error('the cell did not run');
      task.meta.measurement = outcome.measurement;
      if (reused) task.meta.reused = true;
      if (repeat) task.meta.repeat = repeat;
      if (outcome.measurement.state === 'errored') throw new Error(outcome.measurement.error);
    });

    for (const budget of plan.budgets[profile]) {
      test(budgetTitle(budget), async ({ task, skip, annotate }) => {
        if (duplicate) skip(duplicate);
        if (plannerSkip) skip(plannerSkip);
        const verdict = outcome?.verdicts.find((v) => budgetKey(v) === budgetKey(budget));
        if (!verdict) throw new Error('the cell did not run');
        task.meta.verdict = verdict;
        // Shows the measured figure beside the test in Vitest's UI and reporters.
        await annotate(describeVerdict(verdict), 'measurement');
        if (verdict.status === 'skipped') skip(verdict.reason);
        if (verdict.status === 'inconclusive') {
          const policy = plan.config.verdicts.on_inconclusive;
          if (policy === 'fail') expect.fail(describeVerdict(verdict));
          if (policy === 'warn') await annotate(`inconclusive: ${verdict.samplesToResolve ? `about ${verdict.samplesToResolve} samples would resolve it` : 'more samples needed'}`, 'warning');
          return;
        }
        expect(verdict.status, describeVerdict(verdict)).toBe('pass');
      });
    }
  });
  afterCells?.();
}
