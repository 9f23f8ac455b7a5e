/**
 * Spike-taming knobs, analysed: for each knob axis that varies among a profile's measured cells (poll, batch_size,
 * ubatch_size, threads_batch, mlock, mmap, flash_attn, affinity), its effect on CPU p99 and on latency p99/p50.
 *
 * Cells are paired over the other axes: two cells of one profile that differ in that knob alone (same model, quant,
 * threads, ctx, priority, middleware and other knobs) form a pair, and the pair's effect is the ratio of their figures
 * (setting A over setting B). Ratios multiply, so the effect over pairs is their geometric mean with a Student-t
 * interval on the logs (harness/stats/interval.ts `student-t-log`, from 3 pairs). With fewer pairs no interval over
 * pairs can claim its level; the comparison is then resolved only when, in every pair, the two cells' own intervals
 * (as the cells carry them) do not overlap, all in the same direction. Anything else is unresolved, and says why.
 */
import { z } from 'zod';
import { KNOB_NAMES, type Cell, type KnobName, type Metric } from '../measurement/schema.ts';
import { geometricMean, logMeanInterval, LOG_MEAN_MIN_N, INTERVAL_METHODS } from '../stats/interval.ts';

/** The figures spikes show in (both: lower is better). */
export const SPIKE_METRICS = [
  { metric: 'cpu_p99_pct', label: 'CPU p99' },
  { metric: 'latency_p99_over_p50', label: 'latency p99/p50' },
] as const;

/** What the analysis reads of a cell report: plain data, so the pure core needs nothing of the report layer. */
export interface KnobCell {
  profile: string;
  cell: Cell;
  state: string;
  metrics: Record<string, Metric>;
}

const intervalSchema = z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() });

export const knobPairSchema = z.object({
  /** The cell at setting `a`, and its partner at setting `b` (identical but for the knob). */
  cellA: z.string(),
  cellB: z.string(),
  valueA: z.number(),
  valueB: z.number(),
  /** valueA / valueB. */
  ratio: z.number(),
  /** Both cells' own intervals do not overlap (null: one of them has none). */
  disjoint: z.enum(['a-lower', 'a-higher', 'overlap']).nullable(),
});

export const knobComparisonSchema = z.object({
  metric: z.string(),
  label: z.string(),
  /** Setting A against setting B (A's figure over B's). */
  a: z.string(),
  b: z.string(),
  pairs: z.array(knobPairSchema),
  /** Geometric mean of the pairs' ratios; null without pairs. */
  ratio: z.number().nullable(),
  ci: intervalSchema.optional(),
  /** How the status was decided. */
  method: z.string(),
  /** `lower`: A's figure is lower than B's (A tames spikes better); `higher`: A's is higher; `unresolved`: not known. */
  status: z.enum(['lower', 'higher', 'unresolved']),
  note: z.string(),
});

export const knobEffectSchema = z.object({
  knob: z.string(),
  profile: z.string(),
  /** The settings seen among the profile's measured cells, in order. */
  values: z.array(z.string()),
  comparisons: z.array(knobComparisonSchema),
  /** Cells on this axis with no partner differing in the knob alone. */
  unpaired: z.array(z.string()),
  /** The setting that tames spikes on this machine; null when the effect is unresolved or the metrics disagree. */
  tamer: z.string().nullable(),
  conclusion: z.string(),
});

export type KnobPair = z.infer<typeof knobPairSchema>;
export type KnobComparison = z.infer<typeof knobComparisonSchema>;
export type KnobEffect = z.infer<typeof knobEffectSchema>;

export const KNOB_EFFECT_METHOD = `paired over the other axes; over ≥ ${LOG_MEAN_MIN_N} pairs: ${INTERVAL_METHODS['student-t-log']}; over fewer: resolved only when every pair's own cell intervals do not overlap`;

type KnobValue = string | number | boolean;

const show = (knob: KnobName, v: KnobValue) => `${knob} ${String(v)}`;

/** Numbers ascending, false before true, text in locale order: the same order on every run. */
function compareValues(x: KnobValue, y: KnobValue): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  return String(x).localeCompare(String(y));
}

/** Everything of the cell but its id, slug and this knob: two cells with the same context differ in the knob alone. */
function context(cell: Cell, knob: KnobName): string {
  const { id: _id, slug: _slug, [knob]: _knob, ...rest } = cell;
  return JSON.stringify(Object.entries(rest).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

function usable(m: Metric | undefined): m is Metric & { value: number } {
  return m !== undefined && m.status === 'ok' && typeof m.value === 'number' && Number.isFinite(m.value);
}

function disjoint(a: Metric, b: Metric): KnobPair['disjoint'] {
  if (!a.ci || !b.ci) return null;
  if (a.ci.high < b.ci.low) return 'a-lower';
  if (a.ci.low > b.ci.high) return 'a-higher';
  return 'overlap';
}

const fmt = (x: number) => String(Number(x.toPrecision(3)));

function compare(
  knob: KnobName,
  metric: (typeof SPIKE_METRICS)[number],
  a: KnobValue,
  b: KnobValue,
  groups: Map<string, Map<string, KnobCell>>,
  level: number,
): KnobComparison {
  const pairs: KnobPair[] = [];
  const dropped: string[] = [];
  for (const group of groups.values()) {
    const ca = group.get(String(a));
    const cb = group.get(String(b));
    if (!ca || !cb) continue;
    const ma = ca.metrics[metric.metric];
    const mb = cb.metrics[metric.metric];
    if (!usable(ma) || !usable(mb)) {
      if (ma || mb) dropped.push(`${ca.cell.id} / ${cb.cell.id}: ${metric.label} not measured in both`);
      continue;
    }
    if (!(ma.value > 0 && mb.value > 0)) {
      dropped.push(`${ca.cell.id} / ${cb.cell.id}: ${metric.label} of 0 has no ratio`);
      continue;
    }
    pairs.push({ cellA: ca.cell.id, cellB: cb.cell.id, valueA: ma.value, valueB: mb.value, ratio: ma.value / mb.value, disjoint: disjoint(ma, mb) });
  }
  const base = { metric: metric.metric, label: metric.label, a: show(knob, a), b: show(knob, b), pairs };
  const droppedNote = dropped.length ? ` Left out: ${dropped.join('; ')}.` : '';
  if (pairs.length === 0) {
    return { ...base, ratio: null, method: 'none', status: 'unresolved', note: `No pair of cells differs in ${knob} alone with ${metric.label} measured in both.${droppedNote}` };
  }
  const ratio = geometricMean(pairs.map((p) => p.ratio));
  if (pairs.length >= LOG_MEAN_MIN_N) {
    const interval = logMeanInterval(pairs.map((p) => p.ratio), level);
    const ci = interval.ci!;
    const status = ci.high < 1 ? 'lower' : ci.low > 1 ? 'higher' : 'unresolved';
    const where = status === 'unresolved' ? 'includes 1: the effect is unresolved' : `excludes 1`;
    return {
      ...base,
      ratio,
      ci: { low: ci.low, high: ci.high, level: ci.level, method: ci.method },
      method: INTERVAL_METHODS['student-t-log'],
      status,
      note: `${pairs.length} pairs; the interval of the ratio [${fmt(ci.low)}, ${fmt(ci.high)}] ${where}.${droppedNote}`,
    };
  }
  // Too few pairs for an interval over pairs: only the cells' own intervals can resolve it, and only if all agree.
  const few = `${pairs.length} pair(s): an interval over pairs needs at least ${LOG_MEAN_MIN_N}`;
  const method = 'per-cell intervals compared (each cell’s own interval, as it carries it)';
  const verdicts = new Set(pairs.map((p) => p.disjoint));
  if (verdicts.size === 1 && (verdicts.has('a-lower') || verdicts.has('a-higher'))) {
    const status = verdicts.has('a-lower') ? 'lower' : 'higher';
    return { ...base, ratio, method, status, note: `${few}; in every pair the two cells' own intervals do not overlap.${droppedNote}` };
  }
  const why = verdicts.has(null) ? 'some cell has no interval of its own (too few samples to claim the level)' : verdicts.size > 1 ? 'the pairs disagree' : "the cells' own intervals overlap";
  return { ...base, ratio, method, status: 'unresolved', note: `${few}, and ${why}.${droppedNote}` };
}

/** The setting resolved better than every other on `metric`, if any. */
function winner(values: readonly string[], comparisons: readonly KnobComparison[], metric: string, knob: KnobName): string | undefined {
  return values.find((v) =>
    values.every((w) => {
      if (w === v) return true;
      const c = comparisons.find((x) => x.metric === metric && ((x.a === show(knob, v) && x.b === show(knob, w)) || (x.a === show(knob, w) && x.b === show(knob, v))));
      if (!c) return false;
      return c.a === show(knob, v) ? c.status === 'lower' : c.status === 'higher';
    }),
  );
}

/** Resolved worse than some other setting on `metric`. */
function beaten(v: string, comparisons: readonly KnobComparison[], metric: string, knob: KnobName): boolean {
  return comparisons.some((c) => c.metric === metric && ((c.a === show(knob, v) && c.status === 'higher') || (c.b === show(knob, v) && c.status === 'lower')));
}

function describeComparison(c: KnobComparison): string {
  const interval = c.ci ? `, ${fmt(c.ci.level * 100)} % CI ${fmt(c.ci.low)}–${fmt(c.ci.high)}` : '';
  return `${c.label} ×${c.ratio === null ? '—' : fmt(c.ratio)} for ${c.a} against ${c.b}${interval}, ${c.pairs.length} pair(s)`;
}

function conclude(knob: KnobName, profile: string, values: string[], comparisons: KnobComparison[], unpaired: string[]): Pick<KnobEffect, 'tamer' | 'conclusion'> {
  if (comparisons.every((c) => c.pairs.length === 0)) {
    return { tamer: null, conclusion: `Unresolved: no two ${profile} cells differ in ${knob} alone (${unpaired.length} unpaired cell(s)), so its effect cannot be separated from the other axes.` };
  }
  const winners = SPIKE_METRICS.map((m) => ({ m, v: winner(values, comparisons, m.metric, knob) }));
  const candidates = [...new Set(winners.flatMap((w) => (w.v === undefined ? [] : [w.v])))];
  // A setting tames spikes when it is best on one figure and not resolved worse on the other.
  const tamers = candidates.filter((v) => SPIKE_METRICS.every((m) => !beaten(v, comparisons, m.metric, knob)));
  const evidence = comparisons.filter((c) => c.status !== 'unresolved').map(describeComparison);
  if (tamers.length === 1) {
    const v = tamers[0]!;
    return { tamer: show(knob, v), conclusion: `On this machine ${show(knob, v)} tames spikes in ${profile}: ${evidence.join('; ')}.` };
  }
  if (candidates.length > 0) {
    return { tamer: null, conclusion: `Mixed: the settings of ${knob} trade one spike figure for the other in ${profile} (${evidence.join('; ')}); no setting tames both.` };
  }
  const seen = comparisons.filter((c) => c.pairs.length > 0).map(describeComparison);
  return { tamer: null, conclusion: `Unresolved: no setting of ${knob} is known to tame spikes in ${profile} (${seen.join('; ')}); more cells or repetitions would tell.` };
}

/** Knob effects of every varying knob axis, per profile; empty when no knob varies. */
export function knobEffects(cells: readonly KnobCell[], level = 0.95): KnobEffect[] {
  const out: KnobEffect[] = [];
  const profiles = [...new Set(cells.map((c) => c.profile))].sort();
  for (const profile of profiles) {
    const measured = cells.filter((c) => c.profile === profile && c.state === 'completed');
    for (const knob of KNOB_NAMES) {
      const onAxis = measured.filter((c) => c.cell[knob] !== undefined);
      const distinct = [...new Map(onAxis.map((c) => [String(c.cell[knob]), c.cell[knob] as KnobValue])).values()].sort(compareValues);
      if (distinct.length < 2) continue;
      const groups = new Map<string, Map<string, KnobCell>>();
      for (const c of onAxis) {
        const key = context(c.cell, knob);
        const group = groups.get(key) ?? new Map<string, KnobCell>();
        if (!group.has(String(c.cell[knob]))) group.set(String(c.cell[knob]), c);
        groups.set(key, group);
      }
      const unpaired = [...groups.values()].filter((g) => g.size === 1).flatMap((g) => [...g.values()].map((c) => c.cell.id));
      const comparisons: KnobComparison[] = [];
      for (const metric of SPIKE_METRICS) {
        for (let i = 0; i < distinct.length; i++) {
          for (let j = i + 1; j < distinct.length; j++) comparisons.push(compare(knob, metric, distinct[j]!, distinct[i]!, groups, level));
        }
      }
      const values = distinct.map(String);
      out.push({ knob, profile, values: values.map((v) => show(knob, v)), comparisons, unpaired, ...conclude(knob, profile, values, comparisons, unpaired) });
    }
  }
  return out;
}
