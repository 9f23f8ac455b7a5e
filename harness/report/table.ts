import { KEY_METRICS, isProfileName, metricDefinition } from '../budgets/catalogue.ts';
import { formatFigure } from '../units.ts';
import { overallVerdict, sortCells, type RunReport } from './model.ts';

/** A compact markdown table per profile, like llama-bench's output: cell × key metrics × verdict. */
export function terminalTable(report: RunReport): string {
  const out: string[] = [];
  const profiles = [...new Set(report.cells.map((c) => c.profile))].sort();
  for (const profile of profiles) {
    const cells = sortCells(report.cells.filter((c) => c.profile === profile));
    const keys = isProfileName(profile) ? KEY_METRICS[profile] : [];
    const header = ['cell', ...keys.map((k) => {
      const d = metricDefinition(profile, k);
      if (!d) return k;
      return d.unit === 'score' ? d.label : `${d.label} (${d.unit === '% of machine' ? '%' : d.unit})`;
    }), 'verdict'];
    const rows = cells.map((c) => {
      const v = overallVerdict(c);
      const budgets = v === 'fail' ? `FAIL ${c.counts.fail}/${c.verdicts.length}` : v === 'error' ? 'ERROR' : v;
      const verdict = c.rating ? `${c.rating} (${budgets})` : budgets;
      return [c.cell.id, ...keys.map((k) => formatFigure(c.metrics[k]?.value, c.metrics[k]?.unit)), verdict];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => `| ${r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
    out.push(`\n${profile}`, line(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line));
  }
  return out.join('\n');
}
