// When each race request is sent, relative to the sleep deadline: a fixed grid around it (every step from `from_ms`
// to `to_ms`) plus seeded random offsets in the same range, in a seeded shuffled order so that a slow drift of the
// machine over the run does not line up with the grid.
import { mulberry32 } from '../../stats/prng.ts';

export interface OffsetPlan {
  from_ms: number;
  to_ms: number;
  step_ms: number;
  random_offsets: number;
}

/** Every step from `from` to `to`, both included (`to` is added when the step does not land on it). */
export function offsetGrid(from: number, to: number, step: number): number[] {
  if (!(step > 0)) throw new Error(`the offset step must be positive, got ${step}`);
  if (to < from) throw new Error(`the offset range is empty: ${from} ms to ${to} ms`);
  const grid: number[] = [];
  // Counting steps rather than adding them keeps 0.1-ms steps from drifting.
  for (let i = 0; from + i * step <= to + 1e-9; i++) grid.push(Math.round((from + i * step) * 1000) / 1000);
  if (grid[grid.length - 1] !== to) grid.push(to);
  return grid;
}

/** The grid and the random offsets, shuffled by `seed`: the same seed gives the same trials in the same order. */
export function raceOffsets(plan: OffsetPlan, seed: number): number[] {
  const random = mulberry32(seed);
  const extra = Array.from({ length: plan.random_offsets }, () => Math.round(plan.from_ms + random() * (plan.to_ms - plan.from_ms)));
  const all = [...offsetGrid(plan.from_ms, plan.to_ms, plan.step_ms), ...extra];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}
