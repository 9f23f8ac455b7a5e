// Series intervals (harness/stats/interval.ts) checked where the answer is known exactly: τ does not depend on the
// level or scale of the series, batch sizes follow τ, and a series with no positive autocorrelation gets the very
// ranks of independent samples.
import { describe, expect, test } from 'vitest';
import { autocorrelationTime, meanInterval, orderStatisticRanks, quantileInterval, seriesMeanInterval, seriesQuantileInterval } from '../../harness/stats/interval.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';
import { sortSamples } from '../../harness/stats/summary.ts';

const rand = mulberry32(21);
const z = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const ar1 = (n: number, phi: number) => {
  let x = 0;
  return Array.from({ length: n }, () => (x = phi * x + Math.sqrt(1 - phi * phi) * z()));
};

describe('autocorrelation time', () => {
  test('does not change when the series is shifted or scaled', () => {
    const xs = ar1(400, 0.6);
    const tau = autocorrelationTime(xs)!;
    expect(tau).toBeGreaterThan(1.5);
    expect(autocorrelationTime(xs.map((x) => x + 100))!).toBeCloseTo(tau, 9);
    expect(autocorrelationTime(xs.map((x) => x * 10))!).toBeCloseTo(tau, 9);
  });
  test('four alternating ticks: the window of one lag is enough, and τ is at least 1', () => {
    // lag 1: c = −3/4 of c0 = 1 → τ = 1 − 1.5 < 0, and 1 ≥ 5τ: the window closes at the only lag a quarter allows
    expect(autocorrelationTime([1, -1, 1, -1])).toBe(1);
  });
});

describe('batch means', () => {
  test('batches are ⌈6 τ⌉ ticks long while fewer than 30 fit', () => {
    const xs = ar1(300, 0.5);
    const tau = autocorrelationTime(xs)!;
    const size = Math.ceil(6 * tau);
    expect(size).toBeGreaterThan(6);
    expect(seriesMeanInterval(xs, 0.95).note).toBe(`ticks are autocorrelated (τ = ${tau.toFixed(1)}): ${Math.floor(300 / size)} batch means of ${size} ticks`);
  });
});

describe('series quantiles without positive autocorrelation', () => {
  // Alternating signs with distinct sizes: strongly negative lag-1 correlation, so τ = 1 and n / τ = n.
  const xs = Array.from({ length: 40 }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / 100));
  const sorted = sortSamples(xs);
  test.each([0.5, 0.25, 0.75])('p%s: the same ranks as independent samples', (q) => {
    expect(autocorrelationTime(xs)).toBe(1);
    const iid = quantileInterval(sorted, q, 0.95).ci!;
    expect(seriesQuantileInterval(xs, sorted, q, 0.95)).toEqual({
      ci: { ...iid, method: 'order-statistic-ess' },
      note: 'ticks are autocorrelated (τ = 1.0): ranks of 40 independent samples',
    });
    // the interval is strictly inside the sample: neither end is the minimum or the maximum
    expect(iid.low).toBeGreaterThan(sorted[0]!);
    expect(iid.high).toBeLessThan(sorted[39]!);
  });
});

describe('bootstrap-t with resamples that have no spread', () => {
  test('a resample of only the common value lies below the mean: t = −∞ sits at the low end, not the high', () => {
    // 16 ones among 20: about (16/20)^20 ≈ 1.2 % of resamples are all ones (mean 1 < 1.5): t = −∞, fewer than the
    // 2.5 % tail, so the interval stays finite. Were they +∞ they would take the top of the t distribution instead,
    // and the lower end would move.
    const xs = [...Array(16).fill(1), 2, 3, 4, 5];
    const n = xs.length;
    const m = 1.5;
    const se = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) / n);
    const r = mulberry32(5);
    const ts: number[] = [];
    for (let b = 0; b < 999; b++) {
      const draw = Array.from({ length: n }, () => xs[Math.floor(r() * n)]!);
      const mr = draw.reduce((a, x) => a + x, 0) / n;
      const ser = Math.sqrt(draw.reduce((a, x) => a + (x - mr) ** 2, 0) / (n - 1) / n);
      ts.push((mr - m) / ser); // (1 − 1.5) / 0 = −∞
    }
    ts.sort((a, b) => a - b);
    const infinite = ts.filter((t) => t === Number.NEGATIVE_INFINITY).length;
    expect(infinite).toBeGreaterThan(0);
    expect(infinite).toBeLessThan(24); // the 25th of 999 sorted values is the 2.5 % quantile
    const got = meanInterval(xs, 0.95, { resamples: 999, seed: 5 }).ci!;
    expect(got.low).toBeCloseTo(m - ts[999 - 25]! * se, 9);
    expect(got.high).toBeCloseTo(m - ts[24]! * se, 9);
  });
});

describe('order-statistic ranks: among pairs of equal width the balanced one wins, wherever it is found', () => {
  test('median of 6 at 60 %: (2, 5), not the first 3-wide pair (1, 4)', () => {
    // Binomial(6, ½) CDF ×64: 1, 7, 22, 42, 57, 63, 64. No 2-wide pair reaches 60 % ((2, 4): 35/64). 3-wide:
    // (1, 4) covers 41/64 with tails 1/64 and 22/64; (2, 5) covers 50/64 with tails 7/64 and 7/64; (3, 6) mirrors (1, 4).
    expect(orderStatisticRanks(6, 0.5, 0.6)).toEqual({ l: 2, u: 5, coverage: expect.closeTo(50 / 64, 12) });
  });
  test('p75 of 8 at 50 %: (6, 8), the later of two 2-wide pairs', () => {
    // Binomial(8, ¾) CDF: c4 .11381, c5 .32146, c6 .63292, c7 .89989. (5, 7): c6 − c4 = .5191, tails .1138 / .3671;
    // (6, 8): c7 − c5 = .5784, tails .3215 / .1001, the smaller imbalance.
    expect(orderStatisticRanks(8, 0.75, 0.5)).toEqual({ l: 6, u: 8, coverage: expect.closeTo(0.578430, 5) });
  });
});
