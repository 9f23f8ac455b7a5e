import { budgetKey } from '../budgets/budget.ts';
import { betterOf, verdictFor, verdictHome } from '../budgets/catalogue.ts';
import { KNOB_NAMES, type Cell, type Metric, type Verdict } from '../measurement/schema.ts';
import { sortCells, type RunReport } from './model.ts';

/** One line of the CSV: a metric of a cell (with its verdict, when budgeted), a cell without any, or a cell not run. */
interface Line {
  runId: string;
  profile: string;
  cellId: string;
  /** Absent for a cell the run did not get to. */
  cell?: Cell;
  cellState: string;
  metric?: string;
  value?: Metric;
  verdict?: Verdict;
  status: string;
  reason?: string;
}

type Column = readonly [header: string, get: (line: Line) => unknown];

// Knob columns are always present (empty when the axis is not set), so the file's shape does not depend on the config.
const COLUMNS: readonly Column[] = [
  ['run_id', (l) => l.runId],
  ['profile', (l) => l.profile],
  ['cell', (l) => l.cellId],
  ['model', (l) => l.cell?.model],
  ['quant', (l) => l.cell?.quant],
  ['threads', (l) => l.cell?.threads],
  ['ctx', (l) => l.cell?.ctx],
  ['priority', (l) => l.cell?.priority],
  ...KNOB_NAMES.map((k): Column => [k, (l) => l.cell?.[k]]),
  ['cell_state', (l) => l.cellState],
  ['metric', (l) => l.metric],
  ['value', (l) => l.value?.value],
  ['unit', (l) => l.value?.unit ?? l.verdict?.unit],
  ['status', (l) => l.status],
  ['reason', (l) => l.reason],
  ['budget', (l) => (l.verdict ? `${l.verdict.op} ${l.verdict.limit}` : '')],
  ['verdict', (l) => l.verdict?.status],
  ['margin', (l) => l.verdict?.margin],
  ['budget_used', (l) => l.verdict?.used],
  ['better', (l) => (l.metric === undefined ? undefined : betterOf(l.profile, l.metric))],
  ['ci_low', (l) => l.value?.ci?.low],
  ['ci_high', (l) => l.value?.ci?.high],
  ['ci_level', (l) => l.value?.ci?.level],
  // How an energy figure was obtained: measured, attributed or estimated (empty for other figures).
  ['method', (l) => l.value?.method],
];

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula (some strip a leading tab or CR first,
 * and some read the full-width forms too). Text that starts so gets a leading apostrophe (the OWASP advice), so it
 * stays text; numbers are written as numbers, negative ones included.
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

export function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Math.round(v * 1e6) / 1e6);
  const text = String(v);
  const s = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function lines(report: RunReport): Line[] {
  const out: Line[] = [];
  for (const c of sortCells(report.cells)) {
    const base = { runId: report.runId, profile: c.profile, cellId: c.cell.id, cell: c.cell, cellState: c.state };
    // A verdict on an aggregation no metric names (ttft_s at p(90)) gets a line of its own, named "ttft_s p(90)".
    const homeless = new Map(c.verdicts.filter((v) => verdictHome(c.profile, v) === null).map((v) => [budgetKey(v), v]));
    const names = [...new Set([...Object.keys(c.metrics), ...c.verdicts.map((v) => verdictHome(c.profile, v) ?? budgetKey(v))])].sort();
    if (names.length === 0) out.push({ ...base, status: 'error', reason: c.error ?? 'no measurement' });
    for (const name of names) {
      const v = homeless.get(name) ?? verdictFor(c.profile, name, c.verdicts);
      // A homeless verdict's figure is the aggregation it judged, with that aggregation's own interval.
      const m: Metric | undefined = homeless.has(name) ? (v!.value === null ? undefined : { value: v!.value, unit: v!.unit, status: 'ok', ...(v!.ci ? { ci: v!.ci } : {}) }) : c.metrics[name];
      const status = m?.status ?? (v?.status === 'skipped' ? 'skipped' : 'error');
      out.push({ ...base, metric: name, value: m, verdict: v, status, reason: m?.reason ?? (m ? '' : v?.reason) });
    }
  }
  // What the run did not get to (interrupted, or still going): one line each, so the CSV alone shows the gap.
  const why = report.interrupted ? 'not run: the run was interrupted' : 'not run yet';
  for (const n of report.notRun ?? []) {
    out.push({ runId: report.runId, profile: n.profile, cellId: n.cell, cellState: 'not-run', status: 'skipped', reason: why });
  }
  return out;
}

/** Long format: one row per cell, profile and metric, with its budget verdict when it has one. */
export function scoreboardCsv(report: RunReport): string {
  const rows = [COLUMNS.map(([header]) => header).join(','), ...lines(report).map((l) => COLUMNS.map(([, get]) => field(get(l))).join(','))];
  return `${rows.join('\n')}\n`;
}
