// The run history beside the runs: `<output dir>/history.sqlite`. Recording never fails a run: a problem is said on
// stderr and the run's own files stand.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runReportSchema, type RunReport } from '../report/model.ts';
import { historyFile, updateHistory } from './db.ts';
import { recordRun, recordedRunIds } from './record.ts';

/** Records a finished run (a partial one is not a point of any trend). */
export async function recordInHistory(outputDir: string, report: RunReport): Promise<boolean> {
  if (report.partial) return false;
  await updateHistory(historyFile(outputDir), (db) => recordRun(db, report));
  return true;
}

/**
 * Runs under `outputDir` whose scoreboard is not in the database yet (runs from before it existed, or copied in),
 * recorded in one transaction. Returns how many were added.
 */
export async function backfillHistory(outputDir: string): Promise<number> {
  if (!existsSync(outputDir)) return 0;
  const dirs = readdirSync(outputDir).filter((d) => existsSync(path.join(outputDir, d, 'scoreboard.json')));
  return updateHistory(historyFile(outputDir), (db) => {
    const known = recordedRunIds(db);
    let added = 0;
    for (const d of dirs.filter((x) => !known.has(x)).sort()) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path.join(outputDir, d, 'scoreboard.json'), 'utf8'));
      } catch {
        continue; // a scoreboard being written by hand or cut short: not a run to record
      }
      const parsed = runReportSchema.safeParse(raw);
      if (!parsed.success || parsed.data.partial || known.has(parsed.data.runId)) continue;
      recordRun(db, parsed.data);
      added++;
    }
    return added;
  });
}
