import { z } from 'zod';
import { BAND_SETS } from '../budgets/bands.ts';

/** How the report reads figures and quality: the band set, and when a quantization counts as safe for a use. */
export const interpretationSchema = z
  .strictObject({
    /** design: the design's interpretation bands; small-machine: where this suite's older bands had a measured reason. */
    bands: z.enum(BAND_SETS).default('design'),
    /**
     * A quantization is safe for a use when it keeps at least this share (%) of the baseline's score, weighted over
     * the categories the use relies on, and no relied-on category falls below `floor_pct`.
     */
    safe_retention_pct: z.number().gt(0).max(100).default(95),
    floor_pct: z.number().min(0).max(100).default(90),
  })
  .prefault({});
export type InterpretationConfig = z.infer<typeof interpretationSchema>;

/** The selector's shipped defaults (the autobench design): equal weights for its four criteria, two hard minimums. */
export const DEFAULT_SELECTION_WEIGHTS = {
  'interactive.ttft_p95_s': 0.25,
  'interactive.decode_tps_mean': 0.25,
  'quality.cove_pass_rate': 0.25,
  'quality.retrieval_f1_mean': 0.25,
};

export const selectionSchema = z
  .strictObject({
    /** Weights over `profile.metric` figures; lower-is-better figures are inverted. */
    weights: z
      .record(z.string().regex(/^[a-z-]+\.[a-z0-9_]+$/, 'expected profile.metric, e.g. interactive.latency_p95_s'), z.number().min(0))
      .default(DEFAULT_SELECTION_WEIGHTS),
    /** Hard minimums of the overall pick (applied when the quality profile ran; null: none). */
    min_cove_pass_rate: z.number().min(0).max(1).nullable().default(0.9),
    min_retrieval_f1: z.number().min(0).max(1).nullable().default(0.5),
  })
  .prefault({});
export type SelectionConfig = z.infer<typeof selectionSchema>;
