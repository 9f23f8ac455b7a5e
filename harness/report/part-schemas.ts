// The zod schemas of the run report's analysed parts: quality degradation, decisions (recommendations and scores)
// and the comparison with a baseline run. A leaf: the report model composes them into the run report, and the
// modules that compute each part take their types from here, so neither imports the other's values.
import { z } from 'zod';

export const degradationRowSchema = z.object({
  model: z.string(),
  ctx: z.number(),
  baselineQuant: z.string(),
  quant: z.string(),
  metric: z.string(),
  /** How the answers were asked: free-form, or constrained to {"answer": …} by a JSON Schema; both sides use the same. */
  mode: z.enum(['free', 'constrained']).optional(),
  score: z.number(),
  baselineScore: z.number(),
  /** (score − baseline score) × 100: negative is a loss. */
  deltaPoints: z.number(),
  flagged: z.boolean(),
});
export type DegradationRow = z.infer<typeof degradationRowSchema>;

export const recommendationSchema = z.object({
  useCase: z.string(),
  title: z.string(),
  /**
   * `provisional`: the best cell missed no budget, but some of its budgets are inconclusive or skipped, so it is
   * not known to meet them; no cell met every budget outright.
   */
  status: z.enum(['recommended', 'provisional', 'none-passed', 'not-measured']),
  cellId: z.string().nullable(),
  runnerUp: z.string().nullable(),
  score: z.number().nullable(),
  /** Why: the winner's budgets with their headroom, its weighted figures, or why nothing qualified. */
  reasons: z.array(z.string()),
  ruledOut: z.array(z.object({ cellId: z.string(), because: z.string() })),
});
export type Recommendation = z.infer<typeof recommendationSchema>;

export const cellScoreSchema = z.object({ cellId: z.string(), efficiency: z.number().nullable(), costBenefit: z.number().nullable() });
export type CellScore = z.infer<typeof cellScoreSchema>;

export const comparisonRowSchema = z.object({
  cellId: z.string(),
  profile: z.string(),
  metric: z.string(),
  before: z.number(),
  after: z.number(),
  deltaPct: z.number().nullable(),
  /**
   * Worse than before by more than this run's confidence interval allows (only flagged where there is one, and
   * only for a metric the registry gives a better side).
   */
  regression: z.boolean(),
  improvement: z.boolean(),
});
export type ComparisonRow = z.infer<typeof comparisonRowSchema>;

export const comparisonSchema = z.object({ baselineRunId: z.string(), rows: z.array(comparisonRowSchema), unmatched: z.array(z.string()) });
export type Comparison = z.infer<typeof comparisonSchema>;
