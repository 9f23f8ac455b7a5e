/**
 * Time-weighted figures over an interval from sampler rows (each row covers [since, at]): the machine's busy CPU
 * share, the server tree's share of all CPU time, and the power a per-vCPU coefficient gives. Pure: plain rows in.
 */
import type { SampleRow } from '../sampler/sampler.ts';

/** Σ value × overlap and Σ overlap (ms) of the rows' intervals with [from, to], over rows where `pick` reads. */
function overlapSums(rows: readonly SampleRow[], from: number, to: number, pick: (r: SampleRow) => number | null): { weighted: number; covered: number } {
  let weighted = 0;
  let covered = 0;
  for (const r of rows) {
    const v = pick(r);
    if (v === null) continue;
    const ms = Math.min(r.at, to) - Math.max(r.since, from);
    if (ms <= 0) continue;
    weighted += v * ms;
    covered += ms;
  }
  return { weighted, covered };
}

/** The rows covering a zero-length or tiny interval: the one whose interval holds `from`, so a 5 ms prefill still reads one. */
function covering(rows: readonly SampleRow[], at: number): SampleRow[] {
  const r = rows.find((x) => x.since <= at && at <= x.at);
  return r ? [r] : [];
}

/** Time-weighted mean of `pick` over [from, to]; null when no row that reads it overlaps the interval. */
export function meanOver(rows: readonly SampleRow[], from: number, to: number, pick: (r: SampleRow) => number | null): number | null {
  const { weighted, covered } = to > from ? overlapSums(rows, from, to, pick) : { weighted: 0, covered: 0 };
  if (covered > 0) return weighted / covered;
  const [r] = covering(rows, from);
  const v = r ? pick(r) : null;
  return v ?? null;
}

/**
 * The server tree's share of all CPU time in [from, to]: its CPU (% of machine) over the machine's busy CPU (%),
 * each time-weighted; capped at 1 (the two come from different files read a moment apart). Null when either is
 * missing, or when the machine was not busy at all (no CPU time to share).
 */
export function cpuShare(rows: readonly SampleRow[], from: number, to: number): number | null {
  const both = (r: SampleRow) => (r.cpuMachinePct === null || r.systemCpuPct === null ? null : r);
  const server = meanOver(rows, from, to, (r) => both(r)?.cpuMachinePct ?? null);
  const machine = meanOver(rows, from, to, (r) => both(r)?.systemCpuPct ?? null);
  if (server === null || machine === null || machine <= 0) return null;
  return Math.min(1, Math.max(0, server / machine));
}

/** Power (W) of a per-vCPU coefficient at a busy share in [0, 1]: vCPUs × (min + share × (max − min)). */
export function vcpuPowerW(coef: { min_w: number; max_w: number }, vcpus: number, busy: number): number {
  return vcpus * (coef.min_w + Math.min(1, Math.max(0, busy)) * (coef.max_w - coef.min_w));
}

/** Joules a per-vCPU coefficient estimates for [from, to] (ms) from the machine's busy CPU; null without a reading. */
export function vcpuJoules(rows: readonly SampleRow[], from: number, to: number, coef: { min_w: number; max_w: number }, vcpus: number): number | null {
  const busyPct = meanOver(rows, from, to, (r) => r.systemCpuPct);
  if (busyPct === null) return null;
  return vcpuPowerW(coef, vcpus, busyPct / 100) * (Math.max(0, to - from) / 1000);
}
