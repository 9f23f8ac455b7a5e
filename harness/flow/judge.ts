// Whether a cell passes a profile, from what the profile stored for it: the same rule as the budget tests, so a
// cell "passes" exactly when its tests would not fail the run.
import { describeVerdict, verdictLabel } from '../budgets/budget.ts';
import type { Verdict } from '../measurement/schema.ts';

export type OnInconclusive = 'fail' | 'warn' | 'pass';

/** What a profile left for a cell: a measurement with its verdicts, a planner skip, or nothing. */
export type StoredResult =
  | { kind: 'measured'; state: 'completed' | 'errored'; error?: string; verdicts: readonly Verdict[] }
  | { kind: 'skipped'; reason: string }
  | { kind: 'missing'; reason: string };

/** One cell's outcome under one or more profiles. `missed` counts budgets missed, `shortfall` how far (for "closest"). */
export interface Judgement {
  pass: boolean;
  reason: string;
  missed: number;
  /** Sum over missed budgets of |margin| / |limit| (1 per budget without a value): how far from passing. */
  shortfall: number;
}

const UNMEASURED_SHORTFALL = 1;

/**
 * A profile's judgement of a cell: it passes when every verdict is `pass`, `skipped` (not measurable here, e.g. no
 * RAPL) or `inconclusive` under `on_inconclusive` warn or pass. A cell that errored, was skipped by the planner or
 * left no result does not pass.
 */
export function judgeProfile(profile: string, result: StoredResult, onInconclusive: OnInconclusive): Judgement {
  if (result.kind === 'skipped') return { pass: false, reason: `${profile}: skipped by the planner: ${result.reason}`, missed: 1, shortfall: UNMEASURED_SHORTFALL };
  if (result.kind === 'missing') return { pass: false, reason: `${profile}: no result: ${result.reason}`, missed: 1, shortfall: UNMEASURED_SHORTFALL };
  if (result.state === 'errored') {
    return { pass: false, reason: `${profile}: the cell failed to run: ${(result.error ?? 'no reason').split('\n')[0]}`, missed: 1, shortfall: UNMEASURED_SHORTFALL };
  }
  const failing = result.verdicts.filter((v) => v.status === 'fail' || v.status === 'error' || (v.status === 'inconclusive' && onInconclusive === 'fail'));
  if (failing.length === 0) {
    // The gate passes, as the tests do; the reason still says which budgets are not known to be met.
    const unresolved = result.verdicts.filter((v) => v.status === 'inconclusive' || v.status === 'skipped');
    const note = unresolved.length ? `; not known to meet ${unresolved.length}: ${unresolved.map((v) => `${verdictLabel(v)} ${v.status}`).join(', ')}` : '';
    return { pass: true, reason: `${profile}: ${result.verdicts.length - unresolved.length} budget(s) met${note}`, missed: 0, shortfall: 0 };
  }
  const shortfall = failing.reduce((s, v) => s + (v.margin !== null && v.limit !== 0 ? Math.abs(v.margin) / Math.abs(v.limit) : UNMEASURED_SHORTFALL), 0);
  return { pass: false, reason: `${profile}: ${failing.map(describeVerdict).join('; ')}`, missed: failing.length, shortfall };
}

/** Several profiles' judgements of one cell: it passes when each passes. */
export function combine(judgements: readonly Judgement[]): Judgement {
  const failing = judgements.filter((j) => !j.pass);
  return {
    pass: failing.length === 0,
    reason: (failing.length ? failing : judgements).map((j) => j.reason).join(' | '),
    missed: failing.reduce((s, j) => s + j.missed, 0),
    shortfall: failing.reduce((s, j) => s + j.shortfall, 0),
  };
}

/** The evaluated candidate nearest to passing: fewest budgets missed, then the smallest shortfall, then the first. */
export function closest<T>(candidates: readonly { item: T; judgement: Judgement }[]): { item: T; judgement: Judgement } | null {
  let best: { item: T; judgement: Judgement } | null = null;
  for (const c of candidates) {
    if (!best || c.judgement.missed < best.judgement.missed || (c.judgement.missed === best.judgement.missed && c.judgement.shortfall < best.judgement.shortfall)) best = c;
  }
  return best;
}
