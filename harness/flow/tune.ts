// Auto-tune: the cheapest cell that passes every budget of a profile, found with a few evaluations instead of the
// whole matrix. Pure: the oracle (a real run, or a synthetic function in the tests) is passed in.
//
// Cost is lexicographic over the axes in order (fewest threads first, then lowest priority, then smallest context,
// then smallest model file). The search assumes each axis is monotone in a known direction:
//   up   – paying more on this axis never turns a pass into a fail (threads: more threads decode faster;
//          priority: a higher priority is preempted less);
//   down – paying more never turns a fail into a pass (context: a larger cache costs memory and time; model file:
//          a larger file is slower and bigger, except for answer quality, where it is `up`).
// Under that assumption the pass set is an up-set once each `down` axis is reversed, and its lexicographic minimum
// is found axis by axis: fix the earlier axes, hold the later ones at their most-likely-to-pass value, and take the
// cheapest value of this axis that still passes (bisection on an `up` axis; the cheapest value itself on a `down`
// axis, which the previous probe already measured). That costs about Σ log2(values of each up axis) evaluations.
// When an axis's most likely value fails, its other end is tried once: a profile may run the other way on it (a CPU
// budget that more threads break), and then that end is the axis's cheapest passing value (or the start of a bisection).
import type { Judgement } from './judge.ts';
import { closest } from './judge.ts';

export type Direction = 'up' | 'down';

export interface TuneAxis {
  name: string;
  /** Cheapest first. */
  values: readonly string[];
  direction: Direction;
}

export interface TuneSpace<C> {
  axes: readonly TuneAxis[];
  /** The cell at one value index per axis, or null when the matrix has no such cell. */
  at: (index: readonly number[]) => C | null;
  id: (cell: C) => string;
}

export interface Evaluation<C> {
  cell: C;
  id: string;
  index: number[];
  judgement: Judgement;
}

export interface TuneStep {
  axis: string;
  /** The value kept, or null when the search stopped here. */
  value: string | null;
  /** Cells evaluated (or looked up again) while deciding this axis, in order. */
  probes: { id: string; pass: boolean }[];
  reason: string;
}

export interface TuneResult<C> {
  found: Evaluation<C> | null;
  steps: TuneStep[];
  /** Every distinct cell evaluated, in order. */
  evaluations: Evaluation<C>[];
  /** The evaluated cell nearest to passing, when none passed. */
  closest: Evaluation<C> | null;
  /**
   * Pairs of evaluations that contradict the monotone assumption, with each axis taken the way the search found it
   * (the result may then not be the cheapest).
   */
  violations: string[];
  /** How many cells the whole space holds. */
  total: number;
}

/** The index of the value most likely to pass on an axis: its dearest (up) or its cheapest (down). */
function likely(axis: TuneAxis): number {
  return axis.direction === 'up' ? axis.values.length - 1 : 0;
}

function countCells<C>(space: TuneSpace<C>): number {
  let count = 0;
  const walk = (prefix: number[]) => {
    if (prefix.length === space.axes.length) {
      if (space.at(prefix)) count++;
      return;
    }
    for (let v = 0; v < space.axes[prefix.length]!.values.length; v++) walk([...prefix, v]);
  };
  walk([]);
  return count;
}

/** b is at least as likely to pass as a on every axis (so a pass at a and a fail at b contradict the assumption). */
function atLeastAsLikely(axes: readonly TuneAxis[], a: readonly number[], b: readonly number[]): boolean {
  return axes.every((axis, k) => (axis.direction === 'up' ? b[k]! >= a[k]! : b[k]! <= a[k]!));
}

export function monotonicityViolations<C>(axes: readonly TuneAxis[], evaluations: readonly Evaluation<C>[]): string[] {
  const out: string[] = [];
  for (const a of evaluations) {
    if (!a.judgement.pass) continue;
    for (const b of evaluations) {
      if (b.judgement.pass || !atLeastAsLikely(axes, a.index, b.index)) continue;
      out.push(`${a.id} passed but ${b.id}, at least as likely to pass on every axis, failed (${b.judgement.reason})`);
    }
  }
  return out;
}

/**
 * The lexicographically cheapest passing cell under the monotone assumption (see the top of this file), evaluating
 * cells one at a time through `oracle`. Each cell is evaluated at most once.
 */
export async function tuneSearch<C>(space: TuneSpace<C>, oracle: (cell: C) => Promise<Judgement>, onStep: (step: TuneStep) => void = () => {}): Promise<TuneResult<C>> {
  const { axes } = space;
  const memo = new Map<string, Evaluation<C>>();
  const absent = (index: readonly number[]): Judgement => ({ pass: false, reason: `no cell at ${axes.map((a, k) => `${a.name} ${a.values[index[k]!]}`).join(', ')}`, missed: 1, shortfall: 1 });
  const steps: TuneStep[] = [];
  const record = (step: TuneStep) => {
    steps.push(step);
    onStep(step);
  };
  const fixed: number[] = [];
  /** Directions as the search found them (an axis tried from its other end counts the other way). */
  const effective = axes.map((a) => ({ ...a }));
  const finish = (found: Evaluation<C> | null): TuneResult<C> => {
    const evaluations = [...memo.values()];
    return {
      found,
      steps,
      evaluations,
      closest: found ? null : (closest(evaluations.map((e) => ({ item: e, judgement: e.judgement })))?.item ?? null),
      violations: monotonicityViolations(effective, evaluations),
      total: countCells(space),
    };
  };

  let last: Evaluation<C> | null = null;
  for (let i = 0; i < axes.length; i++) {
    const axis = axes[i]!;
    const probes: TuneStep['probes'] = [];
    const probe = async (v: number): Promise<{ pass: boolean; evaluation: Evaluation<C> | null; judgement: Judgement }> => {
      const index = [...fixed, v, ...axes.slice(i + 1).map(likely)];
      const cell = space.at(index);
      if (!cell) return { pass: false, evaluation: null, judgement: absent(index) };
      const id = space.id(cell);
      let e = memo.get(id);
      if (!e) {
        e = { cell, id, index, judgement: await oracle(cell) };
        memo.set(id, e);
      }
      probes.push({ id, pass: e.judgement.pass });
      return { pass: e.judgement.pass, evaluation: e, judgement: e.judgement };
    };
    const n = axis.values.length;
    let direction = axis.direction;
    let top = likely(axis);
    let first = await probe(top);
    let flipNote = '';
    if (!first.pass && n > 1) {
      // The assumed direction may be wrong for this profile (e.g. a CPU budget that more threads break): try the other end.
      const other = axis.direction === 'up' ? 0 : n - 1;
      const alt = await probe(other);
      if (alt.pass) {
        flipNote = `${axis.values[top]} fails (${first.judgement.reason}) but ${axis.values[other]} passes: this axis runs the other way for this profile`;
        direction = axis.direction === 'up' ? 'down' : 'up';
        effective[i]!.direction = direction;
        top = other;
        first = alt;
      }
    }
    if (!first.pass) {
      const rest = axes.slice(i + 1).filter((a) => a.values.length > 1);
      record({
        axis: axis.name,
        value: null,
        probes,
        reason:
          `${probes.map((p) => p.id).join(' and ')} fail (${first.judgement.reason}); ${probes.length > 1 ? 'they are' : 'it is'} the most likely to pass ` +
          `${i === 0 ? 'of the whole matrix' : `given ${steps.map((s) => `${s.axis} ${s.value}`).join(', ')}`}` +
          `${rest.length ? ` (${rest.map((a) => `${a.name} ${a.values[likely(a)]}`).join(', ')})` : ''}, so no cell passes`,
      });
      return finish(null);
    }
    last = first.evaluation;
    if (direction === 'down' || n === 1) {
      fixed.push(top);
      record({
        axis: axis.name,
        value: axis.values[top]!,
        probes,
        reason:
          n === 1
            ? `${axis.values[0]}, the only value (${first.evaluation!.id} passes)`
            : flipNote
              ? `${axis.values[top]}, the cheapest, is kept (${first.evaluation!.id}); ${flipNote}`
              : `${axis.values[top]}, the cheapest, passes (${first.evaluation!.id}); dearer values are assumed to pass no more often`,
      });
      continue;
    }
    // Bisection for the cheapest passing value: `hi` always passes, everything below `lo` fails.
    let lo = 0;
    let hi = top;
    const failed: string[] = [];
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const r = await probe(mid);
      if (r.pass) {
        hi = mid;
        last = r.evaluation;
      } else {
        failed.push(`${axis.values[mid]} fails (${r.judgement.reason})`);
        lo = mid + 1;
      }
    }
    fixed.push(hi);
    last = memo.get(space.id(space.at([...fixed, ...axes.slice(i + 1).map(likely)])!))!;
    record({
      axis: axis.name,
      value: axis.values[hi]!,
      probes,
      reason:
        `${flipNote ? `${flipNote}; ` : ''}${axis.values[hi]} is the cheapest that passes (${last.id})` +
        `${failed.length ? `; ${failed.join('; ')}` : hi === 0 ? ', and it is the cheapest value' : ''}` +
        `${hi > 0 ? `; cheaper values are assumed to fail as ${axis.values[hi - 1]} did` : ''}`,
    });
  }
  return finish(last);
}
