// The fleet view as text: a terminal table and a self-contained HTML page (inline CSS, no script, no network).
// Every name comes from a scoreboard someone else may have written, so the page escapes it all.
import { escapeHtml } from '../report/escape.ts';
import { formatFixed } from '../units.ts';
import type { FleetView } from './compare.ts';

const hostLine = (h: FleetView['hosts'][number]) => `${h.id} ${h.label}: ${h.cpu}, ${h.cores ?? '?'} cores, ${h.memoryGb ?? '?'} GB RAM, llama.cpp ${h.llama}`;

function portableLines(v: FleetView): string[] {
  const p = v.portable;
  if (p.status === 'none') return [`Portable pick: none (${p.why})`];
  const head = `Portable pick: ${p.cellId} (${p.status === 'everywhere' ? 'passes on every host' : 'closest'}): ${p.why}`;
  const misses = p.misses.map((m) => `  misses on ${m.host}: ${m.profile} ${m.metric} ${m.status} (${m.value === null ? 'no figure' : `${formatFixed(m.value)} ${m.unit}`}, budget ${m.budget})${m.reason ? ` ${m.reason}` : ''}`);
  return [head, ...misses, ...(p.alsoEverywhere.length ? [`  also passing everywhere: ${p.alsoEverywhere.join(', ')}`] : [])];
}

export function fleetTable(v: FleetView): string {
  const header = ['profile', 'cell', ...v.hosts.map((h) => h.id)];
  const rows = v.rows.map((r) => [r.profile, r.cellId, ...v.hosts.map((h) => r.byHost[h.id]?.verdict ?? '—')]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  const recs = v.recommendations.filter((r) => r.status !== 'not-measured').map((r) => `  ${r.host} ${r.title}: ${r.cellId ?? '—'} (${r.status})`);
  return [
    'Hosts:',
    ...v.hosts.map((h) => `  ${hostLine(h)}`),
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    ...(recs.length ? ['Recommendations per host:', ...recs, ''] : []),
    ...portableLines(v),
    ...(v.notEverywhere.length ? ['', `Not measured on every host: ${v.notEverywhere.map((n) => `${n.cellId} (missing on ${n.missingOn.join(', ')})`).join('; ')}`] : []),
  ].join('\n');
}

const CLASS: Record<string, string> = { pass: 'pass', fail: 'fail', error: 'error', inconclusive: 'inconclusive', incomplete: 'incomplete', skipped: 'skipped' };
const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.pass{background:#d8f5d0}.fail{background:#f8d0d0}.error{background:#fbe3c8}.inconclusive{background:#fff2c0}.incomplete{background:#d6e6fa}.skipped{background:#eee}.note{color:#555}`;

export function fleetHtml(v: FleetView): string {
  const e = escapeHtml;
  const hosts = v.hosts.map((h) => `<li><b>${e(h.id)}</b> ${e(h.label)}: ${e(h.cpu)}, ${e(h.cores ?? '?')} cores, ${e(h.memoryGb ?? '?')} GB RAM, llama.cpp ${e(h.llama)} <small>(run ${e(h.runId)})</small></li>`).join('');
  const head = `<tr><th>profile</th><th>cell</th>${v.hosts.map((h) => `<th>${e(h.id)}</th>`).join('')}</tr>`;
  const rows = v.rows
    .map((r) => {
      const cells = v.hosts.map((h) => {
        const c = r.byHost[h.id];
        if (!c) return '<td class="skipped">not run</td>';
        return `<td class="${CLASS[c.verdict] ?? ''}" title="${e(c.failed.length ? `missed: ${c.failed.join(', ')}` : '')}">${e(c.verdict)}${c.rating ? ` <small>${e(c.rating)}</small>` : ''}</td>`;
      });
      return `<tr><td>${e(r.profile)}</td><td>${e(r.cellId)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const recs = v.recommendations.length
    ? `<h2>Recommendations per host</h2><table><tr><th>host</th><th>use case</th><th>cell</th><th>status</th></tr>${v.recommendations.map((r) => `<tr><td>${e(r.host)}</td><td>${e(r.title)}</td><td>${e(r.cellId ?? '—')}</td><td>${e(r.status)}</td></tr>`).join('')}</table>`
    : '';
  const p = v.portable;
  const misses = p.misses.length
    ? `<table><tr><th>host</th><th>profile</th><th>budget</th><th>status</th><th>figure</th></tr>${p.misses.map((m) => `<tr class="${CLASS[m.status] ?? ''}"><td>${e(m.host)}</td><td>${e(m.profile)}</td><td>${e(`${m.metric} ${m.budget}`)}</td><td>${e(m.status)}</td><td>${e(m.value === null ? (m.reason ?? 'no figure') : `${formatFixed(m.value)} ${m.unit}`)}</td></tr>`).join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>llm-budget-bench fleet</title><style>${STYLE}</style></head><body>
<h1>Fleet comparison</h1>
<ul>${hosts}</ul>
<h2>Portable pick</h2>
<p class="${p.status === 'everywhere' ? 'pass' : p.status === 'closest' ? 'inconclusive' : 'skipped'}"><b>${e(p.cellId ?? 'none')}</b>: ${e(p.why)}</p>
${misses}
${p.alsoEverywhere.length ? `<p class="note">Also passing on every host: ${e(p.alsoEverywhere.join(', '))}</p>` : ''}
${recs}
<h2>Cells by host</h2>
<table>${head}
${rows}</table>
${v.notEverywhere.length ? `<p class="note">Not measured on every host (cannot be the portable pick): ${e(v.notEverywhere.map((n) => `${n.cellId} (missing on ${n.missingOn.join(', ')})`).join('; '))}</p>` : ''}
</body></html>
`;
}
