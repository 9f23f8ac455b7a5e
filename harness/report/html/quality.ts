import { formatFixed } from '../../units.ts';
import type { RunReport } from '../model.ts';
import { histogramChart } from '../svg.ts';
import { escapeHtml, label } from './common.ts';

/** Per model × context: a sentence per quantization and the safe levels per use (model-free text, escaped all the same). */
export function qualityInterpretationSection(report: RunReport): string {
  const q = report.quality?.interpretation;
  if (!q || q.groups.length === 0) return '';
  const groups = q.groups.map((g) => {
    const sentences = g.quants.map((x) => `<li class="${x.baseline ? '' : x.safeFor.includes('all') ? 'pass' : x.safeFor.length ? 'inconclusive' : 'fail'}">${escapeHtml(x.sentence)}</li>`).join('');
    const safe = g.safe
      .map((s) => `<tr><td>${escapeHtml(s.title)}</td><td>${s.quants.length ? escapeHtml(s.quants.join(', ')) : '—'}${s.note ? ` <small>${escapeHtml(s.note)}</small>` : ''}</td></tr>`)
      .join('');
    return (
      `<h4>${escapeHtml(`${g.model} c${g.ctx}`)} <small>baseline ${escapeHtml(g.baselineQuant)}</small></h4><ul class="interpretation">${sentences}</ul>` +
      `<table class="safe-quants"><tr><th>use</th><th>safe quantization levels</th></tr>${safe}</table>`
    );
  });
  const weights = q.uses.map((u) => `${u.title}: ${Object.entries(u.weights).map(([c, w]) => `${c.replaceAll('_', ' ')} ×${w}`).join(', ')}`).join('; ');
  return (
    `<h3>What the quality loss means</h3><p class="note">Share of the baseline's score each quantization keeps (free-form answers). Safe for a use: ` +
    `the weighted share over the categories it relies on is at least ${escapeHtml(q.safeRetentionPct)} % and none of them is below ${escapeHtml(q.floorPct)} %; ` +
    `a category not measured on both sides, or where the baseline scored 0, is never safe. Uses and weights: ${escapeHtml(weights)}.</p>${groups.join('')}`
  );
}

/** Per graded cell, each category's item-score histogram with its mean and minimum beside it. */
export function qualityDistributionSection(report: RunReport): string {
  const d = report.quality?.distribution;
  if (!d || d.length === 0) return '';
  const cells = [...new Set(d.map((x) => x.cellId))];
  const blocks = cells.map((id) => {
    const charts = d
      .filter((x) => x.cellId === id)
      .map((x) => {
        const stats = `mean ${x.mean === null ? '—' : formatFixed(x.mean)} · min ${x.min === null ? '—' : formatFixed(x.min)} · n ${x.n}${x.errored ? ` · ${x.errored} without an answer` : ''}${x.outOfRange ? ` · ${x.outOfRange} outside 0–1` : ''}`;
        return `<figure class="spark"><figcaption>${label('quality', x.metric)}<small class="means">${escapeHtml(stats)}</small></figcaption>${histogramChart({ bins: x.bins, title: x.metric, mean: x.mean, min: x.min })}</figure>`;
      });
    return `<h4>${escapeHtml(id)}</h4><div class="charts">${charts.join('')}</div>`;
  });
  return `<h3>Score distribution per category</h3><p class="note">Item scores in ten bins of 0.1; the dashed line is the category's mean, the red marker its lowest item. Items that got no answer are counted apart, never as a zero.</p>${blocks.join('')}`;
}
