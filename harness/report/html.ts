import { metricDefinition, type ProfileName } from '../budgets/catalogue.ts';
import type { Verdict } from '../measurement/schema.ts';
import { KEY_METRICS, formatValue, overallVerdict, sortCells, standings, type CellReport, type OverallVerdict, type RunReport } from './model.ts';

/** Everything that reaches the page goes through here: model output is untrusted text. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SYMBOL: Record<Verdict['op'], string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };

function usedText(used: number | null): string {
  if (used === null) return '—';
  return used > 0 && used < 0.01 ? '<1 %' : `${Math.round(used * 100)} %`;
}

function budgetText(v: Verdict): string {
  const used = v.used === null ? '' : `, ${usedText(v.used)} of budget used`;
  return `${v.label} ${SYMBOL[v.op]} ${v.limit} ${v.unit}: ${v.status}${v.value === null ? ` (${v.reason ?? 'no value'})` : used}`;
}

function label(profile: string, metric: string): string {
  const d = metricDefinition(profile as ProfileName, metric);
  if (!d) return escapeHtml(metric);
  return d.unit === 'score' ? escapeHtml(d.label) : `${escapeHtml(d.label)} <small>${escapeHtml(d.unit)}</small>`;
}

function profileTable(profile: string, cells: CellReport[]): string {
  const keys = KEY_METRICS[profile] ?? [];
  const head = `<tr><th>cell</th>${keys.map((k) => `<th>${label(profile, k)}</th>`).join('')}<th>budgets</th></tr>`;
  const rows = cells.map((c) => {
    if (c.state === 'skipped') {
      return `<tr><td class="id">${escapeHtml(c.cell.id)}</td><td class="skipped" colspan="${keys.length + 1}">skipped: ${escapeHtml(c.error ?? '')}</td></tr>`;
    }
    const tds = keys.map((k) => {
      const m = c.metrics[k];
      const v = c.verdicts.find((x) => x.metric === k);
      const cls = v ? v.status : m?.status === 'ok' ? 'none' : (m?.status ?? 'none');
      const title = v ? budgetText(v) : m?.reason ?? '';
      return `<td class="num ${cls}" title="${escapeHtml(title)}">${escapeHtml(formatValue(m?.value))}</td>`;
    });
    const overall = overallVerdict(c);
    const summary = `${c.counts.pass} pass · ${c.counts.fail} fail${c.counts.inconclusive ? ` · ${c.counts.inconclusive} inconclusive` : ''}${c.counts.skipped ? ` · ${c.counts.skipped} skipped` : ''}${c.counts.error ? ` · ${c.counts.error} error` : ''}`;
    const rating = c.rating ? `<span class="rating r-${escapeHtml(c.rating.replace(' ', '-'))}" title="${escapeHtml(c.ratingReason ?? '')}">${escapeHtml(c.rating)}</span>` : '';
    return `<tr><td class="id"><a href="#${escapeHtml(anchor(c))}">${escapeHtml(c.cell.id)}</a></td>${tds.join('')}<td class="${overall}">${rating}${escapeHtml(summary)}</td></tr>`;
  });
  return `<section><h2>${escapeHtml(profile[0]!.toUpperCase() + profile.slice(1))}</h2><table>${head}${rows.join('')}</table></section>`;
}

function anchor(c: CellReport): string {
  return `${c.profile}-${c.cell.slug}`;
}

function cellDetails(c: CellReport): string {
  const verdicts = c.verdicts
    .map(
      (v) =>
        `<tr class="${v.status}"><td>${escapeHtml(v.label)}</td><td class="num">${escapeHtml(formatValue(v.value))}</td>` +
        `<td>${escapeHtml(`${SYMBOL[v.op]} ${v.limit} ${v.unit}`)}</td><td>${escapeHtml(v.status)}</td>` +
        `<td class="num">${usedText(v.used)}</td><td>${escapeHtml(v.reason ?? '')}</td></tr>`,
    )
    .join('');
  const metrics = Object.entries(c.metrics)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, m]) =>
        `<tr class="${m.status === 'ok' ? '' : m.status}"><td>${label(c.profile, k)}</td><td class="num">${escapeHtml(formatValue(m.value))}</td>` +
        `<td>${escapeHtml(m.unit)}</td><td>${escapeHtml(m.status)}</td><td>${escapeHtml(m.stats ? `n=${m.stats.n}, p50 ${formatValue(m.stats.p50)}, p99 ${formatValue(m.stats.p99)}` : '')}${escapeHtml(m.reason ?? '')}</td></tr>`,
    )
    .join('');
  const responses = c.sampleResponses.map((r) => `<pre class="response">${escapeHtml(r)}</pre>`).join('');
  const files = c.measurement ? Object.values(c.measurement.files).map((f) => `<a href="${escapeHtml(f)}">${escapeHtml(f.split('/').pop())}</a>`).join(' · ') : '';
  return (
    `<details id="${escapeHtml(anchor(c))}"><summary><b>${escapeHtml(c.cell.id)}</b> · ${escapeHtml(c.profile)} · ` +
    `<span class="${overallVerdict(c)}">${escapeHtml(overallVerdict(c))}</span></summary>` +
    (c.error ? `<pre class="error">${escapeHtml(c.error)}</pre>` : '') +
    `<h4>Budgets</h4><table><tr><th>budget</th><th>measured</th><th>limit</th><th>verdict</th><th>budget used</th><th>reason</th></tr>${verdicts}</table>` +
    `<h4>All metrics</h4><table><tr><th>metric</th><th>value</th><th>unit</th><th>status</th><th>detail</th></tr>${metrics}</table>` +
    (responses ? `<h4>Sample responses (model output, shown as text)</h4>${responses}` : '') +
    (files ? `<p class="files">Files: ${files}</p>` : '') +
    `</details>`
  );
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1d232a}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}td.id{white-space:nowrap}
.answer{border-left:4px solid #3b7;padding:8px 12px;background:#f3faf5;margin:12px 0}.answer.none{border-color:#d55;background:#fdf4f3}
.answer ul{margin:4px 0 0;padding-left:20px}h4{margin:14px 0 6px}
.meta{color:#556;display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:2px 24px;margin:10px 0 16px}
.chips span{display:inline-block;border-radius:12px;padding:2px 10px;margin-right:6px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:4px 0}th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f7f9;font-weight:600;font-size:12px}th small{font-weight:400;color:#778}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:#e4f6e8}.inconclusive{background:#fcf0d6}.fail{background:#fde2e1}.error{background:#fbe3c4}.skipped{background:#eceff3;color:#556}
details{border:1px solid #e3e6ea;border-radius:6px;padding:6px 10px;margin:6px 0}summary{cursor:pointer}
pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f9;padding:8px;border-radius:4px;max-height:12em;overflow:auto}
.note{color:#667;font-size:13px}
.rating{display:inline-block;border-radius:9px;padding:0 7px;margin-right:6px;font-size:12px;font-weight:600;color:#fff}
.r-excellent{background:#2e8540}.r-good{background:#5cb85c}.r-acceptable{background:#8a8f2e}.r-poor{background:#d98c1e}.r-failed{background:#c9302c}.r-not-rated{background:#999}.files{font-size:12px}`;

function answer(cells: CellReport[]): string {
  const ranked = standings(cells);
  const clean = ranked.filter((s) => !s.errored && s.missed.length === 0);
  if (clean.length > 0) {
    return `<div class="answer"><b>${clean.length} configuration${clean.length === 1 ? '' : 's'} met every budget in every profile:</b><ul>${clean
      .map((s) => `<li>${escapeHtml(s.cellId)}</li>`)
      .join('')}</ul></div>`;
  }
  const closest = ranked.filter((s) => !s.errored).slice(0, 3);
  const SHOWN = 3;
  const items = closest.map((s) => {
    const why = s.missed
      .slice(0, SHOWN)
      .map((m) => `${m.profile}: ${m.verdict.label} ${formatValue(m.verdict.value)} ${m.verdict.unit === 'score' ? '' : m.verdict.unit} (limit ${SYMBOL[m.verdict.op]} ${m.verdict.limit})`.replace(/\s+\(/, ' ('));
    const more = s.missed.length > SHOWN ? `; and ${s.missed.length - SHOWN} more` : '';
    return `<li><b>${escapeHtml(s.cellId)}</b> missed ${s.missed.length}: ${escapeHtml(why.join('; ') + more)}</li>`;
  });
  return `<div class="answer none"><b>No configuration met every budget.</b>${items.length ? ` Closest:<ul>${items.join('')}</ul>` : ''}</div>`;
}

/** One row per model × context × quantization, one column per category: Δ points against the baseline. */
function degradationSection(report: RunReport): string {
  const q = report.quality;
  if (!q) return '';
  const title = '<h2>Quality versus the baseline quantization</h2>';
  if (q.degradation.length === 0) return `<section>${title}<p class="note">Only one quantization per model was graded, so there is nothing to compare.</p></section>`;
  const metrics = [...new Set(q.degradation.map((r) => r.metric))].sort();
  const groups = new Map<string, typeof q.degradation>();
  for (const r of q.degradation) {
    const key = `${r.model} c${r.ctx} ${r.quant}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups.values()].map((rs) => {
    const first = rs[0]!;
    const tds = metrics.map((m) => {
      const r = rs.find((x) => x.metric === m);
      if (!r) return '<td class="num">—</td>';
      const title = `${formatValue(r.score)} vs ${formatValue(r.baselineScore)} on ${r.baselineQuant}`;
      return `<td class="num ${r.flagged ? 'fail' : 'pass'}" title="${escapeHtml(title)}">${r.deltaPoints > 0 ? '+' : ''}${escapeHtml(r.deltaPoints.toFixed(1))}</td>`;
    });
    return `<tr><td class="id">${escapeHtml(`${first.model} c${first.ctx}`)}</td><td>${escapeHtml(first.quant)} <small>vs ${escapeHtml(first.baselineQuant)}</small></td>${tds.join('')}</tr>`;
  });
  return (
    `<section>${title}<p class="note">Score change in points (of 100) against each model's highest-precision quantization in this run; ` +
    `a drop of more than ${q.thresholdPoints} points is red. Hover for the scores.</p>` +
    `<table><tr><th>model</th><th>quantization</th>${metrics.map((m) => `<th>${label('quality', m)}</th>`).join('')}</tr>${rows.join('')}</table></section>`
  );
}

/** A self-contained page: inline CSS, no scripts, no network. */
export function reportHtml(report: RunReport): string {
  const cells = sortCells(report.cells);
  const profiles = [...new Set(cells.map((c) => c.profile))].sort();
  const counts: Record<OverallVerdict, number> = { pass: 0, fail: 0, inconclusive: 0, error: 0, skipped: 0 };
  for (const c of cells) counts[overallVerdict(c)]++;
  const h = report.host;
  const meta = [
    ['Run', report.runId],
    ['Started', report.createdAt],
    ['Host', `${h.cpu}, ${h.cores} cores, ${h.memoryGb} GB RAM`],
    ['OS', `${h.os}, kernel ${h.kernel}`],
    ['llama.cpp', `${report.llama.version} (${report.llama.commit}), ${report.llama.source}`],
    ['Config', `${report.config.file} (sha256 ${report.config.hash.slice(0, 12)})`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>llm-budget-bench ${escapeHtml(report.runId)}</title><style>${STYLE}</style></head><body>
<h1>llm-budget-bench scoreboard</h1>
${report.partial ? `<p class="error">Partial report: ${escapeHtml(report.endReason)}</p>` : ''}
<div class="meta">${meta.map(([k, v]) => `<div><b>${escapeHtml(k)}:</b> ${escapeHtml(v)}</div>`).join('')}</div>
${answer(cells)}
${report.models.filter((m) => m.kind === 'builtin').map((m) => `<p class="note">Model <b>${escapeHtml(m.name)}</b> is ${escapeHtml(m.detail)}: its speed, memory and CPU figures are real, its text is nonsense by design.</p>`).join('')}
<div class="chips">Cell × profile results: <span class="pass">${counts.pass} within budget</span><span class="fail">${counts.fail} over budget</span>${counts.inconclusive ? `<span class="inconclusive">${counts.inconclusive} inconclusive</span>` : ''}<span class="error">${counts.error} errored</span>${counts.skipped ? `<span class="skipped">${counts.skipped} skipped</span>` : ''}</div>
<p class="note">A cell is one configuration (model, quantization, threads, context, priority). Green: within its budget; red: over it;
grey: not measurable here (with the reason); orange: the measurement failed. Hover a figure for its budget and headroom.
Percentiles: ${escapeHtml(report.percentileMethod)}. CPU is % of the whole machine.</p>
${profiles.map((p) => profileTable(p, cells.filter((c) => c.profile === p))).join('\n')}
${degradationSection(report)}
<h2>Cells in detail</h2>
${cells.map(cellDetails).join('\n')}
</body></html>
`;
}
