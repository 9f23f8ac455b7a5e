import { verdictFor } from '../budgets/catalogue.ts';
import { createHash } from 'node:crypto';
import { countVerdicts, overallVerdict, sortCells, type CellReport, type RunReport } from './model.ts';
import { cellDetails, profileTable, type Timeline } from './html/cells.ts';
import type { DeclaredProfile } from '../profiles/define-profile.ts';
import { PROFILES } from '../profiles/registry.ts';
import { latencyChart, qualitySpeedChart, seriesBlock, verdictHeatMap } from './html/charts.ts';
import { outcomeStripView, tableView } from './html/views.ts';
import { anchor, escapeHtml, levelPrefix, titleCase } from './html/common.ts';
import { answer, comparisonSection, degradationSection, recommendationCards, scoresTable } from './html/decisions.ts';
import { evidenceSection, type GradedItem } from './html/evidence.ts';
import { pairedSection } from './html/paired.ts';
import { knobSection } from './html/knobs.ts';
import { crossoverSection, middlewareSection, variabilitySection } from './html/lab.ts';
import { runStatus } from './html/run-status.ts';
import { qualityDistributionSection, qualityInterpretationSection } from './html/quality.ts';
import { ENERGY_STYLE, energySection, energyTotals } from './html/energy.ts';
import { appendixSection, type AppendixData } from './html/appendix.ts';
import { sizeChartsSection } from './html/size-charts.ts';
import { gpuText } from './model-files.ts';

export { escapeHtml } from './html/common.ts';
export type { Timeline } from './html/cells.ts';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1d232a}
h1{font-size:22px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}h4{margin:14px 0 6px}
td.id{white-space:nowrap}small.means{display:block;color:#778;font-size:11px}
.answer{border-left:4px solid #3b7;padding:8px 12px;background:#f3faf5;margin:12px 0}.answer.none{border-color:#d55;background:#fdf4f3}.answer ul{margin:4px 0 0;padding-left:20px}
.meta{color:#556;display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:2px 24px;margin:10px 0 16px}
.chips span{display:inline-block;border-radius:12px;padding:2px 10px;margin-right:6px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:4px 0}th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f7f9;font-weight:600;font-size:12px}th small{font-weight:400;color:#778}table.sortable th{cursor:pointer}
th[data-dir=asc]::after{content:" ▲"}th[data-dir=desc]::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:#e4f6e8}.inconclusive{background:#fcf0d6}.incomplete{background:#e3ecf7}.provisional{background:#f4f0da}.fail{background:#fde2e1}.error{background:#fbe3c4}.skipped{background:#eceff3;color:#556}
details{border:1px solid #e3e6ea;border-radius:6px;padding:6px 10px;margin:6px 0}summary{cursor:pointer}
pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f9;padding:8px;border-radius:4px;max-height:12em;overflow:auto}
.note{color:#667;font-size:13px}.files{font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:12px 28px;font-size:12px}
.spark{display:inline-flex;align-items:center;gap:8px}.spark small{color:#556}
.rating{display:inline-block;border-radius:9px;padding:0 7px;margin-right:6px;font-size:12px;font-weight:600;color:#fff}
.r-excellent{background:#2e8540}.r-good{background:#5cb85c}.r-acceptable{background:#8a8f2e}.r-poor{background:#d98c1e}.r-failed{background:#c9302c}.r-not-rated{background:#999}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:12px}
.card{border:1px solid #e3e6ea;border-radius:8px;padding:10px 12px}.card h4{margin:0 0 4px}.card.skipped{color:#667}
.pick{font-weight:700;font-size:15px}.pick.none{font-weight:400}.small{font-size:12px;color:#556}.reasons{font-size:12px;padding-left:18px;margin:6px 0}
section.interrupted{padding:6px 12px;border-radius:6px}.not-run{margin:4px 0;columns:2}
input.filter{padding:5px 8px;width:320px;border:1px solid #ccd;border-radius:4px;margin:6px 0}${ENERGY_STYLE}
pre.appendix{max-height:30em}.size-chart{flex:1 1 420px}`;

/** The page's only script: sortable columns and the row filter. Its hash goes in the CSP, so no other script runs. */
const SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (t) {
  var head = t.tHead.rows[0];
  Array.prototype.forEach.call(head.cells, function (th, i) {
    th.addEventListener('click', function () {
      var dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
      Array.prototype.forEach.call(head.cells, function (h) { delete h.dataset.dir; });
      th.dataset.dir = dir;
      var body = t.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (r) { var c = r.cells[i]; return c ? (c.dataset.v !== undefined ? c.dataset.v : c.textContent) : ''; };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y));
        return dir === 'asc' ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
document.querySelectorAll('input.filter').forEach(function (input) {
  input.addEventListener('input', function () {
    var q = input.value.toLowerCase();
    var t = document.getElementById(input.dataset.table);
    Array.prototype.forEach.call(t.tBodies[0].rows, function (r) { r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0; });
  });
});`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

function overviewTable(cells: CellReport[]): string {
  const rows = cells.map((c) => {
    const v = overallVerdict(c);
    const n = c.counts;
    const judged = n.pass + n.fail + n.inconclusive + n.error;
    return (
      `<tr><td class="id"><a href="#${escapeHtml(anchor(c))}">${escapeHtml(c.cell.id)}</a></td><td>${escapeHtml(c.profile)}</td>` +
      `<td>${escapeHtml(c.cell.model)}</td><td>${escapeHtml(c.cell.quant)}</td><td class="num">${c.cell.threads}</td><td class="num">${c.cell.ctx}</td>` +
      `<td>${escapeHtml(c.cell.priority)}</td><td>${escapeHtml(c.rating ?? '')}</td><td class="${v}">${escapeHtml(v)}</td>` +
      `<td class="num" data-v="${judged ? n.pass / judged : ''}">${judged ? `${n.pass}/${judged}` : '—'}</td></tr>`
    );
  });
  return (
    `<section><h2>All cells</h2><input class="filter" data-table="all-cells" placeholder="filter, e.g. Q4_K_M, t2, interactive, fail" aria-label="filter cells">` +
    `<table class="sortable" id="all-cells"><thead><tr><th>cell</th><th>profile</th><th>model</th><th>quant</th><th>threads</th><th>ctx</th><th>priority</th>` +
    `<th>rating</th><th>verdict</th><th>budgets met</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

/** A profile's section: its verdict map and table, then the charts and views its definition asks for. */
function profileSection(report: RunReport, profile: string, cells: CellReport[], profiles: readonly DeclaredProfile[]): string {
  const charts = profiles.find((p) => p.name === profile)?.charts ?? [];
  const extra = charts.map((chart) => {
    switch (chart.kind) {
      case 'block':
        return seriesBlock(chart, cells);
      case 'latency-percentiles': {
        const limit = verdictFor(profile, 'latency_p95_s', cells.flatMap((c) => c.verdicts))?.limit;
        const drawn = latencyChart(cells, limit);
        return drawn ? `<h3>Latency percentiles</h3>${drawn}` : '';
      }
      case 'quality-speed': {
        const drawn = qualitySpeedChart(report.cells);
        return drawn ? `<h3>Quality versus speed</h3><p class="note">Filled points are the Pareto front: no other cell is both faster and better.</p>${drawn}` : '';
      }
      case 'quality-degradation':
        return degradationSection(report) + qualityInterpretationSection(report) + qualityDistributionSection(report);
      case 'paired-comparison':
        return pairedSection(report.pairedComparisons);
      case 'outcome-strip':
        return outcomeStripView(chart, cells);
      case 'table':
        return tableView(chart, cells);
      case 'middleware-comparison':
        return middlewareSection(cells);
      case 'crossover':
        return crossoverSection(cells);
      case 'variability':
        return variabilitySection(cells);
    }
  });
  return `<section><h2>${escapeHtml(titleCase(profile))}</h2>${verdictHeatMap(profile, cells)}${profileTable(profile, cells, report.bands)}${extra.join('')}</section>`;
}

/** A self-contained page: inline CSS and SVG, one hashed script, no network. Timelines come from metrics_samples.csv. */
export function reportHtml(
  report: RunReport,
  timelines: ReadonlyMap<string, Timeline> = new Map(),
  graded: ReadonlyMap<string, GradedItem[]> = new Map(),
  /** The profile declarations whose charts the sections draw (the registry's, unless a test brings its own). */
  declared: readonly DeclaredProfile[] = PROFILES,
  /** The config, server logs and raw metrics appendices; absent: none (a test rendering without a run directory). */
  appendix?: AppendixData,
): string {
  const cells = sortCells(report.cells);
  const profiles = [...new Set(cells.map((c) => c.profile))].sort();
  const counts = countVerdicts(cells);
  const h = report.host;
  const meta = [
    ['Run', report.runId],
    ['Started', report.createdAt],
    ...(report.durationMs !== undefined ? [['Duration', `${(report.durationMs / 1000).toFixed(1)} s${report.partial ? ' so far' : ''}`]] : []),
    ['Host', `${h.hostname ? `${h.hostname}: ` : ''}${h.cpu}, ${h.cores} cores, ${h.memoryGb} GB RAM`],
    ['OS', `${h.os}, kernel ${h.kernel}`],
    ...(report.gpu ? [['GPU', gpuText(report.gpu)]] : []),
    // A remote target was not started here: the server's URL and the version it reported, not a local build.
    report.llama.source === 'remote'
      ? ['Server', `${report.llama.serverPath}, ${report.llama.version || 'version not reported'}${report.llama.commit ? ` (${report.llama.commit})` : ''}; not started by this run (remote target)`]
      : ['llama.cpp', `${report.llama.version} (${report.llama.commit}), ${report.llama.source}`],
    ['Config', `${report.config.file} (sha256 ${report.config.hash.slice(0, 12)})`],
    ...(report.bandwidth ? [['Memory bandwidth', `${report.bandwidth.gbPerSec.toFixed(1)} GB/s (${report.bandwidth.method})`]] : []),
    ...((e) => (e ? [['Energy and carbon', e]] : []))(energyTotals(cells)),
  ];
  const chips =
    `<span class="pass">${counts.pass} within budget</span><span class="fail">${counts.fail} over budget</span>` +
    (counts.inconclusive ? `<span class="inconclusive">${counts.inconclusive} inconclusive</span>` : '') +
    (counts.incomplete ? `<span class="incomplete">${counts.incomplete} incomplete</span>` : '') +
    `<span class="error">${counts.error} errored</span>` +
    (counts.skipped ? `<span class="skipped">${counts.skipped} skipped</span>` : '');
  const builtinNotes = report.models
    .filter((m) => m.kind === 'builtin')
    .map((m) => `<p class="note">Model <b>${escapeHtml(m.name)}</b> is ${escapeHtml(m.detail)}: its speed, memory and CPU figures are real, its text is nonsense by design.</p>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${SCRIPT_HASH}'; base-uri 'none'; form-action 'none'">
<title>llm-budget-bench ${escapeHtml(report.runId)}</title><style>${STYLE}</style></head><body>
<h1>llm-budget-bench scoreboard</h1>
${runStatus(report)}
<div class="meta">${meta.map(([k, v]) => `<div><b>${escapeHtml(k)}:</b> ${escapeHtml(v)}</div>`).join('')}</div>
${answer(cells)}
${builtinNotes}
<div class="chips">Cell × profile results: ${chips}</div>
<p class="note">A cell is one configuration (model, quantization, threads, context, priority). Green: within its budget; red: over it;
amber: inconclusive (the estimate passes but its ${escapeHtml(levelPrefix(cells.flatMap((c) => c.verdicts)))}interval reaches past the limit: not known to be within budget); blue: incomplete
(every judged budget met, some not measurable here); grey: not measurable here (with the reason); orange: the measurement failed.
A failing estimate is red whatever its interval. Ratings: excellent = every budget met with ≥ 50 % headroom, good ≥ 20 %,
acceptable = every judged budget met (or inconclusive), poor = some missed, failed = a critical one missed.
Hover a figure for its budget and headroom. Percentiles: ${escapeHtml(report.percentileMethod)}. CPU is % of the whole machine.</p>
${recommendationCards(report)}
${comparisonSection(report)}
${knobSection(report)}
${profiles.map((p) => profileSection(report, p, cells.filter((c) => c.profile === p), declared)).join('\n')}
${energySection(cells)}
${sizeChartsSection(report)}
${overviewTable(cells)}
${scoresTable(report)}
<h2>Cells in detail</h2>
${cells.map((c) => cellDetails(c, timelines.get(`${c.cell.slug}/${c.profile}`), report.bands)).join('\n')}
${evidenceSection(cells, graded)}
${appendix ? appendixSection(cells, appendix) : ''}
<script>${SCRIPT}</script>
</body></html>
`;
}
