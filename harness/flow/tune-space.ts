// The search space of `--tune <profile>` over a plan's cells: threads, priority, context and model file, each
// cheapest first, with the direction the search assumes for the profile (see tune.ts).
import { fileKey, fileLabel, modelFilesBySize, priorityRank, uniqueSorted, type FlowCell } from './axes.ts';
import type { Direction, TuneSpace } from './tune.ts';

/** Profiles whose budgets a larger (higher-precision) model file helps meet rather than hinders. */
const BIGGER_FILE_HELPS = new Set(['quality']);

export function directionsFor(profile: string): { threads: Direction; priority: Direction; ctx: Direction; file: Direction } {
  return { threads: 'up', priority: 'up', ctx: 'down', file: BIGGER_FILE_HELPS.has(profile) ? 'up' : 'down' };
}

/** The space over `cells` (already restricted to runnable cells with knobs held, see flowCells). */
export function tuneSpace<C extends FlowCell>(cells: readonly C[], profile: string): TuneSpace<C> {
  const dir = directionsFor(profile);
  const threads = uniqueSorted(cells.map((c) => c.cell.threads), (a, b) => a - b);
  const priorities = uniqueSorted(cells.map((c) => c.cell.priority), (a, b) => priorityRank(a) - priorityRank(b) || a.localeCompare(b));
  const ctxs = uniqueSorted(cells.map((c) => c.cell.ctx), (a, b) => a - b);
  const files = modelFilesBySize(cells);
  const byKey = new Map(cells.map((c) => [`${c.cell.threads}|${c.cell.priority}|${c.cell.ctx}|${fileKey(c.cell)}`, c]));
  return {
    axes: [
      { name: 'threads', values: threads.map(String), direction: dir.threads },
      { name: 'priority', values: priorities, direction: dir.priority },
      { name: 'ctx', values: ctxs.map(String), direction: dir.ctx },
      { name: 'model file', values: files.map((f) => fileLabel(f, cells)), direction: dir.file },
    ],
    at: ([t, p, c, f]) => byKey.get(`${threads[t!]}|${priorities[p!]}|${ctxs[c!]}|${files[f!]?.key}`) ?? null,
    id: (c) => c.cell.id,
  };
}
