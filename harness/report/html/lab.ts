// The behaviour lab's report views: the middleware comparison (the same cell under each preset: tokens, prefill,
// quality), the prefill/decode crossover chart, and the temperature variability table. Pure: report data in, HTML out.
import { withoutMiddleware } from '../../middleware/cells.ts';
import { formatFixed } from '../../units.ts';
import type { CellReport } from '../model.ts';
import { lineChart, type Series } from '../svg.ts';
import { escapeHtml } from './common.ts';

const fx = (v: number | null | undefined, digits?: number) => escapeHtml(v === null || v === undefined ? '—' : digits !== undefined ? v.toFixed(digits) : formatFixed(v));
const metric = (c: CellReport, name: string) => {
  const m = c.metrics[name];
  if (!m) return '<td class="num skipped">—</td>';
  if (m.status !== 'ok') return `<td class="num ${m.status === 'error' ? 'error' : 'skipped'}" title="${escapeHtml(m.reason ?? m.status)}">${escapeHtml(m.status)}</td>`;
  return `<td class="num">${fx(m.value)}</td>`;
};

/** The quality figure a profile's middleware comparison shows beside the cost: its overall score or lowest-temperature pass rate. */
function qualityOf(c: CellReport): string {
  if (c.metrics.score_overall) return 'score_overall';
  return Object.keys(c.metrics).filter((k) => k.startsWith('pass_rate_t')).sort()[0] ?? 'score_overall';
}

export function middlewareSection(cells: readonly CellReport[]): string {
  const measured = cells.filter((c) => c.state === 'completed' && c.metrics.injected_tokens_mean);
  if (measured.length === 0) return '';
  const groups = new Map<string, CellReport[]>();
  for (const c of measured) groups.set(withoutMiddleware(c.cell), [...(groups.get(withoutMiddleware(c.cell)) ?? []), c]);
  const rows = [...groups.entries()].flatMap(([base, group]) => {
    const none = group.find((c) => (c.cell.middleware ?? 'none') === 'none');
    return group.map((c) => {
      const q = qualityOf(c);
      const delta = (name: string) => {
        const a = c.metrics[name]?.value;
        const b = none?.metrics[name]?.value;
        return none && none !== c && typeof a === 'number' && typeof b === 'number' ? ` <small>(${a - b >= 0 ? '+' : ''}${fx(a - b, 3)} vs none)</small>` : '';
      };
      return (
        `<tr><td class="id">${escapeHtml(base)}</td><td><b>${escapeHtml(c.cell.middleware ?? 'none')}</b></td>` +
        metric(c, 'prompt_tokens_mean') + metric(c, 'original_tokens_mean') + metric(c, 'injected_tokens_mean') + metric(c, 'template_tokens_mean') +
        metric(c, 'injected_share_pct') + metric(c, 'injected_prefill_ms_mean') + metric(c, 'thinking_tokens_mean') +
        `${metric(c, q).replace('</td>', `${delta(q)}</td>`)}<td>${escapeHtml(q)}</td></tr>`
      );
    });
  });
  return (
    `<h3>Middleware comparison</h3><p class="note">Each request's prompt counted by source with the server's /tokenize: the original prompt, the tokens the ` +
    `middleware preset injected (system prompt, conversation context, prepend/append), and the rest of the server's own count, which the chat ` +
    `template adds. Prefill time is shared out in proportion to tokens. Quality beside it, against the same cell without middleware.</p>` +
    `<table class="middleware"><thead><tr><th>cell</th><th>preset</th><th>prompt tokens</th><th>original</th><th>injected</th><th>template</th>` +
    `<th>injected share %</th><th>injected prefill ms</th><th>reasoning tokens</th><th>quality</th><th>figure</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

export function crossoverSection(cells: readonly CellReport[]): string {
  const drawn = cells
    .filter((c) => c.state === 'completed' && c.measurement?.series?.steps)
    .map((c) => {
      const steps = c.measurement!.series!.steps!;
      const crossing = c.measurement!.series!.crossing?.[0];
      const line = (y: string, label: string): Series => ({
        label,
        points: steps.flatMap((r) => (typeof r.prompt_tokens === 'number' && typeof r[y] === 'number' ? [{ x: r.prompt_tokens, y: r[y] as number }] : [])),
      });
      const prefill = line('prefill_s', 'prefill (s)');
      const series = [prefill, line('decode_s', 'decode (s)')];
      let caption: string;
      if (crossing && typeof crossing.tokens === 'number') {
        // The mark: the crossing on the prefill curve, interpolated between its two neighbouring steps.
        const x = crossing.tokens;
        const pts = prefill.points;
        const i = pts.findIndex((p) => p.x >= x);
        const y = i <= 0 ? pts[0]?.y : pts[i - 1]!.y + ((pts[i]!.y - pts[i - 1]!.y) * (x - pts[i - 1]!.x)) / (pts[i]!.x - pts[i - 1]!.x);
        const interval = `[${crossing.low ?? '…'}, ${crossing.high ?? '…'}]`;
        if (y !== undefined) series.push({ label: `crossover ≈ ${x.toFixed(0)} tokens ${interval}`, points: [{ x, y }] });
        const steps = typeof crossing.step_below === 'number' ? ` (between the ${crossing.step_below}- and ${crossing.step_above}-token steps)` : '';
        const open = crossing.low === null || crossing.high === null ? '; "…": no step on that side is clearly past the crossing at this many repetitions' : '';
        caption = `prefill overtakes decode at ≈ <b>${escapeHtml(x.toFixed(0))}</b> prompt tokens${escapeHtml(steps)}, interval ${escapeHtml(interval)}${escapeHtml(open)}`;
      } else {
        caption = escapeHtml(c.metrics.crossover_prompt_tokens?.reason ?? 'no crossover within the ladder');
      }
      return `<figure><figcaption><b>${escapeHtml(c.cell.id)}</b>: <span class="crossover">${caption}</span></figcaption>${lineChart({ series, xLabel: 'prompt tokens', yLabel: 'time per request (s)', width: 520, height: 240 })}</figure>`;
    });
  if (drawn.length === 0) return '';
  return `<h3>Prefill/decode crossover</h3><p class="note">Prefill and decode time per request as the prompt grows at a fixed answer length; the point marks where prefill starts to take longer than decode, with the ladder steps that bound it.</p><div class="charts">${drawn.join('')}</div>`;
}

const VARIABILITY_COLUMNS: [string, string, number | undefined][] = [
  ['temperature', 'temperature', undefined],
  ['runs', 'answers', 0],
  ['distinct_1', 'distinct-1', 3],
  ['distinct_2', 'distinct-2', 3],
  ['edit_distance', 'pairwise edit distance', 3],
  ['length_mean', 'length mean (tokens)', 1],
  ['length_sd', 'length sd', 2],
  ['tps_mean', 'tok/s mean', 1],
  ['tps_cv', 'tok/s CV', 3],
  ['pass_rate', 'graded pass rate', 2],
  ['graded', 'graded answers', 0],
];

export function variabilitySection(cells: readonly CellReport[]): string {
  const tables = cells
    .filter((c) => c.state === 'completed' && c.measurement?.series?.temperatures)
    .map((c) => {
      const rows = c.measurement!.series!.temperatures!.map((r) => `<tr>${VARIABILITY_COLUMNS.map(([k, , d]) => `<td class="num">${fx(r[k], d)}</td>`).join('')}</tr>`);
      return `<h4>${escapeHtml(c.cell.id)}</h4><table class="variability"><thead><tr>${VARIABILITY_COLUMNS.map(([, h]) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
    });
  if (tables.length === 0) return '';
  return `<h3>Temperature variability</h3><p class="note">Each prompt run several times per temperature with distinct seeds. Distinct-n: distinct word n-grams over all n-grams of one prompt's answers (averaged over prompts); edit distance: character Levenshtein distance of each pair of answers ÷ the longer one (0 identical, 1 nothing shared).</p>${tables.join('')}`;
}
