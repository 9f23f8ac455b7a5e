// The side-by-side page: one row per prompt, one pane per model × temperature, each with its answer (untrusted
// text, escaped), token counts, decode speed and grade. Self-contained like the report: inline CSS, no script.
import type { ComparisonData, PaneAnswer } from '../../compare/model.ts';
import { escapeHtml } from './common.ts';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d232a}h1{font-size:20px}
.grid{display:grid;gap:10px;margin:8px 0 22px}.pane{border:1px solid #dde;border-radius:6px;padding:8px;min-width:0}
.pane h3{margin:0 0 4px;font-size:14px}.pane pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f9;padding:6px;margin:4px 0;max-height:16em;overflow:auto}
.stats{font-size:12px;color:#556}.pass{background:#e4f6e8}.fail{background:#fde2e1}.error{background:#fbe3c4}.prompt{background:#f3f5f8;padding:6px 10px;border-radius:4px}`;

function pane(alias: string, a: PaneAnswer | null): string {
  if (!a) return `<div class="pane error"><h3>${escapeHtml(alias)}</h3><p>not asked (the pane's server did not start)</p></div>`;
  if (!a.ok) return `<div class="pane error"><h3>${escapeHtml(alias)}</h3><p>request failed: ${escapeHtml(a.error)}</p></div>`;
  const grade = a.score === null ? '' : ` · grade <b>${a.score.toFixed(2)}</b> (expected ${escapeHtml(a.expected)})`;
  const cls = a.score === null ? '' : a.score >= 1 ? ' pass' : ' fail';
  return (
    `<div class="pane${cls}"><h3>${escapeHtml(alias)}</h3><pre>${escapeHtml(a.text)}</pre>` +
    `<div class="stats">${a.promptTokens ?? '?'} prompt tokens · ${a.completionTokens ?? '?'} output tokens · ${a.decodeTps === null ? '?' : a.decodeTps.toFixed(1)} tok/s${grade}</div></div>`
  );
}

export function compareHtml(d: ComparisonData): string {
  const cols = `repeat(${d.panes.length}, minmax(220px, 1fr))`;
  const legend = d.panes
    .map((p) => `<li><b>${escapeHtml(p.alias)}</b>: ${escapeHtml(p.model)} ${escapeHtml(p.quant ?? '')} at temperature ${p.temperature}${p.cellId ? ` (cell ${escapeHtml(p.cellId)})` : ''}${p.error ? ` — <span class="error">${escapeHtml(p.error)}</span>` : ''}</li>`)
    .join('');
  const rows = d.prompts
    .map((pr, i) => `<section><h2>${escapeHtml(pr.id)}${pr.graded ? ' <small>(graded)</small>' : ''}</h2><div class="prompt">${escapeHtml(pr.text)}</div><div class="grid" style="grid-template-columns:${cols}">${d.panes.map((p, j) => pane(p.alias, d.answers[i]?.[j] ?? null)).join('')}</div></section>`)
    .join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">` +
    `<title>Side-by-side comparison</title><style>${STYLE}</style></head><body><h1>Side-by-side comparison</h1>` +
    `<p>${escapeHtml(d.createdAt)} · middleware preset <b>${escapeHtml(d.preset)}</b> · the same prompts, seeds and answer length in every pane</p><ul>${legend}</ul>${rows}</body></html>`
  );
}
