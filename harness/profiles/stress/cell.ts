import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stressCell, type RatedCell } from '../../matrix/planner.ts';
import type { Plan, PlannedCell } from '../../plan.ts';
import type { Rating } from '../../measurement/schema.ts';

const WORST_FIRST: readonly Rating[] = ['failed', 'poor', 'not rated', 'acceptable', 'good', 'excellent'];

/** Each cell's worst rating over the profiles that rated it so far in this run (from the live scoreboard). */
function ratingsSoFar(runDir: string): Map<string, Rating> {
  const file = path.join(runDir, 'scoreboard.json');
  const ratings = new Map<string, Rating>();
  if (!existsSync(file)) return ratings;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { cells: { profile: string; cell: { id: string }; state: string; rating?: Rating }[] };
  for (const c of report.cells) {
    if (c.profile === 'stress' || c.state !== 'completed' || !c.rating) continue;
    const before = ratings.get(c.cell.id);
    if (!before || WORST_FIRST.indexOf(c.rating) < WORST_FIRST.indexOf(before)) ratings.set(c.cell.id, c.rating);
  }
  return ratings;
}

/**
 * The one cell the soak runs on, and why: the configured cell; else the planner's pick (the heaviest cell rated
 * acceptable or better by the profiles that ran before); else the last planned cell.
 */
export function chooseStressCell(plan: Plan, stressSettings: { cell: string | null }, selected: (cellId: string) => boolean = () => true): { id: string; why: string } {
  // BENCH_STRESS_CELL (set by `npm run bench -- --flow guided` for its pick) takes the place of profiles.stress.cell.
  if (process.env.BENCH_STRESS_CELL) stressSettings = { cell: process.env.BENCH_STRESS_CELL };
  if (stressSettings.cell) {
    if (!plan.cells.some((c) => c.cell.id === stressSettings.cell)) {
      throw new Error(`profiles.stress.cell is "${stressSettings.cell}", which is not a planned cell; expected one of: ${plan.cells.map((c) => c.cell.id).join(', ')}`);
    }
    return { id: stressSettings.cell, why: process.env.BENCH_STRESS_CELL ? 'set by BENCH_STRESS_CELL (the guided flow\'s pick)' : 'set in profiles.stress.cell' };
  }
  const ratings = ratingsSoFar(plan.runDir);
  // Only among the cells a `-t` filter kept: a pick outside them would soak nothing.
  const candidates = plan.cells.filter((c) => selected(c.cell.id));
  const rated: RatedCell<PlannedCell>[] = candidates.flatMap((c) => {
    const rating = ratings.get(c.cell.id);
    return rating ? [{ ...c, rating }] : [];
  });
  const picked = stressCell(rated);
  if (picked) {
    return {
      id: picked.pick.cell.id,
      why: `the heaviest configuration rated ${picked.pick.rating} by the profiles run before${picked.heavierFailing ? ` (the next heavier, ${picked.heavierFailing.cell.id}, was rated ${picked.heavierFailing.rating})` : ''}`,
    };
  }
  // Quick mode keeps placeholders (no model file) for the quantizations it skips: they cannot be soaked.
  const last = candidates.filter((c) => c.model.path !== '').at(-1) ?? candidates.at(-1) ?? plan.cells.at(-1)!;
  return {
    id: last.cell.id,
    why: rated.length > 0 ? `no cell was rated acceptable or better, so the last planned cell` : 'no ratings yet (run the other profiles first for the planner\'s pick), so the last planned cell',
  };
}
