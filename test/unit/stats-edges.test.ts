// Edges of the statistics core: exact summaries, the percentile bootstrap's quantile picking, the PRNG against its
// published algorithm, the bootstrap-t against a plain re-derivation from its definition, and the refusals.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bootstrapCi, DEFAULT_BOOTSTRAP, meanOf, percentileInterval } from '../../harness/stats/bootstrap.ts';
import {
  binomialCdf,
  geometricMean,
  logMeanInterval,
  meanInterval,
  MEAN_MIN_N,
  orderStatisticRanks,
  quantileInterval,
  seriesMeanInterval,
  seriesQuantileInterval,
  quantileRatioInterval,
  studentTInterval,
  tCritical,
} from '../../harness/stats/interval.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';
import { meanStatistic, quantileRatioStatistic, quantileStatistic, seriesQuantileStatistic } from '../../harness/stats/statistic.ts';
import { excludeWarmup, percentile, slope, sortSamples, summarize } from '../../harness/stats/summary.ts';

const SEED = 20261201;

describe('summary', () => {
  test('every field of an unsorted, skewed sample', () => {
    // sorted 1 2 3 4 10: mean 4; squared deviations 9 4 1 0 36 = 50, variance 50/4 = 12.5
    // p95: h = 4 · 0.95 = 3.8 → 4 + 0.8 · 6 = 8.8; p99: h = 3.96 → 4 + 0.96 · 6 = 9.76
    const s = summarize([10, 1, 4, 2, 3])!;
    expect(s).toEqual({ n: 5, mean: 4, median: 3, sd: Math.sqrt(12.5), cv: Math.sqrt(12.5) / 4, min: 1, max: 10, p50: 3, p95: expect.closeTo(8.8, 12), p99: expect.closeTo(9.76, 12) });
  });
  test('one sample: sd 0 and every percentile that sample', () => {
    expect(summarize([-3])).toEqual({ n: 1, mean: -3, median: -3, sd: 0, cv: -0, min: -3, max: -3, p50: -3, p95: -3, p99: -3 });
  });
  test('percentile bounds: 0 and 1 are allowed, just outside is not, and infinities are not samples', () => {
    const s = sortSamples([4, 2]);
    expect(percentile(s, 0)).toBe(2);
    expect(percentile(s, 1)).toBe(4);
    expect(() => percentile(s, -0.01)).toThrow('expected a quantile in [0, 1], got -0.01');
    expect(() => percentile(s, 1.01)).toThrow(RangeError);
    expect(() => percentile(s, Number.NaN)).toThrow(RangeError);
    expect(() => percentile(sortSamples([]), 0.5)).toThrow('expected at least one sample, got none');
    expect(() => sortSamples([1, Number.POSITIVE_INFINITY])).toThrow('expected finite samples, got Infinity');
    expect(() => sortSamples([Number.NEGATIVE_INFINITY])).toThrow(RangeError);
    // numeric, not lexicographic, order
    expect(sortSamples([10, 9, 100])).toEqual([9, 10, 100]);
  });
  test('warm-up: a negative count drops nothing; more than there are drops all', () => {
    expect(excludeWarmup([1, 2, 3], -2)).toEqual([1, 2, 3]);
    expect(excludeWarmup([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(excludeWarmup([1, 2, 3], 5)).toEqual([]);
  });
  test('slope with a non-zero mean, unequal lengths, and too few points', () => {
    // x 1 2 3, y 2 4 7: means 2 and 13/3; Σ(dx·dy) = (−1)(−7/3) + 0 + (1)(8/3) = 5; Σdx² = 2 → 2.5
    expect(slope([1, 2, 3], [2, 4, 7])).toBeCloseTo(2.5, 12);
    // the extra y is ignored: x 0 1, y 5 3 → −2
    expect(slope([0, 1], [5, 3, 100])).toBeCloseTo(-2, 12);
    expect(slope([0, 1, 99], [5, 3])).toBeCloseTo(-2, 12);
    expect(slope([1], [1])).toBeNull();
    expect(slope([], [])).toBeNull();
  });
});

describe('percentile bootstrap', () => {
  test('the defaults', () => {
    expect(DEFAULT_BOOTSTRAP).toEqual({ resamples: 1000, level: 0.95, seed: 1 });
    expect(meanOf(sortSamples([1, 2, 3, 6]))).toBe(3);
  });
  test('picks the (1 − level)/2 and (1 + level)/2 quantiles of the statistics, by nearest rank', () => {
    // 101 statistics 0..100 shuffled: tail 0.05 → index round(0.05 · 100) = 5, and round(0.95 · 100) = 95
    const stats = Array.from({ length: 101 }, (_, i) => (i * 37) % 101);
    expect(percentileInterval(stats, { level: 0.9, resamples: 101 })).toEqual({ low: 5, high: 95, level: 0.9, method: 'bootstrap-percentile', resamples: 101 });
    // 11 statistics 0..10 at 80 %: round(0.1 · 10) = 1, round(0.9 · 10) = 9
    expect(percentileInterval([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], { level: 0.8, resamples: 11 })).toMatchObject({ low: 1, high: 9 });
    // 4 statistics at 50 %: round(0.25 · 3) = round(0.75) = 1, round(0.75 · 3) = round(2.25) = 2
    expect(percentileInterval([40, 10, 30, 20], { level: 0.5, resamples: 4 })).toMatchObject({ low: 20, high: 30 });
  });
  test('two samples are enough; a resample can draw the last sample as well as the first', () => {
    const ci = bootstrapCi([0, 1], (s) => s[s.length - 1]!, { resamples: 200, level: 0.999, seed: 5 })!;
    // the max of two draws from {0, 1} is 0 with probability 1/4: both ends occur among 200 resamples
    expect(ci).toEqual({ low: 0, high: 1, level: 0.999, method: 'bootstrap-percentile', resamples: 200 });
    const min = bootstrapCi([0, 1], (s) => s[0]!, { resamples: 200, level: 0.999, seed: 5 })!;
    expect([min.low, min.high]).toEqual([0, 1]);
  });
  test('the statistic sees each resample sorted, of the full size', () => {
    const seen: number[][] = [];
    bootstrapCi([3, 1, 2], (s) => (seen.push([...s]), 0), { resamples: 5, level: 0.9, seed: 2 });
    expect(seen).toHaveLength(5);
    for (const s of seen) {
      expect(s).toHaveLength(3);
      expect(s).toEqual([...s].sort((a, b) => a - b));
      for (const x of s) expect([1, 2, 3]).toContain(x);
    }
  });
  test('the draws follow the seeded generator: index ⌊u · n⌋ of the samples as given', () => {
    const samples = [5, 6, 7, 8];
    const rand = mulberry32(9);
    const expected: number[] = [];
    for (let r = 0; r < 3; r++) {
      const draw = samples.map(() => samples[Math.floor(rand() * samples.length)]!);
      expected.push(draw.reduce((a, b) => a + b, 0));
    }
    const seen: number[] = [];
    bootstrapCi(samples, (s) => (seen.push(s.reduce((a, b) => a + b, 0)), 0), { resamples: 3, level: 0.9, seed: 9 });
    expect(seen).toEqual(expected);
  });
  test('fewer than two samples: none', () => {
    expect(bootstrapCi([], meanOf)).toBeNull();
    expect(bootstrapCi([4], meanOf)).toBeNull();
  });
});

describe('mulberry32', () => {
  // The published algorithm (Tommy Ettinger), transcribed independently of the harness's version.
  function reference(seed: number): () => number {
    let a = seed | 0;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  test('matches the published algorithm for any seed, and stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (seed) => {
        const mine = mulberry32(seed);
        const theirs = reference(seed);
        for (let i = 0; i < 20; i++) {
          const x = mine();
          expect(x).toBe(theirs());
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('statistics name their interval method', () => {
  const xs = Array.from({ length: 30 }, (_, i) => ((i * 7) % 30) + 1); // 1..30 shuffled
  const sorted = sortSamples(xs);
  const o = { level: 0.95, resamples: 300, seed: 4 };
  test('mean', () => {
    expect(meanStatistic.value(sorted)).toBe(15.5); // 465 / 30
    expect(meanStatistic.interval(xs, sorted, o)).toEqual(meanInterval(xs, 0.95, o));
    expect(meanStatistic.interval(xs, sorted, o).ci!.method).toBe('bootstrap-t');
  });
  test('quantile, series quantile and ratio', () => {
    expect(quantileStatistic(0.5).value(sorted)).toBe(15.5);
    expect(quantileStatistic(0.5).interval(xs, sorted, o)).toEqual(quantileInterval(sorted, 0.5, 0.95));
    expect(seriesQuantileStatistic(0.25).value(sorted)).toBeCloseTo(8.25, 12); // h = 29 · 0.25 = 7.25 → 8 + 0.25
    expect(seriesQuantileStatistic(0.5).interval(xs, sorted, o).ci?.method ?? seriesQuantileStatistic(0.5).interval(xs, sorted, o).note).toMatch(/order-statistic-ess|autocorrelation|worth/);
    // p90 / p50: h = 26.1 → 27.1; 27.1 / 15.5
    expect(quantileRatioStatistic(0.9, 0.5).value(sorted)).toBeCloseTo(27.1 / 15.5, 12);
    expect(quantileRatioStatistic(0.9, 0.5).interval(xs, sorted, o)).toEqual(quantileRatioInterval(sorted, 0.9, 0.5, 0.95));
  });
});

describe('interval refusals and limits', () => {
  test('a confidence level must lie strictly inside (0, 1)', () => {
    expect(() => tCritical(0, 3)).toThrow('expected a confidence level in (0, 1), got 0');
    expect(() => studentTInterval([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => meanInterval([1, 2, 3], 0, { resamples: 10, seed: 1 })).toThrow(RangeError);
    expect(() => logMeanInterval([1, 2, 3], 1.5)).toThrow(RangeError);
    expect(() => orderStatisticRanks(10, 0.5, 1)).toThrow(RangeError);
  });
  test('degrees of freedom: 1 is enough (12.706 from the t table), less is not', () => {
    expect(tCritical(0.95, 1)).toBeCloseTo(12.7062, 3);
    expect(() => tCritical(0.95, 0.5)).toThrow('expected at least 1 degree of freedom, got 0.5');
  });
  test('Student-t: two samples are enough, one is refused with the reason', () => {
    // 1 and 3: mean 2, sd √2, se 1 → 2 ± 12.706
    const { ci } = studentTInterval([1, 3], 0.95);
    expect(ci!.low).toBeCloseTo(2 - 12.7062, 3);
    expect(ci!.high).toBeCloseTo(2 + 12.7062, 3);
    expect(studentTInterval([1], 0.95)).toEqual({ ci: null, note: "1 sample(s): a mean's interval needs at least 2" });
  });
  test('log-mean: three rounds are enough; a round that is not a positive ratio is an error naming it', () => {
    expect(logMeanInterval([1, 2, 4], 0.95).ci).not.toBeNull();
    expect(logMeanInterval([1, 2], 0.95)).toEqual({ ci: null, note: '2 round(s): an interval needs at least 3 (fewer leave too few degrees of freedom to trust)' });
    expect(() => logMeanInterval([1, -2, 3], 0.95)).toThrow('expected positive ratios, got -2');
    expect(() => logMeanInterval([1, Number.NaN, 3], 0.95)).toThrow(/got NaN/);
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
  });
  test('bootstrap-t: exactly the minimum count gets an interval, one fewer is refused with the reason', () => {
    const xs = Array.from({ length: MEAN_MIN_N }, (_, i) => i % 4);
    expect(meanInterval(xs, 0.95, { resamples: 50, seed: 1 }).ci).not.toBeNull();
    expect(meanInterval(xs.slice(1), 0.95, { resamples: 50, seed: 1 })).toEqual({ ci: null, note: '19 sample(s): a mean of skewed data needs at least 20 for its interval to keep the 95 % level' });
    expect(meanInterval(Array(20).fill(7), 0.9, { resamples: 50, seed: 1 })).toEqual({ ci: { low: 7, high: 7, level: 0.9, method: 'bootstrap-t', resamples: 0 }, note: 'every sample has the same value' });
  });
  test('bootstrap-t: resamples with no spread make the studentized interval unbounded, so it is refused', () => {
    // 19 zeros and a one: (19/20)^20 ≈ 36 % of resamples are all zeros, whose t is −∞ (their mean is below 0.05)
    const xs = [...Array(19).fill(0), 1];
    expect(meanInterval(xs, 0.95, { resamples: 200, seed: 1 })).toEqual({ ci: null, note: 'too many resamples had no spread for a studentized interval' });
  });
});

describe('bootstrap-t against its definition', () => {
  // Efron & Tibshirani (1993) ch. 12, written out plainly: t* = (mean* − mean) / se*, interval
  // [mean − t*(1 − α/2) · se, mean − t*(α/2) · se], the k-th of B sorted t* taken as the k/(B + 1) quantile.
  function plainBootstrapT(xs: number[], level: number, resamples: number, seed: number): { low: number; high: number } {
    const n = xs.length;
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
    const se = sd / Math.sqrt(n);
    const rand = mulberry32(seed);
    const ts: number[] = [];
    for (let r = 0; r < resamples; r++) {
      const draw: number[] = [];
      for (let i = 0; i < n; i++) draw.push(xs[Math.floor(rand() * n)]!);
      const mr = draw.reduce((a, b) => a + b, 0) / n;
      const sdr = Math.sqrt(draw.reduce((a, x) => a + (x - mr) ** 2, 0) / (n - 1));
      ts.push((mr - m) / (sdr / Math.sqrt(n)));
    }
    ts.sort((a, b) => a - b);
    const alpha = 1 - level;
    const kth = (p: number) => ts[Math.min(resamples, Math.max(1, Math.floor(p * (resamples + 1)))) - 1]!;
    return { low: m - kth(1 - alpha / 2) * se, high: m - kth(alpha / 2) * se };
  }

  test('the same interval on skewed data, for several levels and resample counts', () => {
    // 24 skewed samples: a few large values among many small ones
    const xs = Array.from({ length: 24 }, (_, i) => (i % 6 === 0 ? 20 + i : 1 + (i % 5)));
    for (const [level, resamples, seed] of [
      [0.95, 999, 3],
      [0.9, 199, 8],
      [0.8, 9, 1],
      [0.99, 50, 2],
    ] as const) {
      const got = meanInterval(xs, level, { resamples, seed }).ci!;
      const want = plainBootstrapT(xs, level, resamples, seed);
      expect(got.low).toBeCloseTo(want.low, 9);
      expect(got.high).toBeCloseTo(want.high, 9);
      expect(got).toMatchObject({ level, method: 'bootstrap-t', resamples });
    }
  });

  test('skew moves the interval: the bootstrap-t reaches further on the long side than the t-interval', () => {
    const xs = Array.from({ length: 24 }, (_, i) => (i % 6 === 0 ? 20 + i : 1 + (i % 5)));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const boot = meanInterval(xs, 0.95, { resamples: 999, seed: 3 }).ci!;
    expect(boot.high - m).toBeGreaterThan(m - boot.low);
  });
});

describe('order statistics, small cases by hand', () => {
  test('binomial CDF at the ends of q', () => {
    expect([...binomialCdf(3, 0)]).toEqual([1, 1, 1, 1]);
    expect([...binomialCdf(3, -0.5)]).toEqual([1, 1, 1, 1]);
    expect([...binomialCdf(3, 1)]).toEqual([0, 0, 0, 1]);
    // Binomial(2, 0.25): 0.5625, 0.9375, 1
    const c = [...binomialCdf(2, 0.25)];
    expect(c[0]).toBeCloseTo(0.5625, 12);
    expect(c[1]).toBeCloseTo(0.9375, 12);
    expect(c[2]).toBe(1);
  });
  test('equal width, equal balance: the first pair found (lower ranks) wins', () => {
    // Binomial(6, ½) CDF: 1, 7, 22, 42, 57, 63, 64 (/64). At 85 %: (1, 5) covers 57/64 − 1/64 = 56/64 and
    // (2, 6) covers 63/64 − 7/64 = 56/64, both 4 ranks wide, tails 1/64 + 7/64 either way round; no 3-wide pair
    // reaches 85 % ((2, 5): 50/64).
    expect(orderStatisticRanks(6, 0.5, 0.85)).toEqual({ l: 1, u: 5, coverage: expect.closeTo(56 / 64, 12) });
    // at 90 % only (1, 6) = 62/64 will do
    expect(orderStatisticRanks(6, 0.5, 0.9)).toEqual({ l: 1, u: 6, coverage: expect.closeTo(62 / 64, 12) });
  });
  test('equal width, the more balanced tails win', () => {
    // Binomial(8, ¼) CDF: c0 .1001, c1 .3671, c2 .6785, c3 .8862, c4 .9727, c5 .9958.
    // At 50 %: width 2 → (1, 3) covers c2 − c0 = .5784, (2, 4) covers c3 − c1 = .5191: both reach 50 %;
    // tails: (1, 3) .1001 below, 1 − .6785 = .3215 above (imbalance .2214); (2, 4) .3671 below, .1138 above (.2533).
    expect(orderStatisticRanks(8, 0.25, 0.5)).toEqual({ l: 1, u: 3, coverage: expect.closeTo(0.578430, 5) });
    // At 60 %: no width-2 pair; width 3: (1, 4) c3 − c0 = .7861 and (2, 5) c4 − c1 = .6056, tails (1, 4): .1001 vs
    // .1138 (.0137); (2, 5): .3671 vs .0273 (.3398) → (1, 4)
    expect(orderStatisticRanks(8, 0.25, 0.6)).toEqual({ l: 1, u: 4, coverage: expect.closeTo(0.786072, 5) });
  });
  test('q must lie strictly inside (0, 1); fewer than two samples have no pair', () => {
    expect(() => orderStatisticRanks(10, 0, 0.95)).toThrow('expected a quantile in (0, 1), got 0');
    expect(() => orderStatisticRanks(10, 1, 0.95)).toThrow(RangeError);
    expect(orderStatisticRanks(1, 0.5, 0.5)).toBeNull();
    expect(orderStatisticRanks(2, 0.5, 0.5)).toEqual({ l: 1, u: 2, coverage: 0.5 });
  });
  test('the same question answered twice gives the same answer', () => {
    const a = orderStatisticRanks(40, 0.9, 0.9);
    expect(orderStatisticRanks(40, 0.9, 0.9)).toEqual(a);
    expect(orderStatisticRanks(40, 0.9, 0.95)).not.toEqual(a);
  });
});

describe('more refusals, each with its reason', () => {
  test('a ratio of 0 is named', () => {
    expect(() => logMeanInterval([1, 0, 3], 0.95)).toThrow('expected positive ratios, got 0');
  });

  test('bootstrap-t: resamples that land exactly on the mean with no spread count as t = 0, not as a gap', () => {
    // 18 zeros, −1 and 1: mean 0. A resample of only zeros (about 12 % of them) has mean 0 and no spread: t = 0.
    const xs = [...Array(18).fill(0), -1, 1];
    const { ci } = meanInterval(xs, 0.95, { resamples: 200, seed: 3 });
    expect(ci).not.toBeNull();
    expect(Number.isFinite(ci!.low) && Number.isFinite(ci!.high)).toBe(true);
  });

  test('a ratio of quantiles: the quantile that has no interval says why; a lower quantile of 0 bounds nothing', () => {
    expect(quantileRatioInterval(sortSamples([1, 2, 3, 4, 5]), 0.99, 0.5, 0.95)).toEqual({
      ci: null,
      note: '5 sample(s): no 97.5 % interval exists for p99 below 368 samples (each quantile of the ratio needs 97.5 %)',
    });
    // 60 zeros then 60..99: the median's interval starts at 0
    const zeros = sortSamples(Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i)));
    expect(quantileRatioInterval(zeros, 0.9, 0.5, 0.95)).toEqual({ ci: null, note: 'the lower quantile can be 0: the ratio has no upper bound' });
  });

  test('a series quantile: too few effective samples, or a window its autocorrelation spans', () => {
    const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const nine = alternating(9);
    expect(seriesQuantileInterval(nine, sortSamples(nine), 0.5, 0.95)).toEqual({
      ci: null,
      note: '9 samples with autocorrelation time 1.0 are worth 9.0 independent ones: p50 needs 10',
    });
    // exactly 10 effective samples are enough: the median of 10 gets ranks 2 and 9 (as for independent samples)
    const ten = alternating(10);
    expect(seriesQuantileInterval(ten, sortSamples(ten), 0.5, 0.95).ci).toMatchObject({ low: -1, high: 1, method: 'order-statistic-ess' });
    const trend = Array.from({ length: 200 }, (_, i) => i);
    expect(seriesMeanInterval(trend, 0.95)).toEqual({ ci: null, note: '200 samples: their autocorrelation spans the window, so the mean has no trustworthy interval' });
    expect(seriesQuantileInterval(trend, sortSamples(trend), 0.5, 0.95)).toEqual({
      ci: null,
      note: '200 samples: their autocorrelation spans the window, so p50 has no trustworthy interval',
    });
  });
});

describe('batch means by hand', () => {
  // An alternating ±1 series: lag-1 autocorrelation −1, so Sokal's window stops at lag 1 with τ clamped to 1.
  const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));

  test('more than 30 batches of 6 τ are merged into 30, each ⌊n / 30⌋ long', () => {
    // n 1000: batches of 6 would make 166; 30 batches of 33 instead. 33 is odd, so the batch means alternate ±1/33:
    // their sd is (1/33)·√(30/29), and the half-width t(0.95, 29) · sd / √30 = t / (33 · √29) around the mean 0.
    const r = seriesMeanInterval(alternating(1000), 0.95);
    const half = tCritical(0.95, 29) / (33 * Math.sqrt(29));
    expect(r.note).toBe('ticks are autocorrelated (τ = 1.0): 30 batch means of 33 ticks');
    expect(r.ci!.low).toBeCloseTo(-half, 12);
    expect(r.ci!.high).toBeCloseTo(half, 12);
    expect(r.ci).toMatchObject({ level: 0.95, method: 'batch-means-t' });
  });

  test('fewer than 5 batches: refused with the count; exactly 5 is enough', () => {
    expect(seriesMeanInterval(alternating(29), 0.95)).toEqual({
      ci: null,
      note: "29 samples with autocorrelation time 1.0: fewer than 5 batches of 6, too few for the mean's interval",
    });
    // 30 samples: 5 batches of 6, each with mean 0
    expect(seriesMeanInterval(alternating(30), 0.95)).toEqual({ ci: { low: 0, high: 0, level: 0.95, method: 'batch-means-t' }, note: 'every batch of ticks had the same mean' });
  });
});

describe('the percentile method is named in the report', () => {
  test('type 7', async () => {
    const { PERCENTILE_METHOD } = await import('../../harness/stats/summary.ts');
    expect(PERCENTILE_METHOD).toBe('linear interpolation between closest ranks (Hyndman-Fan type 7)');
  });
});
