import { quantBits } from '../degradation.ts';
import type { CellReport, RunReport } from '../model.ts';
import { scatterChart } from '../svg.ts';
import { escapeHtml } from './common.ts';

type ChartPoint = { x: number; y: number; label: string };

/** The model file size of a cell, in GB (10⁹ bytes), from the run's model files; undefined when the run has none. */
function sizeGb(report: RunReport, c: CellReport): number | undefined {
  const f = report.modelFiles?.find((m) => m.model === c.cell.model && m.quant === c.cell.quant);
  return f ? f.bytes / 1e9 : undefined;
}

const ok = (c: CellReport, metric: string): number | undefined => {
  const m = c.metrics[metric];
  return c.state === 'completed' && m?.status === 'ok' && m.value !== null && Number.isFinite(m.value) ? m.value : undefined;
};

function grouped(points: (ChartPoint & { group: string })[]): { label: string; points: ChartPoint[] }[] {
  const groups = new Map<string, ChartPoint[]>();
  for (const { group, ...p } of points) groups.set(group, [...(groups.get(group) ?? []), p]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, pts]) => ({ label, points: pts }));
}

/** A chart, or the sentence saying why there is none (so a one-model run says so rather than drawing one dot). */
function chartOrReason(title: string, points: (ChartPoint & { group: string })[], distinctX: number, need: string, xLabel: string, yLabel: string, join: boolean): string {
  const body =
    points.length === 0
      ? `<p class="note">No chart: no cell of this run measured ${escapeHtml(yLabel)}.</p>`
      : distinctX < 2
        ? `<p class="note">No chart: ${escapeHtml(need)}.</p>`
        : scatterChart({ series: grouped(points), xLabel, yLabel, join });
  return `<div class="size-chart"><h4>${escapeHtml(title)}</h4>${body}</div>`;
}

/**
 * Three charts across the matrix: decode tokens/s and peak memory against the model file's size (a point per
 * cell, a colour per quantization), and quality score against quantization bits (a line per model).
 */
export function sizeChartsSection(report: RunReport): string {
  const cells = report.cells;
  const tps = cells.flatMap((c) => {
    const x = sizeGb(report, c);
    const y = c.profile === 'interactive' ? ok(c, 'decode_tps') : undefined;
    return x !== undefined && y !== undefined ? [{ x, y, label: c.cell.id, group: c.cell.quant }] : [];
  });
  // Peak RSS per cell id: the highest any profile saw.
  const rssByCell = new Map<string, ChartPoint & { group: string }>();
  for (const c of cells) {
    const x = sizeGb(report, c);
    const y = ok(c, 'rss_peak_mb');
    if (x === undefined || y === undefined) continue;
    const seen = rssByCell.get(c.cell.id);
    if (!seen || y > seen.y) rssByCell.set(c.cell.id, { x, y, label: `${c.cell.id} (${c.profile})`, group: c.cell.quant });
  }
  const rss = [...rssByCell.values()];
  const quality = cells.flatMap((c) => {
    const y = c.profile === 'quality' ? ok(c, 'score_overall') : undefined;
    return y !== undefined ? [{ x: quantBits(c.cell.quant), y, label: c.cell.id, group: c.cell.model }] : [];
  });
  const distinct = (ps: { x: number }[]) => new Set(ps.map((p) => p.x)).size;
  return (
    `<section><h2>Size and quantization</h2><p class="note">Each point is one cell; hover it for the cell and its figures. Model size is the GGUF file's size.</p>` +
    `<div class="charts">` +
    chartOrReason('Decode speed against model size', tps, distinct(tps), 'every measured cell uses a model file of the same size (one model and quantization)', 'model size (GB)', 'decode tok/s', false) +
    chartOrReason('Memory against model size', rss, distinct(rss), 'every measured cell uses a model file of the same size (one model and quantization)', 'model size (GB)', 'peak RSS (MB)', false) +
    chartOrReason('Quality against quantization', quality, distinct(quality), 'the quality profile graded one quantization level only', 'bits per weight', 'overall quality score', true) +
    `</div></section>`
  );
}
