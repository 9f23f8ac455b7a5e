import { verdictLabel } from '../budgets/budget.ts';
import type { Rating, Verdict } from '../measurement/schema.ts';

export { RATINGS, type Rating } from '../measurement/schema.ts';

/** Headroom every budget must keep for a rating: 50 % for excellent, 20 % for good. */
export const RATING_HEADROOM = { excellent: 0.5, good: 0.2 } as const;

/**
 * Headroom as a share of the limit: (limit − value) / limit for an upper limit, (value − limit) / limit for a
 * lower one. A passed budget at a limit of 0 ("no swap growth") is all-or-nothing: full headroom.
 */
export function headroom(v: Verdict): number | null {
  if (v.value === null || v.margin === null) return null;
  if (v.limit === 0) return v.status === 'pass' ? 1 : 0;
  return v.margin / Math.abs(v.limit);
}

export interface CellRating {
  rating: Rating;
  reason: string;
}

/**
 * excellent: every budget met with ≥ 50 % headroom; good: ≥ 20 %; acceptable: every judged budget met, but with
 * little headroom, or with some inconclusive; poor: some missed, none critical; failed: a critical budget missed,
 * or the cell did not run. Inconclusive and skipped budgets are never met: an inconclusive one caps the cell at
 * acceptable, a skipped one (not judged at all) keeps it from excellent, and the reason names them.
 */
export function rateCell(verdicts: readonly Verdict[], critical: readonly string[], ran: boolean): CellRating {
  if (!ran) return { rating: 'failed', reason: 'the cell did not run to completion' };
  const judged = verdicts.filter((v) => v.status !== 'skipped');
  if (judged.length === 0) return { rating: 'not rated', reason: 'no budget could be judged' };
  const missed = judged.filter((v) => v.status === 'fail' || v.status === 'error');
  const criticalMissed = missed.filter((v) => critical.includes(v.metric));
  if (criticalMissed.length > 0) return { rating: 'failed', reason: `missed critical budget: ${labels(criticalMissed)}` };
  if (missed.length > 0) return { rating: 'poor', reason: `missed: ${labels(missed)}` };
  const skipped = verdicts.filter((v) => v.status === 'skipped');
  const notJudged = skipped.length > 0 ? `; not judged: ${labels(skipped)}` : '';
  const inconclusive = judged.filter((v) => v.status === 'inconclusive');
  if (inconclusive.length > 0) {
    const criticalOnes = inconclusive.filter((v) => critical.includes(v.metric));
    const which = criticalOnes.length > 0 ? `critical budget inconclusive: ${labels(criticalOnes)}` : `inconclusive: ${labels(inconclusive)}`;
    return { rating: 'acceptable', reason: `${which}${notJudged}` };
  }
  const tightest = judged.reduce((a, v) => ((headroom(v) ?? 0) < (headroom(a) ?? 0) ? v : a));
  const least = headroom(tightest) ?? 0;
  const why = `least headroom ${Math.round(least * 100)} % (${tightest.label})${notJudged}`;
  if (least >= RATING_HEADROOM.excellent && skipped.length === 0) return { rating: 'excellent', reason: why };
  if (least >= RATING_HEADROOM.good) return { rating: 'good', reason: why };
  return { rating: 'acceptable', reason: why };
}

function labels(vs: readonly Verdict[]): string {
  return vs.map((v) => verdictLabel(v)).join(', ');
}
