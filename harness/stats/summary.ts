import type { z } from 'zod';
import type { summarySchema } from '../measurement/schema.ts';

/**
 * Descriptive statistics over measured samples.
 *
 * Percentiles use linear interpolation between closest ranks (Hyndman & Fan type 7,
 * the default of numpy, R and Excel's PERCENTILE.INC): for sorted x[0..n-1],
 * p(q) = x[h] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]) with h = (n - 1) * q.
 */
export const PERCENTILE_METHOD = 'linear interpolation between closest ranks (Hyndman-Fan type 7)';

declare const sorted: unique symbol;
/** Samples in ascending order; only `sortSamples` makes one, so percentiles never see unsorted data. */
export type SortedSamples = readonly number[] & { readonly [sorted]: true };

export function sortSamples(samples: readonly number[]): SortedSamples {
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new RangeError(`expected finite samples, got ${s}`);
  }
  return [...samples].sort((a, b) => a - b) as unknown as SortedSamples;
}

/** q in [0, 1]. */
export function percentile(samples: SortedSamples, q: number): number {
  if (samples.length === 0) throw new RangeError('expected at least one sample, got none');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`expected a quantile in [0, 1], got ${q}`);
  const h = (samples.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, samples.length - 1);
  return samples[lo]! + (h - lo) * (samples[hi]! - samples[lo]!);
}

/** The shape `summarize` returns, as the result schema declares it (measurement/schema.ts `summarySchema`). */
export type Summary = z.infer<typeof summarySchema>;

/** Arithmetic mean, summed in the order given; NaN for no samples (callers that can have none say what that means). */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function summarize(samples: readonly number[]): Summary | null {
  if (samples.length === 0) return null;
  const s = sortSamples(samples);
  const n = s.length;
  const average = mean(s);
  const variance = n > 1 ? s.reduce((acc, x) => acc + (x - average) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const p50 = percentile(s, 0.5);
  return {
    n,
    mean: average,
    median: p50,
    sd,
    cv: average === 0 ? null : sd / average,
    min: s[0]!,
    max: s[n - 1]!,
    p50,
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
  };
}

/** Drops the first `warmup` samples: warmup is data about the run, not a measurement of it. */
export function excludeWarmup<T>(samples: readonly T[], warmup: number): T[] {
  return samples.slice(Math.max(0, warmup));
}

/** Ordinary least-squares slope of y over x; null with fewer than two distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}
