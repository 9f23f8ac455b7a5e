// Report views a profile declares over its series tables: outcomes along an axis (the sleep race's offsets), and a
// table shown as recorded (the monitoring check). Every label comes from a declaration or a cell id: all escaped.
import type { CellReport } from '../model.ts';
import { stripChart } from '../svg.ts';
import type { OutcomeStrip, TableView } from '../../profiles/define-profile.ts';
import { formatFixed } from '../../units.ts';
import { escapeHtml } from './common.ts';

const recorded = (cells: CellReport[], table: string) => cells.filter((c) => c.state !== 'skipped' && c.measurement?.series?.[table]?.length);

/** The row label says which llama.cpp build was tested: whether sleep mode is safe depends on it. */
function rowLabel(c: CellReport): string {
  const build = c.measurement?.build;
  if (!build?.llamaVersion) return c.cell.id;
  return `${c.cell.id} · llama.cpp ${build.llamaVersion}${build.llamaCommit ? ` (${build.llamaCommit})` : ''}`;
}

export function outcomeStripView(view: OutcomeStrip, cells: CellReport[]): string {
  const rows = recorded(cells, view.table).map((c) => ({
    label: rowLabel(c),
    marks: c.measurement!.series![view.table]!.flatMap((row) => {
      const x = row[view.x];
      const outcome = row[view.outcome];
      if (typeof x !== 'number' || typeof outcome !== 'number') return [];
      const hollow = view.hollow ? row[view.hollow] === 1 : false;
      const name = view.outcomes[outcome] ?? `outcome ${outcome}`;
      return [{ x, outcome, hollow, tooltip: `${formatFixed(x)} ms: ${name}${hollow ? ' (found it asleep)' : ''}` }];
    }),
  }));
  if (rows.length === 0) return '';
  const counts = rows.map((r) => `${r.label}: ${view.outcomes.map((o, i) => `${r.marks.filter((m) => m.outcome === i).length} ${o}`).join(', ')}`);
  return (
    `<h3>${escapeHtml(view.title)}</h3><p class="note">${escapeHtml(view.note)}</p>` +
    stripChart({ rows, outcomes: view.outcomes, xLabel: view.xLabel, ...(view.hollow ? { hollowLabel: 'found it asleep' } : {}) }) +
    `<ul class="note">${counts.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`
  );
}

export function tableView(view: TableView, cells: CellReport[]): string {
  const tables = recorded(cells, view.table).map((c) => {
    const head = view.columns.map((col) => `<th>${escapeHtml(col.label)}</th>`).join('');
    const body = c.measurement!.series![view.table]!.map((row) => {
      const tds = view.columns.map((col) => {
        const v = row[col.key];
        if (typeof v !== 'number') return '<td>—</td>';
        const named = col.names?.[v];
        // Counts (requests, answered) read as whole numbers; measurements by magnitude.
        return named !== undefined ? `<td>${escapeHtml(named)}</td>` : `<td class="num">${escapeHtml(Number.isInteger(v) ? String(v) : formatFixed(v))}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    });
    return `<h4>${escapeHtml(rowLabel(c))}</h4><table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
  });
  return tables.length === 0 ? '' : `<h3>${escapeHtml(view.title)}</h3><p class="note">${escapeHtml(view.note)}</p>${tables.join('')}`;
}
