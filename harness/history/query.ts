// The trend query: one series per profile × cell × metric, its points in run order (created_at, then run id), from
// whole runs (a shard's cells are read through the merged run that holds them).
import type { Database } from 'sql.js';
import { KEY_METRICS, betterOf, isProfileName } from '../budgets/catalogue.ts';
import { detectDrift, type DriftResult, type TrendPoint } from './drift.ts';

export interface TrendFilter {
  /** Over the cell id, as `-t` in npm run bench. */
  cellPattern?: RegExp;
  /** Metric names; default: each profile's key metrics. */
  metrics?: readonly string[];
}

export interface TrendSeries {
  profile: string;
  cellId: string;
  metric: string;
  unit: string;
  points: TrendPoint[];
  drift: DriftResult;
}

/** Above this many cells the filter is applied while reading rather than in the SQL (SQLite caps bound parameters). */
const MAX_BOUND_CELLS = 500;

const seriesSql = (cells: number | null, metrics: number) => `
SELECT c.profile, c.cell_id, m.name, m.unit, r.run_id, r.created_at, h.cpu || ', ' || COALESCE(h.cores, '?') || ' cores', m.value, m.ci_low, m.ci_high, m.status
FROM cells c JOIN metrics m ON m.cell_id = c.id JOIN runs r ON r.id = c.run_id JOIN hosts h ON h.id = r.host_id
WHERE r.kind != 'shard' AND r.partial = 0
  ${cells === null ? '' : `AND c.cell_id IN (${Array(cells).fill('?').join(', ')})`}
  AND m.name IN (${Array(metrics).fill('?').join(', ')})
ORDER BY c.profile, c.cell_id, m.name, r.created_at, r.run_id`;

export function trend(db: Database, filter: TrendFilter = {}): TrendSeries[] {
  // The cells first (an index lookup), so the series query reads only their metrics rather than every row.
  const pairs = (db.exec('SELECT DISTINCT profile, cell_id FROM cells')[0]?.values ?? []).map(([p, c]) => ({ profile: String(p), cellId: String(c) }));
  const kept = pairs.filter((x) => !filter.cellPattern || filter.cellPattern.test(x.cellId));
  if (kept.length === 0) return [];
  const metricsOf = (profile: string): readonly string[] => filter.metrics ?? (isProfileName(profile) ? KEY_METRICS[profile] : []);
  const names = [...new Set(kept.flatMap((x) => metricsOf(x.profile)))];
  if (names.length === 0) return [];
  const cellIds = [...new Set(kept.map((x) => x.cellId))];
  const bound = cellIds.length <= MAX_BOUND_CELLS;
  const rows = db.exec(seriesSql(bound ? cellIds.length : null, names.length), [...(bound ? cellIds : []), ...names])[0]?.values ?? [];
  const byKey = new Map<string, TrendSeries>();
  for (const [profile, cellId, metric, unit, runId, createdAt, host, value, ciLow, ciHigh, status] of rows) {
    const p = String(profile);
    const id = String(cellId);
    const name = String(metric);
    if (!bound && filter.cellPattern && !filter.cellPattern.test(id)) continue;
    if (!metricsOf(p).includes(name)) continue;
    const key = `${p}\0${id}\0${name}`;
    const s = byKey.get(key) ?? { profile: p, cellId: id, metric: name, unit: String(unit), points: [], drift: { baselineRuns: 0, band: null, drifts: [] } };
    s.points.push({
      runId: String(runId),
      createdAt: String(createdAt),
      host: String(host),
      value: value === null ? null : Number(value),
      ciLow: ciLow === null ? null : Number(ciLow),
      ciHigh: ciHigh === null ? null : Number(ciHigh),
      status: String(status),
    });
    byKey.set(key, s);
  }
  return [...byKey.values()].map((s) => ({ ...s, drift: detectDrift(s.points, betterOf(s.profile, s.metric)) }));
}

export function runCount(db: Database): number {
  return Number(db.exec("SELECT COUNT(*) FROM runs WHERE kind != 'shard' AND partial = 0")[0]!.values[0]![0]);
}
