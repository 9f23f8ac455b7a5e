import { z } from 'zod';
import { cellSchema, measurementSchema, metricSchema, ratingSchema, verdictSchema, type CellMeasurement } from '../measurement/schema.ts';
import { cellScoreSchema, comparisonSchema, degradationRowSchema, recommendationSchema } from './part-schemas.ts';
import { pairedComparisonSchema } from '../analysis/paired.ts';
import { knobEffectSchema } from '../analysis/knobs.ts';
import { repeatSummarySchema } from '../measurement/repeat-schema.ts';
import { BAND_SETS } from '../budgets/bands.ts';
import { qualityInterpretationSchema } from './quality-interpretation.ts';
import { qualityDistributionSchema } from './quality-distribution.ts';
import { gpuFactsSchema, modelFileFactsSchema } from './model-files.ts';

export const testOutcomeSchema = z.object({
  name: z.string(),
  state: z.enum(['passed', 'failed', 'skipped', 'pending']),
  note: z.string().optional(),
  error: z.string().optional(),
});

/**
 * What a cell report keeps of its measurement: the facts it has no field of its own for. Profile, cell, state, error
 * and metrics stand once, on the cell report. An older scoreboard, which stored them here too, still reads: zod drops
 * the extra keys.
 */
export const cellMeasurementFactsSchema = measurementSchema.omit({ profile: true, cell: true, state: true, error: true, metrics: true });
export type CellMeasurementFacts = z.infer<typeof cellMeasurementFactsSchema>;

/** The measurement without what the cell report already says. */
export function measurementFacts(m: CellMeasurement): CellMeasurementFacts {
  const { profile: _profile, cell: _cell, state: _state, error: _error, metrics: _metrics, ...facts } = m;
  return facts;
}

export const cellReportSchema = z.object({
  profile: z.string(),
  cell: cellSchema,
  state: z.enum(['completed', 'errored', 'skipped', 'not-run']),
  error: z.string().optional(),
  metrics: z.record(z.string(), metricSchema),
  verdicts: z.array(verdictSchema),
  counts: z.object({ pass: z.number(), fail: z.number(), inconclusive: z.number().default(0), skipped: z.number(), error: z.number() }),
  measurement: cellMeasurementFactsSchema.optional(),
  tests: z.array(testOutcomeSchema),
  rating: ratingSchema.optional(),
  ratingReason: z.string().optional(),
  /** For a cell skipped as a duplicate: the cell id whose results stand for it. */
  representative: z.string().optional(),
  /** The measurement was taken by an earlier invocation of this run and reused by `--resume`. */
  reused: z.boolean().optional(),
  /** `--repeat N`: every figure over the N repetitions (the metrics above are the first repetition's). */
  repeat: repeatSummarySchema.optional(),
  /** Up to three answers, for a glance at what the model said (untrusted text). */
  sampleResponses: z.array(z.string()).default([]),
});

export const runReportSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  finishedAt: z.string(),
  /** Wall time from the plan's creation to this scoreboard's write (a partial run: so far). */
  durationMs: z.number().optional(),
  /** Per model file of the run: its size and parameter count (the size charts' x axis), and the file's date. */
  modelFiles: z.array(modelFileFactsSchema).optional(),
  /** True while the run is still going or when it was cut short. */
  partial: z.boolean(),
  endReason: z.string(),
  /** Cut short by a signal (Ctrl+C, SIGTERM) or a cancelled Vitest run; `notRun` lists what it did not get to. */
  interrupted: z.boolean().optional(),
  /** Planned cells × selected profiles without a result yet: what `--resume <run-id>` would still measure. */
  notRun: z.array(z.object({ cell: z.string(), profile: z.string() })).optional(),
  host: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The host's GPUs, or `skipped` with the reason ("no GPU"); absent in runs from before it was read. */
  gpu: gpuFactsSchema.optional(),
  llama: z.object({ version: z.string(), commit: z.string(), serverPath: z.string(), source: z.string() }),
  config: z.object({ file: z.string(), hash: z.string() }),
  models: z
    .array(z.object({ name: z.string(), kind: z.enum(['builtin', 'file']), detail: z.string() }))
    .default([]),
  percentileMethod: z.string(),
  /** The machine's memory bandwidth behind each cell's decode roofline, and how it was measured. */
  bandwidth: z.object({ gbPerSec: z.number(), method: z.string() }).optional(),
  cells: z.array(cellReportSchema),
  /** Quality lost by each quantization against the model's highest-precision one (quality profile only). */
  quality: z
    .object({
      thresholdPoints: z.number(),
      degradation: z.array(degradationRowSchema),
      /** Per quantization a sentence and the uses it is safe for; per use the safe levels (quality-interpretation.ts). */
      interpretation: qualityInterpretationSchema.optional(),
      /** Per graded cell and category: mean, minimum and the histogram of item scores (quality-distribution.ts). */
      distribution: z.array(qualityDistributionSchema).optional(),
    })
    .optional(),
  /** The interpretation bands the figures are read with (config `interpretation.bands`); absent: design. */
  bands: z.enum(BAND_SETS).optional(),
  /** Which configuration to run: per use case, with its reasons; and the efficiency and cost-benefit scores. */
  decisions: z
    .object({ recommendations: z.array(recommendationSchema), scores: z.array(cellScoreSchema), formulas: z.record(z.string(), z.string()) })
    .optional(),
  /** Against an earlier run (`--baseline <run-id>`). */
  comparison: comparisonSchema.optional(),
  /** The invisibility profile's paired comparisons: configurations against each other in one probe session. */
  pairedComparisons: z.array(pairedComparisonSchema).optional(),
  /** Spike-taming knobs: each varying knob axis's effect on CPU p99 and latency p99/p50, paired over the other axes. */
  knobEffects: z.object({ method: z.string(), level: z.number(), effects: z.array(knobEffectSchema) }).optional(),
  /** `--shard i/n`: this run measured only shard i of n (`cellsTotal`: the whole matrix's cells). */
  shard: z.object({ index: z.number(), count: z.number(), cellsTotal: z.number() }).optional(),
  /** A merged run (`npm run report -- --merge`): the shard runs it is made of, each with the host that measured it. */
  shards: z
    .array(z.object({ index: z.number(), count: z.number(), runId: z.string(), host: z.string(), llama: z.string(), cells: z.number(), partial: z.boolean() }))
    .optional(),
  /** What the reader must know to read the run right (e.g. that the planner's rules applied within each shard). */
  notes: z.array(z.string()).optional(),
});

export type RunReport = z.infer<typeof runReportSchema>;
export type CellReport = z.infer<typeof cellReportSchema>;
export type TestOutcome = z.infer<typeof testOutcomeSchema>;

/**
 * A cell × profile at a glance. `pass` only when every budget passed; `inconclusive` when none was missed but some
 * interval reaches past its limit; `incomplete` when every judged budget passed but some could not be measured
 * (skipped, with the reason). Neither of the last two counts as within budget anywhere in the report.
 */
export type OverallVerdict = 'pass' | 'fail' | 'inconclusive' | 'incomplete' | 'error' | 'skipped';

export const OVERALL_VERDICTS: readonly OverallVerdict[] = ['pass', 'fail', 'inconclusive', 'incomplete', 'error', 'skipped'];

export function overallVerdict(c: CellReport): OverallVerdict {
  if (c.state === 'skipped') return 'skipped';
  if (c.state !== 'completed' || c.counts.error > 0) return 'error';
  if (c.counts.fail > 0) return 'fail';
  if (c.counts.inconclusive > 0) return 'inconclusive';
  if (c.counts.pass === 0) return 'skipped';
  if (c.counts.skipped > 0) return 'incomplete';
  return 'pass';
}

export function countVerdicts(cells: readonly CellReport[]): Record<OverallVerdict, number> {
  const counts = Object.fromEntries(OVERALL_VERDICTS.map((v) => [v, 0])) as Record<OverallVerdict, number>;
  for (const c of cells) counts[overallVerdict(c)]++;
  return counts;
}

export interface CellStanding {
  cellId: string;
  /** Budgets missed (fail or error) across every profile the cell ran. */
  missed: { profile: string; verdict: CellReport['verdicts'][number] }[];
  /** Budgets neither met nor missed (inconclusive or skipped): a cell with any has not met every budget. */
  unresolved: { profile: string; verdict: CellReport['verdicts'][number] }[];
  errored: boolean;
  /** Some profile measured it (or a cell standing for it): false when the planner skipped it everywhere. */
  measured: boolean;
}

/**
 * Per cell id, across profiles: which budgets it missed and which stayed unresolved. A measured cell that neither
 * errored nor has anything missed or unresolved met every budget.
 */
export function standings(cells: CellReport[]): CellStanding[] {
  const byId = new Map<string, CellStanding>();
  const find = (profile: string, id: string) => cells.find((c) => c.profile === profile && c.cell.id === id);
  for (const c of cells) {
    const s = byId.get(c.cell.id) ?? { cellId: c.cell.id, missed: [], unresolved: [], errored: false, measured: false };
    byId.set(c.cell.id, s);
    // A duplicate stands or falls with the cell that was measured for it.
    const source = c.state === 'skipped' && c.representative ? find(c.profile, c.representative) : c;
    if (!source || source.state === 'skipped') continue;
    s.measured = true;
    if (source.state !== 'completed') s.errored = true;
    for (const v of source.verdicts) {
      if (v.status === 'fail' || v.status === 'error') s.missed.push({ profile: c.profile, verdict: v });
      else if (v.status === 'inconclusive' || v.status === 'skipped') s.unresolved.push({ profile: c.profile, verdict: v });
    }
  }
  // Ties on the number of missed budgets go to the cell that overshoots least.
  const overshoot = (s: CellStanding) => s.missed.reduce((sum, m) => sum + (m.verdict.used ?? Number.POSITIVE_INFINITY), 0);
  return [...byId.values()].sort(
    (a, b) =>
      Number(a.errored) - Number(b.errored) ||
      a.missed.length - b.missed.length ||
      a.unresolved.length - b.unresolved.length ||
      overshoot(a) - overshoot(b) ||
      a.cellId.localeCompare(b.cellId),
  );
}

/** The cells that met every budget: measured, not errored, nothing missed, nothing inconclusive or skipped. */
export function metEveryBudget(ranked: readonly CellStanding[]): CellStanding[] {
  return ranked.filter((s) => s.measured && !s.errored && s.missed.length === 0 && s.unresolved.length === 0);
}

/** Stable order, so two runs of the same matrix diff cleanly. */
export function sortCells(cells: CellReport[]): CellReport[] {
  return [...cells].sort((a, b) => (a.profile === b.profile ? a.cell.id.localeCompare(b.cell.id) : a.profile.localeCompare(b.profile)));
}
