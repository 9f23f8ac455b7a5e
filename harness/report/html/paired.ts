import type { PairedComparison } from '../../analysis/paired.ts';
import { levelText } from '../../budgets/budget.ts';
import { formatFixed } from '../../units.ts';
import { escapeHtml } from './common.ts';

const signed = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${formatFixed(x)}`);
const range = (ci: { low: number; high: number } | undefined) => (ci ? `${signed(ci.low)} to ${signed(ci.high)}` : 'no interval');

/** The invisibility profile's paired comparisons: each pair's difference with its interval and why it came out so. */
export function pairedSection(comparisons: readonly PairedComparison[] | undefined): string {
  if (!comparisons || comparisons.length === 0) return '';
  return comparisons
    .map((c) => {
      const level = levelText(c.level);
      const cells = c.cells
        .map(
          (x) =>
            `<tr><td class="id">${escapeHtml(x.cell)}</td><td class="num">${escapeHtml(signed(x.slowdownPct))} %</td><td>${escapeHtml(range(x.slowdownCi))}</td>` +
            `<td class="num">${escapeHtml(formatFixed(x.probeCpuSharePct))} %</td><td class="num">${escapeHtml(x.serverCpuPct === null ? '—' : `${formatFixed(x.serverCpuPct)} %`)}</td>` +
            `<td class="num">${escapeHtml(formatFixed(x.latenessP99Ms))}</td></tr>`,
        )
        .join('');
      const pairs = c.pairs
        .map(
          (p) =>
            `<tr><td class="id">${escapeHtml(p.a)} <small class="means">vs ${escapeHtml(p.b)}</small></td><td>${escapeHtml(p.axis)}</td>` +
            `<td class="num ${p.status === 'resolved' ? 'fail' : 'inconclusive'}">${escapeHtml(signed(p.differencePct))} %</td><td>${escapeHtml(range(p.differenceCi))}</td>` +
            `<td class="num" title="${escapeHtml(p.latenessDiffCi ? `${level} CI ${range(p.latenessDiffCi)} ms` : '')}">${escapeHtml(signed(p.latenessDiffMs))} ms</td><td>${escapeHtml(p.status)}${p.roundsToResolve ? escapeHtml(p.roundsToResolve >= 1000 ? ' (> 1000 rounds)' : ` (≈ ${p.roundsToResolve} rounds)`) : ''}</td>` +
            `<td>${escapeHtml(p.explanation)}</td></tr>`,
        )
        .join('');
      const load = c.loadAverage ? ` Load average ${c.loadAverage.start.toFixed(1)} → ${c.loadAverage.end.toFixed(1)}.` : '';
      return (
        `<h3>Paired comparison: ${escapeHtml(c.group)}</h3><p class="note">Method: ${escapeHtml(c.method)}; ${escapeHtml(level)} intervals. ` +
        `${c.rounds} rounds: ${escapeHtml(c.stopReason)}.${escapeHtml(load)}</p>` +
        `<table><thead><tr><th>cell</th><th>slowdown</th><th>${escapeHtml(level)} CI</th><th>probe's CPU <small>% of a core</small></th><th>server CPU <small>% of a core</small></th><th>lateness p99 <small>ms</small></th></tr></thead><tbody>${cells}</tbody></table>` +
        `<table><thead><tr><th>A vs B</th><th>axis</th><th>foreground time, A over B</th><th>${escapeHtml(level)} CI</th><th>lateness p99, A − B</th><th>status</th><th>why</th></tr></thead><tbody>${pairs}</tbody></table>`
      );
    })
    .join('');
}
