import type { BenchConfig } from '../config/schema.ts';
import { compareRuns } from './compare.ts';
import { KNOB_EFFECT_METHOD, knobEffects } from '../analysis/knobs.ts';
import { degradation } from './degradation.ts';
import type { RunReport } from './model.ts';
import { rateCell } from './ratings.ts';
import { gradedQuants, interpretQuality } from './quality-interpretation.ts';
import { qualityDistribution } from './quality-distribution.ts';
import { SCORE_FORMULAS, cellScores, recommend, selectionMinimums } from './recommend.ts';

/**
 * The decisions a report carries, computed from its cells and the run's config: ratings, quality degradation,
 * recommendations and scores. Pure; the reporter and `npm run report` both call it, so a regenerated report
 * reflects the current decision rules.
 */
export function enrichReport(report: RunReport, config: BenchConfig, baseline?: RunReport): RunReport {
  const profiles = config.profiles as Record<string, { critical?: string[] }>;
  const cells = report.cells.map((c) => {
    if (c.state === 'skipped') return c;
    const rated = rateCell(c.verdicts, profiles[c.profile]?.critical ?? [], c.state === 'completed');
    return { ...c, rating: rated.rating, ratingReason: rated.reason };
  });
  const out: RunReport = { ...report, cells };
  const threshold = config.profiles.quality.degradation_threshold_points;
  if (cells.some((c) => c.profile === 'quality')) {
    const rows = degradation(cells, threshold);
    const { safe_retention_pct: safeRetentionPct, floor_pct: floorPct } = config.interpretation;
    out.quality = {
      thresholdPoints: threshold,
      degradation: rows,
      interpretation: interpretQuality(rows, gradedQuants(cells), { safeRetentionPct, floorPct }),
      distribution: qualityDistribution(cells),
    };
  }
  out.bands = config.interpretation.bands;
  out.decisions = { recommendations: recommend(cells, config.selection.weights, selectionMinimums(config.selection)), scores: cellScores(cells), formulas: SCORE_FORMULAS };
  const effects = knobEffects(cells, config.verdicts.confidence);
  if (effects.length > 0) out.knobEffects = { method: KNOB_EFFECT_METHOD, level: config.verdicts.confidence, effects };
  if (baseline) out.comparison = compareRuns(out, baseline);
  return out;
}
