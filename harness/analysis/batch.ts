/**
 * Batch-processing figures: how many documents an hour, how evenly, and whether the run slowed down.
 *
 * Slowing down over a batch is the symptom of thermal throttling, a growing cache or memory pressure, so the
 * mean of the last documents is compared with the mean of the first ones.
 */
import { mean, summarize } from '../stats/summary.ts';

export interface BatchFigures {
  /** 3600 ÷ mean seconds per document. */
  docsPerHour: number;
  meanS: number;
  /** Sample standard deviation (n − 1) of the seconds per document. */
  sdS: number;
  /** sd ÷ mean; null when the mean is 0. */
  cv: number | null;
  /** (mean of the last k − mean of the first k) ÷ mean of the first k × 100, positive when the end was slower. */
  firstVsLastPct: number | null;
}

/** Documents compared at each end of the batch; fewer when the batch is too small to keep the two ends apart. */
const END_DOCS = 10;

/** Null for an empty list, or when the documents took no time at all (a rate needs a duration). */
export function batchFigures(docSeconds: readonly number[]): BatchFigures | null {
  for (const s of docSeconds) {
    if (!(s >= 0)) throw new RangeError(`expected document durations ≥ 0 s, got ${s}`);
  }
  const stats = summarize(docSeconds);
  if (stats === null || stats.mean === 0) return null;
  return {
    docsPerHour: 3600 / stats.mean,
    meanS: stats.mean,
    sdS: stats.sd,
    cv: stats.cv,
    firstVsLastPct: firstVsLastPct(docSeconds),
  };
}

function firstVsLastPct(docSeconds: readonly number[]): number | null {
  // floor(n/2) keeps the two ends disjoint, so a short batch never compares a document with itself.
  const k = Math.min(END_DOCS, Math.floor(docSeconds.length / 2));
  if (k === 0) return null;
  const first = mean(docSeconds.slice(0, k));
  const last = mean(docSeconds.slice(-k));
  return first === 0 ? null : ((last - first) / first) * 100;
}
