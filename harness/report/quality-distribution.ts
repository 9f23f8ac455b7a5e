// The spread behind a quality mean: per graded cell and category, the minimum item score and a histogram of the
// item scores, read from the `item_scores.<metric>` series the quality workload records (one row per item). Pure.
import { z } from 'zod';

/** The series prefix: `item_scores.score_math` holds the items of `score_math` (rows {score, weight}; score null: no answer). */
export const ITEM_SCORES_PREFIX = 'item_scores.';
/** Ten bins of 0.1 over [0, 1]; a score of exactly 1 falls in the last. */
export const SCORE_BINS = 10;

export const qualityDistributionSchema = z.object({
  cellId: z.string(),
  model: z.string(),
  quant: z.string(),
  ctx: z.number(),
  metric: z.string(),
  /** Items graded, and items that got no answer (an error: in no bin, and not a zero). */
  n: z.number(),
  errored: z.number(),
  /** The category's score as the cell reports it (the weighted mean); null when that metric is not ok. */
  mean: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Item counts per bin [i/10, (i+1)/10); the last bin is closed at 1. */
  bins: z.array(z.number()),
  /** Scores outside [0, 1] (a grader bug): counted here, never folded into an edge bin. */
  outOfRange: z.number(),
});
export type QualityDistribution = z.infer<typeof qualityDistributionSchema>;

interface CellLike {
  profile: string;
  state: string;
  cell: { id: string; model: string; quant: string; ctx: number };
  metrics: Record<string, { status: string; value: number | null }>;
  measurement?: { series?: Record<string, Record<string, number | null>[]> } | undefined;
}

/** The bin of a score in [0, 1], or null outside it. */
export function scoreBin(score: number): number | null {
  if (!Number.isFinite(score) || score < 0 || score > 1) return null;
  return Math.min(SCORE_BINS - 1, Math.floor(score * SCORE_BINS + 1e-9));
}

/** One entry per completed quality cell and recorded category series, in cell then metric order. */
export function qualityDistribution(cells: readonly CellLike[]): QualityDistribution[] {
  const out: QualityDistribution[] = [];
  for (const c of cells) {
    if (c.profile !== 'quality' || c.state !== 'completed') continue;
    const series = c.measurement?.series ?? {};
    for (const name of Object.keys(series).filter((k) => k.startsWith(ITEM_SCORES_PREFIX)).sort()) {
      const metric = name.slice(ITEM_SCORES_PREFIX.length);
      const rows = series[name]!;
      const scores = rows.map((r) => r.score).filter((s): s is number => typeof s === 'number');
      const bins = new Array<number>(SCORE_BINS).fill(0);
      let outOfRange = 0;
      for (const s of scores) {
        const b = scoreBin(s);
        if (b === null) outOfRange++;
        else bins[b]!++;
      }
      const m = Object.hasOwn(c.metrics, metric) ? c.metrics[metric] : undefined;
      out.push({
        cellId: c.cell.id,
        model: c.cell.model,
        quant: c.cell.quant,
        ctx: c.cell.ctx,
        metric,
        n: scores.length,
        errored: rows.length - scores.length,
        mean: m?.status === 'ok' ? m.value : null,
        min: scores.length ? scores.reduce((a, s) => (s < a ? s : a), Infinity) : null,
        max: scores.length ? scores.reduce((a, s) => (s > a ? s : a), -Infinity) : null,
        bins,
        outOfRange,
      });
    }
  }
  return out;
}
