import { KEY_METRICS, betterOf, isProfileName } from '../budgets/catalogue.ts';
import type { RunReport } from './model.ts';
import type { Comparison, ComparisonRow } from './part-schemas.ts';

/**
 * Per cell and profile present in both runs, each key or budgeted figure before and after. A change counts as a
 * regression or improvement only when the earlier value lies outside this run's confidence interval.
 */
export function compareRuns(current: RunReport, baseline: RunReport): Comparison {
  const rows: ComparisonRow[] = [];
  const unmatched: string[] = [];
  for (const c of current.cells) {
    if (c.state !== 'completed') continue;
    const b = baseline.cells.find((x) => x.profile === c.profile && x.cell.id === c.cell.id && x.state === 'completed');
    if (!b) {
      unmatched.push(`${c.profile}: ${c.cell.id}`);
      continue;
    }
    const metrics = new Set([...(isProfileName(c.profile) ? KEY_METRICS[c.profile] : []), ...c.verdicts.map((v) => v.metric)]);
    for (const metric of [...metrics].sort()) {
      const now = c.metrics[metric];
      const then = b.metrics[metric];
      if (now?.status !== 'ok' || then?.status !== 'ok' || now.value === null || then.value === null) continue;
      const after = now.value;
      const before = then.value;
      const better = betterOf(c.profile, metric);
      const outside = now.ci !== undefined && better !== 'neither' && (before < now.ci.low || before > now.ci.high);
      const worse = better === 'lower' ? after > before : after < before;
      rows.push({
        cellId: c.cell.id,
        profile: c.profile,
        metric,
        before,
        after,
        deltaPct: before === 0 ? null : ((after - before) / Math.abs(before)) * 100,
        regression: outside && worse,
        improvement: outside && !worse,
      });
    }
  }
  return { baselineRunId: baseline.runId, rows, unmatched };
}
