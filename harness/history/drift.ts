// Drift: a later run's figure outside the band of the first runs. The band is the union of the first runs' own
// confidence intervals (the figure itself where a run has none), so the noise each run measured is what a later
// figure must leave behind to count. Pure.
import type { Better } from '../budgets/metric.ts';

export interface TrendPoint {
  runId: string;
  createdAt: string;
  host: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  status: string;
}

export interface Drift {
  runId: string;
  value: number;
  direction: 'up' | 'down';
  /** By the metric's declared direction; null for a metric that is neither better lower nor higher. */
  worse: boolean | null;
}

export interface DriftResult {
  /** How many of the first measured runs make the band: min(3, measured − 1); a single one only with its interval. */
  baselineRuns: number;
  band: { low: number; high: number } | null;
  drifts: Drift[];
}

export const BASELINE_RUNS = 3;

export function detectDrift(points: readonly TrendPoint[], better: Better): DriftResult {
  const measured = points.filter((p): p is TrendPoint & { value: number } => p.status === 'ok' && p.value !== null && Number.isFinite(p.value));
  const k = Math.min(BASELINE_RUNS, measured.length - 1);
  if (k < 1) return { baselineRuns: 0, band: null, drifts: [] };
  const base = measured.slice(0, k);
  // One run without an interval is a point, not a band: every later figure would "drift". It takes an interval or
  // the spread of two runs to say what noise looks like.
  if (k === 1 && (base[0]!.ciLow === null || base[0]!.ciHigh === null)) return { baselineRuns: 1, band: null, drifts: [] };
  const band = { low: Math.min(...base.map((p) => p.ciLow ?? p.value)), high: Math.max(...base.map((p) => p.ciHigh ?? p.value)) };
  const drifts = measured.slice(k).flatMap((p): Drift[] => {
    if (p.value >= band.low && p.value <= band.high) return [];
    const direction = p.value > band.high ? 'up' : 'down';
    const worse = better === 'lower' ? direction === 'up' : better === 'higher' ? direction === 'down' : null;
    return [{ runId: p.runId, value: p.value, direction, worse }];
  });
  return { baselineRuns: k, band, drifts };
}
