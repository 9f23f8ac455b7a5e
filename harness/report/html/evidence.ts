// Per-item grade evidence: for every graded golden, what the grader extracted and which rule decided, shown on
// click. Model output is untrusted text: everything goes through escapeHtml, nothing is interpreted.
import type { CellReport } from '../model.ts';
import { escapeHtml } from './common.ts';

export interface GradedItem {
  kind: 'golden' | 'cove';
  mode: 'free' | 'constrained';
  id: string;
  set: string;
  state: 'graded' | 'error' | 'not-applicable';
  score: number | null;
  extracted: string | null;
  rule: string | null;
  expected: string | null;
  detail: string | null;
  error: string | null;
  output: string;
  truncated: boolean;
}

const STYLE = `<style>
details.item{margin:2px 0;padding:2px 8px;border-color:#eef0f3}details.item summary{font-size:13px}
details.item dl{display:grid;grid-template-columns:110px 1fr;gap:2px 10px;margin:6px 0;font-size:13px}details.item dt{color:#667}
details.item dd{margin:0}span.sc{display:inline-block;min-width:26px;text-align:center;border-radius:8px;font-weight:600;font-size:12px;margin-right:4px}
span.s-pass{background:#e4f6e8}span.s-fail{background:#fde2e1}span.s-part{background:#fcf0d6}span.s-error{background:#fbe3c4}span.s-na{background:#eceff3;color:#556}
code.ex{background:#f3f4f7;padding:0 4px;border-radius:3px}
</style>`;

function badge(i: GradedItem): string {
  if (i.state === 'error') return '<span class="sc s-error">err</span>';
  if (i.state === 'not-applicable' || i.score === null) return '<span class="sc s-na">n/a</span>';
  const cls = i.score >= 1 ? 's-pass' : i.score <= 0 ? 's-fail' : 's-part';
  return `<span class="sc ${cls}">${escapeHtml(Number(i.score.toFixed(2)))}</span>`;
}

function row(i: GradedItem): string {
  const what = i.state === 'error' ? `request failed: ${i.error ?? ''}` : i.state === 'not-applicable' ? (i.detail ?? 'not applicable') : `extracted ${i.extracted === null ? 'nothing' : `“${i.extracted}”`}`;
  const fields: [string, string | null][] = [
    ['extracted', i.extracted],
    ['rule', i.rule],
    ['expected', i.expected],
    ['why not 1', i.score !== null && i.score < 1 && i.detail !== i.rule ? i.detail : null],
    ['error', i.error],
  ];
  const dl = fields
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${k === 'extracted' ? `<code class="ex">${escapeHtml(v)}</code>` : escapeHtml(v)}</dd>`)
    .join('');
  const output = `<dt>model output</dt><dd><pre class="response">${escapeHtml(i.output)}</pre>${i.truncated ? '<small>(shortened here; the whole text is in responses.jsonl)</small>' : ''}</dd>`;
  return (
    `<details class="item" data-id="${escapeHtml(i.id)}"><summary>${badge(i)}<b>${escapeHtml(i.id)}</b>${i.mode === 'constrained' ? ' <small>constrained</small>' : ''} · ` +
    `${escapeHtml(what.length > 90 ? `${what.slice(0, 90)}…` : what)}</summary><dl>${dl}${output}</dl></details>`
  );
}

/** One block per quality cell: each graded item on one line, its evidence and the model's output on click. */
export function evidenceSection(cells: readonly CellReport[], items: ReadonlyMap<string, GradedItem[]>): string {
  const blocks = cells
    .filter((c) => c.profile === 'quality' && items.has(`${c.cell.slug}/${c.profile}`))
    .map((c) => {
      const list = items.get(`${c.cell.slug}/${c.profile}`)!;
      const graded = list.filter((i) => i.state === 'graded');
      const right = graded.filter((i) => (i.score ?? 0) >= 1).length;
      const errors = list.filter((i) => i.state === 'error').length;
      const summary = `${escapeHtml(c.cell.id)} · ${graded.length} graded, ${right} fully right${errors ? `, ${errors} without an answer (request failed)` : ''}`;
      return `<details class="evidence" id="evidence-${escapeHtml(c.cell.slug)}"><summary>${summary}</summary>${list.map(row).join('')}</details>`;
    });
  if (blocks.length === 0) return '';
  return (
    `<section><h2>Grade evidence</h2>${STYLE}<p class="note">Every graded item: what the grader extracted from the model's answer and the rule that ` +
    `decided (a marker such as "Answer:", a self-correction, the first or last statement, a JSON object, a count). Click an item for its expected ` +
    `answer and the model's output, shown as text.</p>${blocks.join('')}</section>`
  );
}
