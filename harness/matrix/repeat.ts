// `--repeat N`: a cell measured N times, each figure aggregated across the repetitions (mean, median, sample sd,
// CV, 5–95 % range), and the budgets judged so that one failing repetition fails the cell. Pure functions.
import type { RepeatFigure, RepeatSummary } from '../measurement/repeat-schema.ts';
import { PERCENTILE_METHOD, mean, percentile, sortSamples } from '../stats/summary.ts';

export type { RepeatFigure, RepeatSummary } from '../measurement/repeat-schema.ts';

export const REPEAT_VAR = 'BENCH_REPEAT';
/** A bound so a typo (`--repeat 1000`) does not silently book a day of machine time. */
export const MAX_REPEAT = 100;
export const REPEAT_PERCENTILE_METHOD = PERCENTILE_METHOD;

export function parseRepeat(text: string): number | { problem: string } {
  if (!/^[1-9]\d*$/.test(text) || Number(text) > MAX_REPEAT) return { problem: `got "${text}", expected a whole number of repetitions from 1 to ${MAX_REPEAT}` };
  return Number(text);
}

/** The figures of one metric a repetition reports (a Metric fits). */
export interface FigureLike {
  value: number | null;
  unit: string;
  status: string;
  reason?: string;
}

/** Aggregates each metric over the repetitions; a metric absent from a repetition counts as not measured there. */
export function aggregateRepeats(runs: readonly { metrics: Record<string, FigureLike | undefined> }[]): RepeatSummary {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const metrics: Record<string, RepeatFigure> = {};
  for (const name of names) {
    const figures = runs.map((r) => r.metrics[name]);
    const values = figures.map((f) => (f && f.status === 'ok' && f.value !== null && Number.isFinite(f.value) ? f.value : null));
    const measured = values.filter((v): v is number => v !== null);
    const unit = figures.find((f) => f)?.unit ?? '';
    const missing = figures.map((f, i) => ({ f, i })).filter(({ i }) => values[i] === null);
    const reasons = [...new Set(missing.map(({ f }) => f?.reason ?? (f ? f.status : 'not reported')))];
    const missingNote = missing.length > 0 ? `not measured in repetition ${missing.map(({ i }) => i + 1).join(', ')}: ${reasons.join('; ')}` : undefined;
    if (measured.length === 0) {
      const status = figures.some((f) => f?.status === 'error') ? 'error' : 'skipped';
      metrics[name] = { unit, n: 0, values, status, reason: missingNote!, mean: null, median: null, sd: null, cv: null, p5: null, p95: null, min: null, max: null };
      continue;
    }
    const sorted = sortSamples(measured);
    const n = sorted.length;
    const m = mean(sorted);
    const sd = n > 1 ? Math.sqrt(sorted.reduce((acc, x) => acc + (x - m) ** 2, 0) / (n - 1)) : null;
    metrics[name] = {
      unit,
      n,
      values,
      status: 'ok',
      ...(missingNote ? { reason: missingNote } : {}),
      mean: m,
      median: percentile(sorted, 0.5),
      sd,
      cv: sd !== null && m !== 0 ? sd / Math.abs(m) : null,
      p5: percentile(sorted, 0.05),
      p95: percentile(sorted, 0.95),
      min: sorted[0]!,
      max: sorted[n - 1]!,
    };
  }
  return { repetitions: runs.length, percentileMethod: REPEAT_PERCENTILE_METHOD, metrics };
}

/** Worst first: a budget that failed in any repetition failed. */
const SEVERITY = ['fail', 'error', 'inconclusive', 'skipped', 'pass'] as const;

/**
 * One verdict per budget over the repetitions: the worst one (fail, then error, inconclusive, skipped, pass), with
 * which repetition it came from in its reason, so a pass needs every repetition to pass.
 */
export function worstVerdicts<V extends { status: (typeof SEVERITY)[number]; reason?: string }>(perRun: readonly (readonly V[])[], keyOf: (v: V) => string): V[] {
  if (perRun.length === 0) return [];
  if (perRun.length === 1) return [...perRun[0]!];
  return perRun[0]!.map((first) => {
    const key = keyOf(first);
    const all = perRun.map((vs) => vs.find((v) => keyOf(v) === key));
    let worst = 0;
    all.forEach((v, i) => {
      if (v && SEVERITY.indexOf(v.status) < SEVERITY.indexOf(all[worst]!.status)) worst = i;
    });
    const chosen = all[worst]!;
    const statuses = all.map((v) => v?.status ?? 'missing').join(', ');
    const note = `repetition ${worst + 1} of ${perRun.length} (statuses: ${statuses})`;
    return { ...chosen, reason: chosen.reason ? `${chosen.reason}; ${note}` : note };
  });
}

/** One line per metric for the log: "decode_tps_mean tok/s: mean 41.2, median 41.0, sd 1.3, CV 3.2 %, 5–95 % 39.9–42.6 (n 3)". */
export function describeRepeatSummary(s: RepeatSummary): string[] {
  const f = (x: number | null) => (x === null ? '–' : Number(x.toPrecision(4)).toString());
  return Object.entries(s.metrics).map(([name, m]) =>
    m.status !== 'ok'
      ? `${name}: ${m.status} (${m.reason})`
      : `${name} ${m.unit}: mean ${f(m.mean)}, median ${f(m.median)}, sd ${f(m.sd)}, CV ${m.cv === null ? '–' : `${f(m.cv * 100)} %`}, 5–95 % ${f(m.p5)}–${f(m.p95)} (n ${m.n} of ${s.repetitions})`,
  );
}
