import type { KnobComparison } from '../../analysis/knobs.ts';
import { levelText } from '../../budgets/budget.ts';
import type { RunReport } from '../model.ts';
import { escapeHtml } from './common.ts';

const num = (x: number) => String(Number(x.toPrecision(3)));

function row(c: KnobComparison): string {
  const cls = c.status === 'unresolved' ? 'inconclusive' : c.status === 'lower' ? 'pass' : 'fail';
  const pairs = c.pairs.map((p) => `${p.cellA}: ${num(p.valueA)} vs ${p.cellB}: ${num(p.valueB)} (×${num(p.ratio)})`).join('\n');
  return (
    `<tr><td class="id">${escapeHtml(c.label)}</td><td class="id">${escapeHtml(c.a)} <small class="means">vs ${escapeHtml(c.b)}</small></td>` +
    `<td class="num" title="${escapeHtml(pairs)}">${c.pairs.length}</td><td class="num">${c.ratio === null ? '—' : `×${escapeHtml(num(c.ratio))}`}</td>` +
    `<td>${c.ci ? `${escapeHtml(num(c.ci.low))} – ${escapeHtml(num(c.ci.high))}` : 'no interval'}</td>` +
    `<td class="${cls}">${escapeHtml(c.status)}</td><td class="small">${escapeHtml(c.note)}</td></tr>`
  );
}

/** Spike-taming knobs: per varying knob axis and profile, its paired effect on the spike figures and the sentence. */
export function knobSection(report: RunReport): string {
  const k = report.knobEffects;
  if (!k || k.effects.length === 0) return '';
  const level = levelText(k.level);
  const blocks = k.effects.map(
    (e) =>
      `<h3 id="knob-${escapeHtml(e.profile)}-${escapeHtml(e.knob)}">${escapeHtml(e.knob)} in ${escapeHtml(e.profile)} <small class="means">${escapeHtml(e.values.join(', '))}</small></h3>` +
      `<p class="answer${e.tamer ? '' : ' none'}">${escapeHtml(e.conclusion)}</p>` +
      `<table><thead><tr><th>figure</th><th>A vs B</th><th>pairs</th><th>A over B <small>geometric mean</small></th><th>${escapeHtml(level)} CI</th><th>effect of A</th><th>why</th></tr></thead>` +
      `<tbody>${e.comparisons.map(row).join('')}</tbody></table>` +
      (e.unpaired.length ? `<p class="note">Without a partner differing in ${escapeHtml(e.knob)} alone: ${escapeHtml(e.unpaired.join('; '))}.</p>` : ''),
  );
  return (
    `<section id="knob-effects"><h2>Spike-taming knobs</h2><p class="note">Each knob against its other settings, on cells identical but for that knob. ` +
    `Lower CPU p99 and a lower latency p99/p50 mean fewer spikes. Method: ${escapeHtml(k.method)}; ${escapeHtml(level)} intervals.</p>${blocks.join('')}</section>`
  );
}
