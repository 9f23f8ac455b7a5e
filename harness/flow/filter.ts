// The `-t` pattern that makes Vitest run exactly some cells. Vitest matches `-t` against a test's full name, the
// describe title (the cell id) and the test title joined by a space; anchoring both sides keeps `tiny Q4_K_M t1
// c512 nice10` from also selecting `tiny Q4_K_M t1 c512 nice10 poll0`.
import { budgetTitle, type Budget } from '../budgets/budget.ts';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every test title a profile's cell has: the completion test and one per budget. */
export function testTitles(budgets: readonly Budget[]): string[] {
  return ['runs to completion', ...budgets.map(budgetTitle)];
}

export function exactCellPattern(cellIds: readonly string[], titles: readonly string[]): string {
  if (cellIds.length === 0) throw new Error('expected at least one cell id for the -t pattern');
  const alt = (xs: readonly string[]) => [...new Set(xs)].map(escapeRegExp).join('|');
  return `^(?:${alt(cellIds)}) (?:${alt(titles)})$`;
}
