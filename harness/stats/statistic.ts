// A statistic a figure is reported as, paired with the interval method that keeps its level for it
// (harness/stats/interval.ts): a profile names the statistic, never the method.
import type { BootstrapOptions } from './bootstrap.ts';
import { meanInterval, quantileInterval, quantileRatioInterval, seriesQuantileInterval, type Interval } from './interval.ts';
import { percentile, type SortedSamples } from './summary.ts';

export interface Statistic {
  value(sorted: SortedSamples): number;
  /** `samples` in the order they were taken (for series), `sorted` the same ascending. */
  interval(samples: readonly number[], sorted: SortedSamples, options: BootstrapOptions): Interval;
}

/** The arithmetic mean of independent samples (bootstrap-t interval). */
export const meanStatistic: Statistic = {
  value: (s) => s.reduce((a, b) => a + b, 0) / s.length,
  interval: (samples, _sorted, o) => meanInterval(samples, o.level, o),
};

/** Quantile q of independent samples (order-statistic interval). */
export function quantileStatistic(q: number): Statistic {
  return { value: (s) => percentile(s, q), interval: (_samples, sorted, o) => quantileInterval(sorted, q, o.level) };
}

/** Quantile q of a series whose neighbours are correlated, e.g. the gaps between tokens of one stream. */
export function seriesQuantileStatistic(q: number): Statistic {
  return { value: (s) => percentile(s, q), interval: (samples, sorted, o) => seriesQuantileInterval(samples, sorted, q, o.level) };
}

/** The ratio of two quantiles of independent samples, e.g. p99/p50. */
export function quantileRatioStatistic(top: number, bottom: number): Statistic {
  return { value: (s) => percentile(s, top) / percentile(s, bottom), interval: (_samples, sorted, o) => quantileRatioInterval(sorted, top, bottom, o.level) };
}
