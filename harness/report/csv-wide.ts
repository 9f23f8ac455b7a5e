import { RATINGS, KNOB_NAMES, type Cell } from '../measurement/schema.ts';
import { field } from './csv.ts';
import { overallVerdict, type CellReport, type OverallVerdict, type RunReport } from './model.ts';

/**
 * A key figure of the summary: which profile's metric it is (`any`: the highest any profile measured, for peak
 * memory), and the names to try in order (an alias first, the sampled metric it stands for second).
 */
interface KeyFigure {
  column: string;
  profile: string | 'any';
  metrics: readonly string[];
}

// A fixed set, so the file's shape does not depend on which profiles ran: a profile that did not run leaves its columns empty.
export const KEY_FIGURES: readonly KeyFigure[] = [
  { column: 'decode_tps', profile: 'interactive', metrics: ['decode_tps_mean', 'decode_tps'] },
  { column: 'ttft_p50_s', profile: 'interactive', metrics: ['ttft_p50_s'] },
  { column: 'latency_p95_s', profile: 'interactive', metrics: ['latency_p95_s'] },
  { column: 'latency_p99_over_p50', profile: 'interactive', metrics: ['latency_p99_over_p50'] },
  { column: 'cpu_mean_pct', profile: 'interactive', metrics: ['cpu_mean_pct'] },
  { column: 'cpu_p99_pct', profile: 'interactive', metrics: ['cpu_p99_pct'] },
  { column: 'idle_cpu_mean_pct', profile: 'idle', metrics: ['cpu_mean_pct'] },
  { column: 'rss_peak_mb', profile: 'any', metrics: ['rss_peak_mb'] },
  { column: 'vsz_peak_mb', profile: 'any', metrics: ['vsz_peak_mb'] },
  { column: 'system_cpu_p99_pct', profile: 'any', metrics: ['system_cpu_p99_pct'] },
  { column: 'load_s', profile: 'any', metrics: ['load_s'] },
  { column: 'quality_score', profile: 'quality', metrics: ['score_overall'] },
];

interface Row {
  cell: Cell;
  reports: CellReport[];
}

function value(c: CellReport | undefined, names: readonly string[]): number | undefined {
  if (!c || c.state !== 'completed') return undefined;
  for (const n of names) {
    const m = c.metrics[n];
    if (m?.status === 'ok' && m.value !== null) return m.value;
  }
  return undefined;
}

function figure(row: Row, f: KeyFigure): number | undefined {
  if (f.profile !== 'any') return value(row.reports.find((c) => c.profile === f.profile), f.metrics);
  const all = row.reports.map((c) => value(c, f.metrics)).filter((v): v is number => v !== undefined);
  return all.length > 0 ? Math.max(...all) : undefined;
}

/** The worst rating across the cell's profiles (`failed` beats `poor` …); `not rated` only when none was rated. */
export function worstRating(reports: readonly CellReport[]): string {
  const ranks = reports.map((c) => (c.rating ? RATINGS.indexOf(c.rating as (typeof RATINGS)[number]) : -1)).filter((i) => i >= 0);
  return ranks.length > 0 ? RATINGS[Math.max(...ranks)]! : 'not rated';
}

// error and fail outrank everything; a skipped profile says nothing against the cell.
const VERDICT_RANK: readonly OverallVerdict[] = ['error', 'fail', 'inconclusive', 'incomplete', 'pass', 'skipped'];

/** The worst verdict across the cell's profiles. */
export function worstVerdict(reports: readonly CellReport[]): OverallVerdict {
  const seen = new Set(reports.map(overallVerdict));
  return VERDICT_RANK.find((v) => seen.has(v)) ?? 'skipped';
}

const COLUMNS: readonly (readonly [string, (r: Row) => unknown])[] = [
  ['cell', (r) => r.cell.id],
  ['model', (r) => r.cell.model],
  ['quant', (r) => r.cell.quant],
  ['threads', (r) => r.cell.threads],
  ['ctx', (r) => r.cell.ctx],
  ['priority', (r) => r.cell.priority],
  ...KNOB_NAMES.map((k) => [k, (r: Row) => r.cell[k]] as const),
  ['profiles', (r) => r.reports.map((c) => c.profile).join(' ')],
  ...KEY_FIGURES.map((f) => [f.column, (r: Row) => figure(r, f)] as const),
  ['budgets_met', (r) => r.reports.reduce((n, c) => n + c.counts.pass, 0)],
  ['budgets_missed', (r) => r.reports.reduce((n, c) => n + c.counts.fail + c.counts.error, 0)],
  ['budgets_unresolved', (r) => r.reports.reduce((n, c) => n + c.counts.inconclusive + c.counts.skipped, 0)],
  ['duration_s', (r) => {
    const ms = r.reports.map((c) => c.measurement?.durationMs).filter((d): d is number => d !== undefined);
    return ms.length > 0 ? ms.reduce((a, b) => a + b, 0) / 1000 : undefined;
  }],
  ['verdict', (r) => worstVerdict(r.reports)],
  ['rating', (r) => worstRating(r.reports)],
];

/**
 * Wide format, the design's summary table: one row per cell (model × quant × threads × ctx × priority, and the
 * knobs), its key figures across profiles, its worst verdict and rating. Cells not run are left out (the long CSV
 * lists them). Sorted by cell id; text fields guarded against formula injection like the long CSV.
 */
export function summaryCsv(report: RunReport): string {
  const rows = new Map<string, Row>();
  for (const c of report.cells) {
    if (c.state === 'not-run') continue;
    const row = rows.get(c.cell.id) ?? { cell: c.cell, reports: [] };
    row.reports.push(c);
    rows.set(c.cell.id, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.cell.id.localeCompare(b.cell.id));
  for (const r of sorted) r.reports.sort((a, b) => a.profile.localeCompare(b.profile));
  const lines = [COLUMNS.map(([h]) => h).join(','), ...sorted.map((r) => COLUMNS.map(([, get]) => field(get(r))).join(','))];
  return `${lines.join('\n')}\n`;
}
