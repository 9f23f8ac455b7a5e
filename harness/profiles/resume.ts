// The resume check a profile makes before starting llama-server for a cell (`--resume <run-id>`, BENCH_RESUME).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRunId } from '../run-id.ts';
import { decideResume, resumeStamp, type ResumeDecision } from '../matrix/checkpoint.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import { cellDir } from './cell-dir.ts';
import type { CellOutcome } from './run-cell.ts';

/** A run id names a directory directly under the output directory: no separators, no `..` (harness/run-id.ts). */
export { isRunId };

/** The directory of the run to resume; throws with what was looked for when there is no such run. */
export function resumeRunDir(outputDir: string, runId: string): string {
  if (!isRunId(runId)) throw new Error(`expected a run id such as 20260101-120000-abcdef, got "${runId}"`);
  const dir = path.join(outputDir, runId);
  if (!existsSync(path.join(dir, 'plan.json'))) throw new Error(`no run ${runId} to resume: ${path.join(dir, 'plan.json')} does not exist`);
  return dir;
}

/** The parsed summary.json of a cell, `null` when there is none, an Error when it cannot be read or parsed. */
export function readStoredSummary(file: string): unknown {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

export function resumeDecision(plan: Plan, planned: PlannedCell, profile: string): ResumeDecision {
  const file = path.join(cellDir(plan, planned, profile as never), 'summary.json');
  return decideResume(readStoredSummary(file), resumeStamp(plan, planned, profile));
}

/**
 * The cell's stored outcome when the run is resumed and its summary.json holds a completed measurement under the
 * same key; otherwise `null` (with the reason logged), and the cell is measured again.
 */
export function storedOutcome(plan: Plan, planned: PlannedCell, profile: string): CellOutcome | null {
  const decision = resumeDecision(plan, planned, profile);
  const log = (message: string) => process.stderr.write(`[${planned.cell.id} · ${profile}] ${message}\n`);
  if (decision.action === 'reuse') {
    log(`reused from the earlier run (measured ${decision.measurement.startedAt}); llama-server not started`);
    return { measurement: decision.measurement, verdicts: decision.verdicts };
  }
  if (decision.reason !== 'not measured yet') log(`measured again: ${decision.reason}`);
  return null;
}

/** One line for the start of a resumed profile: how many cells are reused and why the others are measured. */
export function resumeOverview(plan: Plan, profile: string): { reused: number; total: number; line: string } {
  const reasons = new Map<string, number>();
  let reused = 0;
  for (const planned of plan.cells) {
    const d = resumeDecision(plan, planned, profile);
    if (d.action === 'reuse') reused++;
    else {
      const why = d.reason.startsWith('measured under other conditions') ? 'measured under other conditions' : d.reason.split(':')[0]!;
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
  }
  const rest = [...reasons].map(([why, n]) => `${n} ${why}`).join(', ');
  return {
    reused,
    total: plan.cells.length,
    line: `resume ${plan.runId} · ${profile}: ${reused} of ${plan.cells.length} cell(s) reused${rest ? `; to measure: ${rest}` : ''}`,
  };
}
