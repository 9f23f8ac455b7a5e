// `--repeat N`: a cell's figures aggregated over its repetitions (computed by harness/matrix/repeat.ts), as the
// scoreboard and repeat-summary.json carry them.
import { z } from 'zod';

export const repeatFigureSchema = z.object({
  unit: z.string(),
  /** Repetitions that measured the figure (status ok). */
  n: z.number(),
  /** Each repetition's value in order, null where it measured none. */
  values: z.array(z.number().nullable()),
  status: z.enum(['ok', 'skipped', 'error']),
  /** Why no repetition measured it, or which did not. */
  reason: z.string().optional(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  /** Sample standard deviation (n − 1); null below two values. */
  sd: z.number().nullable(),
  /** sd ÷ |mean|; null below two values or when the mean is 0. */
  cv: z.number().nullable(),
  p5: z.number().nullable(),
  p95: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

export const repeatSummarySchema = z.object({
  repetitions: z.number(),
  percentileMethod: z.string(),
  metrics: z.record(z.string(), repeatFigureSchema),
});

export type RepeatFigure = z.infer<typeof repeatFigureSchema>;
export type RepeatSummary = z.infer<typeof repeatSummarySchema>;
