import { methodBadge } from './energy.ts';
import { verdictLabel } from '../../budgets/budget.ts';
import { KEY_METRICS, isProfileName, verdictFor } from '../../budgets/catalogue.ts';
import { formatFixed } from '../../units.ts';
import { overallVerdict, type CellReport } from '../model.ts';
import { runRelativePath } from '../run-path.ts';
import type { Series } from '../svg.ts';
import type { BandSet } from '../../budgets/bands.ts';
import { anchor, budgetText, escapeHtml, figure, label, levelPrefix, SYMBOL, titleCase, usedText } from './common.ts';

export interface Timeline {
  cpu: Series['points'];
  rss: Series['points'];
}

function ratingBadge(c: CellReport): string {
  if (!c.rating) return '';
  return `<span class="rating r-${escapeHtml(c.rating.replace(' ', '-'))}" title="${escapeHtml(c.ratingReason ?? '')}">${escapeHtml(c.rating)}</span>`;
}

/** One sortable table per profile: a row per cell, its key figures coloured by their budget's verdict. */
export function profileTable(profile: string, cells: CellReport[], bands?: BandSet): string {
  const keys = isProfileName(profile) ? KEY_METRICS[profile] : Object.keys(cells[0]?.metrics ?? {}).slice(0, 6);
  const head = `<thead><tr><th>cell</th>${keys.map((k) => `<th>${label(profile, k)}</th>`).join('')}<th>rating · budgets</th></tr></thead>`;
  const rows = cells.map((c) => {
    if (c.state === 'skipped') {
      return `<tr><td class="id">${escapeHtml(c.cell.id)}</td><td class="skipped" colspan="${keys.length + 1}">skipped: ${escapeHtml(c.error ?? '')}</td></tr>`;
    }
    const tds = keys.map((k) => {
      const m = Object.hasOwn(c.metrics, k) ? c.metrics[k] : undefined;
      const v = verdictFor(profile, k, c.verdicts);
      const cls = v ? v.status : m?.status === 'ok' ? 'none' : (m?.status ?? 'none');
      const title = v ? budgetText(v) : (m?.reason ?? '');
      const attrs = `${m?.value !== undefined && m.value !== null ? ` data-v="${escapeHtml(m.value)}"` : ''}${title ? ` title="${escapeHtml(title)}"` : ''}`;
      return `<td class="num ${escapeHtml(cls)}"${attrs}>${figure(profile, k, m?.value, bands)}</td>`;
    });
    const n = c.counts;
    const summary = `${n.pass} pass · ${n.fail} fail${n.inconclusive ? ` · ${n.inconclusive} inconclusive` : ''}${n.skipped ? ` · ${n.skipped} skipped` : ''}${n.error ? ` · ${n.error} error` : ''}`;
    return `<tr><td class="id"><a href="#${escapeHtml(anchor(c))}">${escapeHtml(c.cell.id)}</a></td>${tds.join('')}<td class="${overallVerdict(c)}">${ratingBadge(c)}${escapeHtml(summary)}</td></tr>`;
  });
  return `<h3>${escapeHtml(titleCase(profile))}: every cell</h3><table class="sortable">${head}<tbody>${rows.join('')}</tbody></table>`;
}

const SPARK_W = 320;
const SPARK_H = 44;

/**
 * A compact line of one series: a report may hold a thousand cells, so each timeline is a small inline SVG
 * (no axes) with its peak and span written beside it. The data's spikes survive: points were bucketed by max.
 */
export function sparkline(points: Series['points'], unit: string, fixedMax?: number): string {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length < 2) return '<span class="note">no samples</span>';
  const x0 = finite[0]!.x;
  const x1 = finite[finite.length - 1]!.x;
  const peak = finite.reduce((m, p) => (p.y > m ? p.y : m), -Infinity);
  const top = Math.max(fixedMax ?? 0, peak) || 1;
  const coords = finite
    .map((p) => `${Math.round(((p.x - x0) / (x1 - x0 || 1)) * SPARK_W)},${Math.round(SPARK_H - 2 - (p.y / top) * (SPARK_H - 4))}`)
    .join(' ');
  return (
    `<span class="spark"><svg viewBox="0 0 ${SPARK_W} ${SPARK_H}" width="${SPARK_W}" height="${SPARK_H}" role="img" aria-label="${escapeHtml(unit)} over time">` +
    `<rect width="${SPARK_W}" height="${SPARK_H}" fill="#f7f9fb"/><polyline fill="none" stroke="#3b7dd8" stroke-width="1.2" points="${coords}"/></svg>` +
    `<small>peak ${escapeHtml(formatFixed(peak))} ${escapeHtml(unit)} · ${escapeHtml(formatFixed(x1 - x0))} s</small></span>`
  );
}

function timelineCharts(t: Timeline | undefined): string {
  if (!t || (t.cpu.length === 0 && t.rss.length === 0)) return '';
  return `<h4>Over the cell</h4><div class="charts"><div>CPU (% of machine)<br>${sparkline(t.cpu, '%', 100)}</div><div>RSS (MB)<br>${sparkline(t.rss, 'MB')}</div></div>`;
}

/**
 * A link to one of the cell's files, when the scoreboard names a plain path inside the run (relative to report.html,
 * which sits in the run directory); anything else (a scheme, `..`, an absolute path) is shown as text, never linked.
 */
export function fileLink(file: string): string {
  const safe = runRelativePath(file);
  if (safe === null) return `<code class="unlinked" title="not linked: not a path inside this run">${escapeHtml(file)}</code>`;
  return `<a href="${escapeHtml(safe)}">${escapeHtml(safe.split('/').pop())}</a>`;
}

export function cellDetails(c: CellReport, timeline?: Timeline, bands?: BandSet): string {
  const verdicts = c.verdicts
    .map(
      (v) =>
        `<tr class="${escapeHtml(v.status)}"><td>${escapeHtml(verdictLabel(v))}</td><td class="num">${figure(c.profile, v.metric, v.value, bands)}</td>` +
        `<td>${escapeHtml(`${SYMBOL[v.op]} ${v.limit} ${v.unit}`)}</td><td>${escapeHtml(v.status)}</td>` +
        `<td class="num">${usedText(v.used)}</td><td>${escapeHtml(v.ci ? `${formatFixed(v.ci.low)} – ${formatFixed(v.ci.high)}` : '')}</td>` +
        `<td>${escapeHtml(v.reason ?? '')}${v.samplesToResolve ? escapeHtml(`; about ${v.samplesToResolve} samples would resolve it`) : ''}${v.ciNote ? `<small class="means">no interval: ${escapeHtml(v.ciNote)}</small>` : ''}</td></tr>`,
    )
    .join('');
  // Figures with a budget are in the budgets table already.
  const judged = new Set(c.verdicts.map((v) => v.metric));
  const metrics = Object.entries(c.metrics)
    .filter(([k]) => !judged.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, m]) =>
        `<tr${m.status === 'ok' ? '' : ` class="${escapeHtml(m.status)}"`}><td>${label(c.profile, k)}</td><td class="num">${figure(c.profile, k, m.value, bands)}</td>` +
        `<td>${escapeHtml(m.status)}${methodBadge(m)}</td><td>${escapeHtml(m.stats ? `n=${m.stats.n}, p50 ${formatFixed(m.stats.p50)}, p99 ${formatFixed(m.stats.p99)}` : '')}${escapeHtml(m.reason ?? '')}</td></tr>`,
    )
    .join('');
  const responses = c.sampleResponses.map((r) => `<pre class="response">${escapeHtml(r)}</pre>`).join('');
  const files = c.measurement ? Object.values(c.measurement.files).map(fileLink).join(' · ') : '';
  return (
    `<details id="${escapeHtml(anchor(c))}"><summary><b>${escapeHtml(c.cell.id)}</b> · ${escapeHtml(c.profile)} · ` +
    `${ratingBadge(c)}<span class="${overallVerdict(c)}">${escapeHtml(overallVerdict(c))}</span></summary>` +
    (c.error ? `<pre class="error">${escapeHtml(c.error)}</pre>` : '') +
    (c.verdicts.length
      ? `<h4>Budgets</h4><table><tr><th>budget</th><th>measured</th><th>limit</th><th>verdict</th><th>budget used</th><th>${escapeHtml(levelPrefix(c.verdicts))}CI</th><th>reason</th></tr>${verdicts}</table>`
      : '') +
    timelineCharts(timeline) +
    (metrics ? `<h4>Other metrics</h4><table><tr><th>metric</th><th>value</th><th>status</th><th>detail</th></tr>${metrics}</table>` : '') +
    (responses ? `<h4>Sample responses (model output, shown as text)</h4>${responses}` : '') +
    (files ? `<p class="files">Files: ${files}</p>` : '') +
    `</details>`
  );
}
