import { betterOf } from '../budgets/catalogue.ts';
import { KNOB_NAMES } from '../measurement/schema.ts';
import { sortCells, type RunReport } from './model.ts';

// Knob columns are always present (empty when the axis is not set), so the file's shape does not depend on the config.
const COLUMNS = [
  'run_id', 'profile', 'cell', 'model', 'quant', 'threads', 'ctx', 'priority', ...KNOB_NAMES, 'cell_state',
  'metric', 'value', 'unit', 'status', 'reason', 'budget', 'verdict', 'margin', 'budget_used',
  'better', 'ci_low', 'ci_high', 'ci_level',
] as const;

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula (some strip a leading tab or CR first,
 * and some read the full-width forms too). Text that starts so gets a leading apostrophe (the OWASP advice), so it
 * stays text; numbers are written as numbers, negative ones included.
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Math.round(v * 1e6) / 1e6);
  const text = String(v);
  const s = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Long format: one row per cell, profile and metric, with its budget verdict when it has one. */
export function scoreboardCsv(report: RunReport): string {
  const rows: string[] = [COLUMNS.join(',')];
  for (const c of sortCells(report.cells)) {
    const base = [report.runId, c.profile, c.cell.id, c.cell.model, c.cell.quant, c.cell.threads, c.cell.ctx, c.cell.priority, ...KNOB_NAMES.map((k) => c.cell[k]), c.state];
    const names = [...new Set([...Object.keys(c.metrics), ...c.verdicts.map((v) => v.metric)])].sort();
    if (names.length === 0) rows.push([...base, '', '', '', 'error', c.error ?? 'no measurement', '', '', '', '', '', '', '', ''].map(field).join(','));
    for (const name of names) {
      const m = c.metrics[name];
      const v = c.verdicts.find((x) => x.metric === name);
      rows.push(
        [
          ...base, name, m?.value, m?.unit ?? v?.unit, m?.status ?? 'error', m?.reason ?? (m ? '' : v?.reason),
          v ? `${v.op} ${v.limit}` : '', v?.status, v?.margin, v?.used,
          betterOf(c.profile, name), m?.ci?.low, m?.ci?.high, m?.ci?.level,
        ].map(field).join(','),
      );
    }
  }
  // What the run did not get to (interrupted, or still going): one row each, so the CSV alone shows the gap.
  const why = report.interrupted ? 'not run: the run was interrupted' : 'not run yet';
  for (const n of report.notRun ?? []) {
    rows.push([report.runId, n.profile, n.cell, ...Array<string>(5 + KNOB_NAMES.length).fill(''), 'not-run', '', '', '', 'skipped', why, '', '', '', '', '', '', '', ''].map(field).join(','));
  }
  return `${rows.join('\n')}\n`;
}
