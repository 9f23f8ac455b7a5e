// The report's energy section: per cell, Wh per 1000 e-tokens (gross and less idle), the prefill/decode split, idle
// watts, the server's attributed share and carbon, each with a badge saying how it was obtained (measured,
// attributed, estimated) and, under the table, what each method rests on. Figures of different methods are shown
// side by side, never added up: the run's totals in the header are given per method.
import type { Metric } from '../../measurement/schema.ts';
import { formatFixed } from '../../units.ts';
import type { CellReport } from '../model.ts';
import { anchor, escapeHtml } from './common.ts';

export const ENERGY_STYLE =
  '.badge{display:inline-block;border-radius:9px;padding:0 7px;font-size:11px;font-weight:600;color:#fff;margin-left:4px}' +
  '.m-measured{background:#2e7d32}.m-attributed{background:#1565c0}.m-estimated{background:#b26a00}';

/** A method badge; nothing for a figure without one. */
export function methodBadge(m: Metric | undefined): string {
  return m?.method ? `<span class="badge m-${m.method}" title="${escapeHtml(m.method)}">${escapeHtml(m.method)}</span>` : '';
}

const hasEnergy = (c: CellReport) => c.metrics.total_wh !== undefined;

/** A figure with its badge, its 5–95 % range when it has one, or why it is missing. */
function cellFigure(m: Metric | undefined, digits = 4): string {
  if (!m) return '<td>—</td>';
  if (m.status !== 'ok' || m.value === null) {
    return `<td class="${m.status === 'error' ? 'error' : 'skipped'}" title="${escapeHtml(m.reason ?? '')}">${escapeHtml(m.status)}${methodBadge(m)}</td>`;
  }
  const range = m.stats?.p5 !== undefined ? `<small class="means">5–95 %: ${escapeHtml(m.stats.p5.toPrecision(3))}–${escapeHtml(m.stats.p95.toPrecision(3))}</small>` : '';
  return `<td class="num" data-v="${m.value}" title="${escapeHtml(m.reason ?? '')}">${escapeHtml(Number(m.value.toPrecision(digits)).toString())}${methodBadge(m)}${range}</td>`;
}

/** Prefill's share of the request energy (mean prefill ÷ mean total), as the split the section shows. */
function splitText(c: CellReport): string {
  const pre = c.metrics.prefill_wh;
  const tot = c.metrics.total_wh;
  if (pre?.status !== 'ok' || tot?.status !== 'ok' || !pre.value || !tot.value) return '<td>—</td>';
  const share = pre.value / tot.value;
  return `<td class="num" data-v="${share}">${Math.round(share * 100)} % / ${Math.round((1 - share) * 100)} %</td>`;
}

/** The run's energy and carbon per method, for the report header; null when no cell has energy figures. */
export function energyTotals(cells: readonly CellReport[]): string | null {
  const by = new Map<string, { wh: number; g: number; cells: number }>();
  const skipped = new Set<string>();
  for (const c of cells.filter(hasEnergy)) {
    const e = c.metrics.window_energy_wh;
    const g = c.metrics.window_co2_g;
    if (e?.status === 'ok' && e.value !== null && e.method) {
      const t = by.get(e.method) ?? { wh: 0, g: 0, cells: 0 };
      t.wh += e.value;
      t.g += g?.status === 'ok' && g.value !== null ? g.value : 0;
      t.cells++;
      by.set(e.method, t);
    } else if (e?.reason) skipped.add(e.reason);
  }
  if (by.size === 0 && skipped.size === 0) return null;
  const parts = [...by].map(([method, t]) => `${method}: ${formatFixed(t.wh)} Wh, ${formatFixed(t.g)} gCO2e over ${t.cells} cell(s)`);
  if (skipped.size > 0) parts.push(`not measured: ${[...skipped][0]}`);
  return parts.join('; ');
}

export function energySection(cells: readonly CellReport[]): string {
  const rows = cells.filter(hasEnergy);
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (c) =>
        `<tr><td class="id"><a href="#${escapeHtml(anchor(c))}">${escapeHtml(c.cell.id)}</a></td><td>${escapeHtml(c.profile)}</td>` +
        cellFigure(c.metrics.energy_weighted_output_wh_per_1000_tokens) +
        cellFigure(c.metrics.active_energy_weighted_output_wh_per_1000_tokens) +
        splitText(c) +
        cellFigure(c.metrics.prefill_wh_per_1000_input_tokens) +
        cellFigure(c.metrics.decode_wh_per_1000_output_tokens) +
        cellFigure(c.metrics.idle_power_w, 3) +
        cellFigure(c.metrics.e_llm_wh_per_1000_output_tokens) +
        cellFigure(c.metrics.co2_g_per_1000_e_tokens) +
        cellFigure(c.metrics.window_energy_wh) +
        '</tr>',
    )
    .join('');
  // What each method rests on (the counters, the coefficient and its source, the grid intensity), once each.
  const bases = [
    ...new Set(
      rows.flatMap((c) =>
        ['total_wh', 'e_llm_wh', 'co2_g'].map((n) => c.metrics[n]).flatMap((m) => (m?.reason ? [`${m.method ? `[${m.method}] ` : ''}${m.reason}`] : [])),
      ),
    ),
  ];
  return (
    `<section id="energy"><h2>Energy</h2>` +
    `<p class="note">Per request: marks when the request is sent, at its first token and at its last. "Wh per 1000 e-tokens" is the request's ` +
    `energy ÷ its output tokens × 1000; "active" subtracts the idle baseline (the loaded server, no request) over the same time. ` +
    `Mean across requests, 5–95 % range below. Badges: <span class="badge m-measured">measured</span> RAPL counters, ` +
    `<span class="badge m-attributed">attributed</span> measured × the server's share of all CPU time, ` +
    `<span class="badge m-estimated">estimated</span> a coefficient (never added to measured figures).</p>` +
    `<table class="sortable" id="energy-cells"><thead><tr><th>cell</th><th>profile</th><th>Wh / 1000 e-tokens</th><th>active Wh / 1000 e-tokens</th>` +
    `<th>prefill / decode</th><th>prefill Wh / 1000 input tokens</th><th>decode Wh / 1000 output tokens</th><th>idle W</th>` +
    `<th>E_llm Wh / 1000 output tokens</th><th>gCO2e / 1000 e-tokens</th><th>window Wh</th></tr></thead><tbody>${body}</tbody></table>` +
    `<ul class="note">${bases.map((b) => `<li>${escapeHtml(b)}</li>`).join('')}</ul></section>`
  );
}
