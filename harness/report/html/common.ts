import { verdictLabel } from '../../budgets/budget.ts';
import { bandText, bandsFor, type BandSet } from '../../budgets/bands.ts';
import { metricDefinition } from '../../budgets/catalogue.ts';
import type { Verdict } from '../../measurement/schema.ts';
import { formatFigure, formatFixed } from '../../units.ts';
import type { CellReport } from '../model.ts';
import { escapeHtml } from '../escape.ts';

export { escapeHtml };

export const SYMBOL: Record<Verdict['op'], string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };

export function usedText(used: number | null): string {
  if (used === null) return '—';
  return used > 0 && used < 0.01 ? '<1 %' : `${Math.round(used * 100)} %`;
}

export function budgetText(v: Verdict): string {
  const used = v.used === null ? '' : `, ${usedText(v.used)} of budget used`;
  const ci = v.ci ? `, ${Math.round(v.ci.level * 100)} % CI ${formatFixed(v.ci.low)}–${formatFixed(v.ci.high)}` : '';
  return `${verdictLabel(v)} ${SYMBOL[v.op]} ${v.limit} ${v.unit}: ${v.status}${v.value === null ? ` (${v.reason ?? 'no value'})` : used}${ci}`;
}

/** "95 % " (the configured level as the intervals carry it), "" when none has an interval: for "… CI" labels. */
export function levelPrefix(withCi: readonly { ci?: { level: number } }[]): string {
  const levels = [...new Set(withCi.flatMap((v) => (v.ci ? [Number((v.ci.level * 100).toPrecision(4))] : [])))].sort((a, b) => a - b);
  return levels.length === 0 ? '' : `${levels.join(' / ')} % `;
}

export function label(profile: string, metric: string): string {
  const d = metricDefinition(profile, metric);
  if (!d) return escapeHtml(metric);
  return d.unit === 'score' ? escapeHtml(d.label) : `${escapeHtml(d.label)} <small>${escapeHtml(d.unit)}</small>`;
}

/** A figure with its real-world meaning, when the metric registry gives it bands (of `bands`, default the design's). */
export function figure(profile: string, metric: string, value: number | null | undefined, bands: BandSet = 'design'): string {
  const d = metricDefinition(profile, metric);
  // Flags are stored as 0/1 so budgets can judge them; a person reads yes/no.
  if (d?.flag && (value === 0 || value === 1)) return value === 1 ? 'yes' : 'no';
  const meaning = bandText(bandsFor(d, bands), value);
  return `${escapeHtml(formatFigure(value, d?.unit))}${meaning ? ` <small class="means">${escapeHtml(meaning)}</small>` : ''}`;
}

export function anchor(c: CellReport): string {
  return `${c.profile}-${c.cell.slug}`;
}

export function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
