// Hand-checked values for the interval methods (harness/stats/interval.ts); their coverage is simulated in
// interval-coverage.test.ts.
import { describe, expect, test } from 'vitest';
import {
  autocorrelationTime,
  binomialCdf,
  geometricMean,
  logMeanInterval,
  meanInterval,
  minimumQuantileN,
  orderStatisticRanks,
  quantileInterval,
  quantileRatioInterval,
  seriesMeanInterval,
  seriesQuantileInterval,
  studentTInterval,
  tCritical,
} from '../../harness/stats/interval.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';
import { percentile, sortSamples } from '../../harness/stats/summary.ts';

describe('Student-t', () => {
  test('critical values from the t table', () => {
    expect(tCritical(0.95, 2)).toBeCloseTo(4.3027, 4);
    expect(tCritical(0.95, 9)).toBeCloseTo(2.2622, 4);
    expect(tCritical(0.9, 4)).toBeCloseTo(2.1318, 4);
    expect(() => tCritical(1, 3)).toThrow(RangeError);
    expect(() => tCritical(0.95, 0)).toThrow(RangeError);
  });
  test('mean of 1, 2, 3: 2 ± 4.3027 · 1/√3', () => {
    const { ci } = studentTInterval([1, 2, 3], 0.95);
    expect(ci!.low).toBeCloseTo(2 - 2.48414, 4);
    expect(ci!.high).toBeCloseTo(2 + 2.48414, 4);
    expect(ci!.method).toBe('student-t');
    expect(ci!.level).toBe(0.95);
    expect(studentTInterval([1], 0.95).ci).toBeNull();
  });
  test('the geometric mean of ratios: the same interval on the logs, exponentiated', () => {
    const ratios = [1, Math.E, Math.E ** 2];
    expect(geometricMean(ratios)).toBeCloseTo(Math.E, 12);
    const { ci } = logMeanInterval(ratios, 0.95);
    expect(Math.log(ci!.low)).toBeCloseTo(1 - 2.48414, 4);
    expect(Math.log(ci!.high)).toBeCloseTo(1 + 2.48414, 4);
    expect(ci!.method).toBe('student-t-log');
    // a 90 % interval is narrower, and says so
    const ninety = logMeanInterval(ratios, 0.9).ci!;
    expect(ninety.level).toBe(0.9);
    expect(ninety.high).toBeLessThan(ci!.high);
    expect(() => logMeanInterval([1, 0, 2], 0.95)).toThrow(/positive/);
    expect(logMeanInterval([1.1, 1.2], 0.95)).toEqual({ ci: null, note: expect.stringMatching(/2 round\(s\)/) });
  });
});

describe('bootstrap-t mean', () => {
  const xs = Array.from({ length: 25 }, (_, i) => 10 + ((i * 7) % 5));
  test('refuses below 20 samples, with the reason', () => {
    expect(meanInterval(xs.slice(0, 19), 0.95, { resamples: 200, seed: 1 })).toEqual({ ci: null, note: expect.stringMatching(/19 sample\(s\).*at least 20/) });
  });
  test('contains the mean, is deterministic for a seed, and is wider at a higher level', () => {
    const a = meanInterval(xs, 0.95, { resamples: 999, seed: 4 }).ci!;
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(a.low).toBeLessThan(m);
    expect(a.high).toBeGreaterThan(m);
    expect(a).toEqual(meanInterval(xs, 0.95, { resamples: 999, seed: 4 }).ci);
    expect(a.method).toBe('bootstrap-t');
    expect(a.resamples).toBe(999);
    const wider = meanInterval(xs, 0.99, { resamples: 999, seed: 4 }).ci!;
    expect(wider.high - wider.low).toBeGreaterThan(a.high - a.low);
    // close to the t-interval on symmetric data
    const t = studentTInterval(xs, 0.95).ci!;
    expect(a.high - a.low).toBeGreaterThan((t.high - t.low) * 0.8);
    expect(a.high - a.low).toBeLessThan((t.high - t.low) * 1.25);
  });
  test('no spread, no width', () => {
    expect(meanInterval(Array(20).fill(3), 0.95, { resamples: 100, seed: 1 }).ci).toMatchObject({ low: 3, high: 3 });
  });
});

describe('order statistics', () => {
  test('binomial CDF', () => {
    [0.125, 0.5, 0.875, 1].forEach((p, k) => expect(binomialCdf(3, 0.5)[k]).toBeCloseTo(p, 12));
    const big = binomialCdf(20_000, 0.5); // would underflow outside log space
    expect(big[10_000]!).toBeCloseTo(0.5028, 3);
    expect(big[20_000]).toBe(1);
  });
  test('median of 10: x(2)..x(9), coverage 1 − 2·11/1024', () => {
    expect(orderStatisticRanks(10, 0.5, 0.95)).toEqual({ l: 2, u: 9, coverage: expect.closeTo(1 - 22 / 1024, 12) });
    // five samples can reach at most 30/32 for the median
    expect(orderStatisticRanks(5, 0.5, 0.95)).toBeNull();
    expect(orderStatisticRanks(5, 0.5, 0.9)).toEqual({ l: 1, u: 5, coverage: expect.closeTo(30 / 32, 12) });
  });
  test('the smallest n that can claim 95 %: 6 for p50, 59 for p95, 299 for p99', () => {
    expect(minimumQuantileN(0.5, 0.95)).toBe(6);
    expect(minimumQuantileN(0.95, 0.95)).toBe(59);
    expect(minimumQuantileN(0.99, 0.95)).toBe(299);
    // 59 samples: only the maximum can bound p95 from above, and P(B ≤ 58) = 1 − 0.95^59 ≥ 0.95
    expect(orderStatisticRanks(59, 0.95, 0.95)!.u).toBe(59);
    expect(orderStatisticRanks(58, 0.95, 0.95)).toBeNull();
  });
  test('20 latencies: p50 gets an interval, p95 is refused with the reason', () => {
    const s = sortSamples(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(quantileInterval(s, 0.5, 0.95).ci).toMatchObject({ low: 6, high: 15, method: 'order-statistic' });
    expect(quantileInterval(s, 0.95, 0.95)).toEqual({ ci: null, note: '20 sample(s): no 95 % interval exists for p95 below 59 samples' });
  });
  test('the interval always contains the type-7 estimate', () => {
    const rand = mulberry32(3);
    for (let t = 0; t < 300; t++) {
      const n = 6 + Math.floor(rand() * 500);
      const s = sortSamples(Array.from({ length: n }, () => Math.exp(rand() * 3)));
      for (const q of [0.5, 0.9, 0.95, 0.99]) {
        const { ci } = quantileInterval(s, q, 0.95);
        if (!ci) continue;
        expect(ci.low).toBeLessThanOrEqual(percentile(s, q));
        expect(ci.high).toBeGreaterThanOrEqual(percentile(s, q));
      }
    }
  });
  test('ratio of quantiles: both at 97.5 %, the extreme ratios', () => {
    const s = sortSamples(Array.from({ length: 1000 }, (_, i) => 1 + i / 100));
    const top = quantileInterval(s, 0.99, 0.975).ci!;
    const bottom = quantileInterval(s, 0.5, 0.975).ci!;
    expect(quantileRatioInterval(s, 0.99, 0.5, 0.95).ci).toEqual({ low: top.low / bottom.high, high: top.high / bottom.low, level: 0.95, method: 'order-statistic-ratio' });
    expect(quantileRatioInterval(sortSamples([0, 0, 0, 0, 0, 0, 0, 1, 2, 3]), 0.6, 0.5, 0.5).ci).toBeNull();
  });
});

describe('autocorrelated series', () => {
  const rand = mulberry32(9);
  const z = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const ar1 = (n: number, phi: number) => {
    let x = 0;
    return Array.from({ length: n }, () => (x = phi * x + Math.sqrt(1 - phi * phi) * z()));
  };
  test('integrated autocorrelation time: about 1 for independent samples, (1 + φ)/(1 − φ) for AR(1)', () => {
    expect(autocorrelationTime(ar1(20_000, 0))!).toBeCloseTo(1, 0);
    expect(autocorrelationTime(ar1(20_000, 0.5))!).toBeGreaterThan(2.6);
    expect(autocorrelationTime(ar1(20_000, 0.5))!).toBeLessThan(3.4);
    expect(autocorrelationTime(Array(50).fill(2))).toBe(1);
    // a trend never decorrelates within a quarter of the window
    expect(autocorrelationTime(Array.from({ length: 200 }, (_, i) => i))).toBeNull();
  });
  test('the mean: batches of ≥ 6 τ, at least 5 of them, or no interval', () => {
    const xs = ar1(1000, 0.5);
    const r = seriesMeanInterval(xs, 0.95);
    expect(r.ci!.method).toBe('batch-means-t');
    expect(r.note).toMatch(/batch means of \d+ ticks/);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(r.ci!.low).toBeLessThan(m);
    expect(r.ci!.high).toBeGreaterThan(m);
    // wider than the naive interval that treats every tick as independent
    const naive = studentTInterval(xs, 0.95).ci!;
    expect(r.ci!.high - r.ci!.low).toBeGreaterThan(naive.high - naive.low);
    expect(seriesMeanInterval(ar1(40, 0.9), 0.95).ci).toBeNull();
    expect(seriesMeanInterval(Array(100).fill(0), 0.95)).toEqual({ ci: { low: 0, high: 0, level: 0.95, method: 'batch-means-t' }, note: 'every batch of ticks had the same mean' });
  });
  test('a quantile at the effective sample size: p99 of 300 correlated ticks is refused', () => {
    const xs = ar1(300, 0.5);
    expect(seriesQuantileInterval(xs, sortSamples(xs), 0.99, 0.95)).toEqual({ ci: null, note: expect.stringMatching(/worth \d+ independent ones: no 95 % interval exists for p99 below 299/) });
    const long = ar1(3000, 0.5);
    const { ci } = seriesQuantileInterval(long, sortSamples(long), 0.99, 0.95);
    expect(ci!.method).toBe('order-statistic-ess');
    // wider than the independent-sample interval of the same ticks
    const iid = quantileInterval(sortSamples(long), 0.99, 0.95).ci!;
    expect(ci!.high - ci!.low).toBeGreaterThan(iid.high - iid.low);
  });
});
