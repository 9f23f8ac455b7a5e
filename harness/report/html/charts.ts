import { quantBits } from '../degradation.ts';
import { overallVerdict, type CellReport } from '../model.ts';
import { candidates } from '../select.ts';
import { heatMap, paretoChart, percentileChart } from '../svg.ts';
import { titleCase } from './common.ts';

/**
 * Verdicts at a glance, one map per profile: rows are model × quantization (highest precision first), columns
 * threads × context × priority.
 */
export function verdictHeatMap(profile: string, cells: CellReport[]): string {
  const rowKey = (c: CellReport) => `${c.cell.model} ${c.cell.quant}`;
  const colKey = (c: CellReport) => `t${c.cell.threads} c${c.cell.ctx} ${c.cell.priority}`;
  const rows = [...new Map(cells.map((c) => [rowKey(c), c])).values()]
    .sort((a, b) => a.cell.model.localeCompare(b.cell.model) || quantBits(b.cell.quant) - quantBits(a.cell.quant))
    .map(rowKey);
  const columns = [...new Map(cells.map((c) => [colKey(c), c])).values()]
    .sort((a, b) => a.cell.threads - b.cell.threads || a.cell.ctx - b.cell.ctx || a.cell.priority.localeCompare(b.cell.priority))
    .map(colKey);
  return heatMap({
    title: `${titleCase(profile)}: verdict per cell`,
    rowLabels: rows,
    columnLabels: columns,
    cells: cells.map((c) => {
      const v = overallVerdict(c);
      const text = c.state === 'skipped' ? 'dup' : (c.rating ?? v);
      return {
        row: rows.indexOf(rowKey(c)),
        column: columns.indexOf(colKey(c)),
        status: v,
        text,
        tooltip: `${c.cell.id}: ${v}${c.ratingReason ? `, ${c.ratingReason}` : ''}${c.error ? `, ${c.error.split('\n')[0]}` : ''}`,
      };
    }),
  });
}

export function latencyChart(cells: CellReport[], limit: number | undefined): string {
  const rows = cells
    .filter((c) => c.state === 'completed')
    .map((c) => ({ label: c.cell.id, p50: c.metrics.latency_p50_s?.value ?? null, p95: c.metrics.latency_p95_s?.value ?? null, p99: c.metrics.latency_p99_s?.value ?? null }));
  if (rows.length === 0) return '';
  return percentileChart({ rows, unit: 's', ...(limit !== undefined ? { limit: { y: limit, label: `p95 budget ${limit} s` } } : {}) });
}

/** Quality against speed, with the Pareto front: the cells no other cell beats on both. */
export function qualitySpeedChart(cells: CellReport[]): string {
  const points = candidates(cells)
    .map((c) => ({ label: c.cellId, x: c.figures.get('interactive.decode_tps_mean'), y: c.figures.get('quality.score_overall') }))
    .filter((p): p is { label: string; x: number; y: number } => p.x !== undefined && p.y !== undefined);
  if (points.length === 0) return '';
  return paretoChart({ points, xLabel: 'decode tok/s (interactive)', yLabel: 'overall quality score' });
}
