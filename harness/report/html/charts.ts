import { paretoFront } from '../../analysis/pareto.ts';
import { verdictFor } from '../../budgets/catalogue.ts';
import { quantBits } from '../degradation.ts';
import { overallVerdict, type CellReport } from '../model.ts';
import { candidates } from '../select.ts';
import { heatMap, lineChart, paretoChart, percentileChart, type Series } from '../svg.ts';
import type { ProfileChart } from '../../profiles/define-profile.ts';
import { escapeHtml, titleCase } from './common.ts';

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
  return paretoChart({ points, front: paretoFront(points), xLabel: 'decode tok/s (interactive)', yLabel: 'overall quality score' });
}

/** One line per completed cell from a series table the profile recorded (see `series` in the measurement). */
function seriesLines(cells: CellReport[], table: string, x: string, y: string): Series[] {
  return cells
    .filter((c) => c.state === 'completed' && c.measurement?.series?.[table])
    .map((c) => ({
      label: c.cell.id,
      points: c.measurement!.series![table]!.flatMap((row) => (typeof row[x] === 'number' && typeof row[y] === 'number' ? [{ x: row[x], y: row[y] }] : [])),
    }))
    .filter((s) => s.points.length > 0);
}

function chartOf(cells: CellReport[], table: string, x: string, y: string, xLabel: string, yLabel: string, limit?: { y: number; label: string }): string {
  const series = seriesLines(cells, table, x, y);
  // Small multiples: two or three side by side, one quantity each, the cells as lines.
  return series.length === 0 ? '' : lineChart({ series, xLabel, yLabel, width: 440, height: 220, ...(limit ? { limit } : {}) });
}

/** A block of series charts a profile declared (its definition's `charts`): the curve, the per-document times, the timeline. */
export function seriesBlock(block: Extract<ProfileChart, { kind: 'block' }>, cells: CellReport[]): string {
  const limitOf = (metric: string | undefined) => {
    const limit = metric ? verdictFor(cells[0]?.profile ?? '', metric, cells.flatMap((c) => c.verdicts))?.limit : undefined;
    return limit === undefined ? undefined : { y: limit, label: `budget ${limit}` };
  };
  const drawn = block.charts.map((c) => chartOf(cells, c.table, c.x, c.y, c.xLabel, c.yLabel, limitOf(c.limitOf))).filter(Boolean);
  return drawn.length === 0 ? '' : `<h3>${escapeHtml(block.title)}</h3><p class="note">${escapeHtml(block.note)}</p><div class="charts">${drawn.join('')}</div>`;
}
