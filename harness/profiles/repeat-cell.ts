// A cell of a profile measured `--repeat N` times, one progress line (with the ETA) after each repetition. The first
// repetition keeps the cell's usual folder; the others get `repeat-<i>/` inside it. With N > 1 the figures are
// aggregated (repeat-summary.json beside the first repetition's summary.json) and each budget takes its worst verdict.
import path from 'node:path';
import { budgetKey } from '../budgets/budget.ts';
import { recordProgress, type ProgressPlan } from '../matrix/progress-log.ts';
import { aggregateRepeats, describeRepeatSummary, worstVerdicts, type RepeatSummary } from '../matrix/repeat.ts';
import { writeFileAtomic } from '../paths.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import { stderrProgress } from '../progress.ts';
import type { ProfileName } from './registry.ts';
import { cellDir } from './cell-dir.ts';
import type { CellOutcome } from './run-cell.ts';

export const REPEAT_SUMMARY_FILE = 'repeat-summary.json';

/** Writes one progress entry and prints the progress line; a progress file that cannot be written costs the line, not the cell. */
export function noteProgress(plan: Plan, progress: ProgressPlan, unit: Parameters<typeof recordProgress>[2]): void {
  try {
    stderrProgress(recordProgress(plan.runDir, progress, unit).line);
  } catch (e) {
    stderrProgress(`progress not recorded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function runRepeated(
  plan: Plan,
  planned: PlannedCell,
  profile: ProfileName,
  progress: ProgressPlan,
  run: (dir: string | undefined) => Promise<CellOutcome>,
): Promise<{ outcome: CellOutcome; repeat: RepeatSummary | null }> {
  const n = progress.repeat;
  const base = cellDir(plan, planned, profile);
  const outcomes: CellOutcome[] = [];
  for (let i = 1; i <= n; i++) {
    const t0 = performance.now();
    if (n > 1) process.stderr.write(`[${planned.cell.id} · ${profile}] repetition ${i} of ${n}\n`);
    outcomes.push(await run(i === 1 ? undefined : path.join(base, `repeat-${i}`)));
    noteProgress(plan, progress, { profile, cellId: planned.cell.id, repetition: i, ms: performance.now() - t0, ran: true });
  }
  const first = outcomes[0]!;
  if (n === 1) return { outcome: first, repeat: null };
  const repeat = aggregateRepeats(outcomes.map((o) => o.measurement));
  writeFileAtomic(path.join(base, REPEAT_SUMMARY_FILE), `${JSON.stringify({ cell: planned.cell.id, profile, ...repeat }, null, 2)}\n`);
  for (const line of describeRepeatSummary(repeat)) process.stderr.write(`[${planned.cell.id} · ${profile}] ${n} repetitions: ${line}\n`);
  // The measurement shown is the first repetition's; a repetition that errored makes the cell errored.
  const errored = outcomes.find((o) => o.measurement.state === 'errored');
  const measurement = errored && first.measurement.state !== 'errored' ? { ...first.measurement, state: 'errored' as const, error: `repetition ${outcomes.indexOf(errored) + 1} of ${n}: ${errored.measurement.error}` } : first.measurement;
  return { outcome: { measurement, verdicts: worstVerdicts(outcomes.map((o) => o.verdicts), budgetKey) }, repeat };
}
