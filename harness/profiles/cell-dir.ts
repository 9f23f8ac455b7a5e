import path from 'node:path';
import type { ProfileName } from '../budgets/catalogue.ts';
import type { Plan, PlannedCell } from '../plan.ts';

/**
 * Where a cell's results for a profile go. Its own file: the resume and flow code that only reads results would
 * otherwise load run-cell.ts, and with it the server, sampler and launcher (~25 modules).
 */
export function cellDir(plan: Pick<Plan, 'runDir'>, planned: PlannedCell, profile: ProfileName): string {
  return path.join(plan.runDir, planned.cell.slug, profile);
}
