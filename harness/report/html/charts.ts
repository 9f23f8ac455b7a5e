import { paretoFront } from '../../analysis/pareto.ts';
import { quantBits } from '../degradation.ts';
import { overallVerdict, type CellReport } from '../model.ts';
import { candidates } from '../select.ts';
import { heatMap, lineChart, paretoChart, percentileChart, type Series } from '../svg.ts';
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

/** Per-profile charts of what a profile measured along the way: the curve, the per-document times, the timeline. */
export function profileCharts(profile: string, cells: CellReport[]): string {
  const block = (title: string, note: string, charts: string[]) => {
    const drawn = charts.filter(Boolean);
    return drawn.length === 0 ? '' : `<h3>${title}</h3><p class="note">${note}</p><div class="charts">${drawn.join('')}</div>`;
  };
  if (profile === 'long-context') {
    const ttftLimit = cells.flatMap((c) => c.verdicts).find((v) => v.metric === 'ttft_s_at_max')?.limit;
    return block('Long-context curve', 'Each prompt size sent cold (TTFT, prefill speed) and repeated from the prompt cache (repeated TTFT). Sizes are capped by the context size and the model\'s trained context.', [
      chartOf(cells, 'ladder', 'tokens', 'ttft_s', 'prompt tokens', 'TTFT, cold (s)', ttftLimit !== undefined ? { y: ttftLimit, label: `budget ${ttftLimit} s` } : undefined),
      chartOf(cells, 'ladder', 'tokens', 'prefill_tps', 'prompt tokens', 'prefill tok/s'),
      chartOf(cells, 'ladder', 'tokens', 'decode_tps', 'prompt tokens', 'decode tok/s after the prompt'),
      chartOf(cells, 'ladder', 'tokens', 'cached_ttft_s', 'prompt tokens', 'TTFT, repeated prompt (s)'),
    ]);
  }
  if (profile === 'batch') {
    return block('Batch: time per document', 'Documents in order, as configured and again with --cache-ram 0; RSS after each document shows whether memory creeps up, and how much of it is the prompt cache.', [
      chartOf(cells, 'documents', 'doc', 'seconds', 'document', 'seconds per document'),
      chartOf(cells, 'documents', 'doc', 'rss_mb', 'document', 'RSS after the document (MB)'),
      chartOf(cells, 'documents', 'doc', 'rss_no_cache_mb', 'document', 'RSS with --cache-ram 0 (MB)'),
    ]);
  }
  if (profile === 'stress') {
    return block('Stress timeline', 'Vitals every interval of the soak. Temperature and frequency appear only where the machine has the sensors.', [
      chartOf(cells, 'timeline', 't_s', 'tps', 'seconds into the soak', 'tok/s'),
      chartOf(cells, 'timeline', 't_s', 'rss_mb', 'seconds into the soak', 'RSS (MB)'),
      chartOf(cells, 'timeline', 't_s', 'cpu_pct', 'seconds into the soak', 'CPU (% of machine)'),
      chartOf(cells, 'timeline', 't_s', 'temperature_c', 'seconds into the soak', 'CPU temperature (°C)'),
      chartOf(cells, 'timeline', 't_s', 'frequency_mhz', 'seconds into the soak', 'CPU frequency (MHz)'),
    ]);
  }
  if (profile === 'wake') {
    return block('Idle CPU by --poll level', 'Idle CPU of the server after one request, for each llama-server --poll level (0 sleeps while waiting, 100 busy-polls).', [
      chartOf(cells, 'poll', 'poll', 'idle_cpu_pct', '--poll level', 'idle CPU (% of machine)'),
    ]);
  }
  if (profile === 'concurrency') {
    return block('Concurrency scaling', 'N clients at once against N server slots.', [
      chartOf(cells, 'levels', 'clients', 'aggregate_tps', 'concurrent clients', 'aggregate tok/s'),
      chartOf(cells, 'levels', 'clients', 'latency_p95_s', 'concurrent clients', 'p95 latency (s)'),
    ]);
  }
  return '';
}
