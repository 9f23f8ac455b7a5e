// Seeded coverage simulation: does each interval method cover the true value as often as it claims? For every
// statistic the harness puts an interval on, at the sample sizes the defaults produce (3, 5, 10 and 30 rounds or
// requests; hundreds to thousands of sampler ticks) and on normal as well as skewed data, the nominal-95 % interval
// must contain the generating distribution's true value in at least 93 % of the trials in which it claims one.
// Where a method refuses (too few samples to claim the level), the test checks that it does refuse.
import { describe, expect, test, vi } from 'vitest';
import {
  logMeanInterval,
  meanInterval,
  MEAN_MIN_N,
  quantileInterval,
  quantileRatioInterval,
  seriesMeanInterval,
  seriesQuantileInterval,
  type Interval,
} from '../../harness/stats/interval.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';
import { sortSamples } from '../../harness/stats/summary.ts';

// Pure computation, a few seconds in all on a quiet machine; other helpers' builds can slow it tenfold.
vi.setConfig({ testTimeout: 120_000 });

const LEVEL = 0.95;
const FLOOR = 0.93;

/** Standard normal draws (Box–Muller) from a seeded generator. */
function normalSource(seed: number): () => number {
  const rand = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

interface Distribution {
  name: string;
  draw: (rand: () => number, z: () => number) => number;
  mean: number;
  /** exp(E[log X]), for positive distributions. */
  geometricMean?: number;
  /** Inverse CDF. */
  quantile: (q: number) => number;
}

// Φ⁻¹ by bisection on the error function's complement is overkill here: Acklam's rational approximation
// (relative error < 1.2e-9) is plenty for a true value.
function probit(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

const EULER_GAMMA = 0.5772156649015329;
const NORMAL: Distribution = { name: 'normal(10, 2)', draw: (_r, z) => 10 + 2 * z(), mean: 10, quantile: (q) => 10 + 2 * probit(q) };
const EXPONENTIAL: Distribution = { name: 'exponential(1)', draw: (r) => -Math.log(1 - r()), mean: 1, geometricMean: Math.exp(-EULER_GAMMA), quantile: (q) => -Math.log(1 - q) };
const LOGNORMAL: Distribution = {
  name: 'lognormal(0, 0.5)',
  draw: (_r, z) => Math.exp(0.5 * z()),
  mean: Math.exp(0.125),
  geometricMean: 1,
  quantile: (q) => Math.exp(0.5 * probit(q)),
};
// Ratios of a probe round (foreground time over idle): never below ~1, with an exponential tail of slowdowns.
const SLOWDOWN_RATIO: Distribution = {
  name: '1 + exponential(0.2)',
  draw: (r) => 1 - 0.2 * Math.log(1 - r()),
  mean: 1.2,
  // E[log(1 + 0.2 E)] by the midpoint rule over the exponential's quantiles.
  geometricMean: Math.exp(Array.from({ length: 200_000 }, (_, i) => Math.log(1 - 0.2 * Math.log(1 - (i + 0.5) / 200_000))).reduce((a, b) => a + b, 0) / 200_000),
  quantile: (q) => 1 - 0.2 * Math.log(1 - q),
};
const POSITIVE_NORMAL: Distribution = { name: 'normal(1.15, 0.1) ratios', draw: (_r, z) => 1.15 + 0.1 * z(), mean: 1.15, quantile: (q) => 1.15 + 0.1 * probit(q) };

/** Share of trials whose interval contains the truth, among those that claimed one; and how many refused. */
function coverage(trials: number, seed: number, sample: (rand: () => number, z: () => number) => number[], interval: (xs: number[]) => Interval, truth: number) {
  const rand = mulberry32(seed);
  const z = normalSource(seed + 1);
  let claimed = 0;
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const { ci } = interval(sample(rand, z));
    if (!ci) continue;
    claimed++;
    if (ci.low <= truth && truth <= ci.high) covered++;
  }
  return { claimed, rate: claimed === 0 ? Number.NaN : covered / claimed };
}

const draws = (d: Distribution, n: number) => (rand: () => number, z: () => number) => Array.from({ length: n }, () => d.draw(rand, z));

describe('geometric mean of ratios (Student-t on logs): the invisibility rounds and the paired differences', () => {
  const truthOf = (d: Distribution) => d.geometricMean ?? Math.exp(Array.from({ length: 100_000 }, (_, i) => Math.log(d.quantile((i + 0.5) / 100_000))).reduce((a, b) => a + b, 0) / 100_000);
  for (const d of [LOGNORMAL, EXPONENTIAL, POSITIVE_NORMAL]) {
    for (const n of [3, 5, 10, 30]) {
      test(`${d.name}, n = ${n}`, () => {
        // Closed form, so many trials: the exponential sits near 93.3 % at n = 5, and the estimate must be tight.
        const r = coverage(20_000, 11 * n, draws(d, n), (xs) => logMeanInterval(xs, LEVEL), truthOf(d));
        expect(r.claimed).toBe(20_000);
        expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
      });
    }
  }
  test('known limit: ratios whose logs have a long right tail (1 + exponential slowdowns) are covered less than claimed', () => {
    // Kept as a test so the limit stays visible: t on logs assumes the logs are not strongly right-skewed.
    const r = coverage(20_000, 3, draws(SLOWDOWN_RATIO, 5), (xs) => logMeanInterval(xs, LEVEL), truthOf(SLOWDOWN_RATIO));
    expect(r.rate).toBeGreaterThan(0.85);
    expect(r.rate).toBeLessThan(FLOOR);
  });
  test('two rounds claim nothing', () => {
    expect(logMeanInterval([1.1, 1.2], LEVEL)).toEqual({ ci: null, note: expect.stringMatching(/at least 3/) });
  });
});

describe('mean of independent samples (bootstrap-t): decode and prefill speed over requests', () => {
  for (const d of [NORMAL, EXPONENTIAL, LOGNORMAL]) {
    for (const n of [3, 5, 10]) {
      test(`${d.name}, n = ${n}: refused, below ${MEAN_MIN_N}`, () => {
        const r = coverage(50, n, draws(d, n), (xs) => meanInterval(xs, LEVEL, { resamples: 200, seed: 1 }), d.mean);
        expect(r.claimed).toBe(0);
      });
    }
    for (const n of [MEAN_MIN_N, 30]) {
      // 1,000 trials × 999 resamples: the heaviest part of this file, so a generous timeout for a loaded machine.
      test(`${d.name}, n = ${n}`, { timeout: 120_000 }, () => {
        const r = coverage(1000, 7 * n, draws(d, n), (xs) => meanInterval(xs, LEVEL, { resamples: 999, seed: xs.length }), d.mean);
        expect(r.claimed).toBe(1000);
        expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
      });
    }
  }
});

describe('quantiles of independent samples (order statistics): latency and TTFT percentiles', () => {
  for (const d of [NORMAL, EXPONENTIAL, LOGNORMAL]) {
    for (const q of [0.5, 0.95, 0.99]) {
      for (const n of [3, 5, 10, 30, 100, 400]) {
        test(`${d.name}, p${q * 100}, n = ${n}`, () => {
          const r = coverage(n >= 100 ? 1000 : 3000, 13 * n + q * 100, draws(d, n), (xs) => quantileInterval(sortSamples(xs), q, LEVEL), d.quantile(q));
          const canClaim = { 0.5: 6, 0.95: 59, 0.99: 299 }[q]!;
          if (n < canClaim) expect(r.claimed).toBe(0);
          else expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
        });
      }
    }
  }
  test('p99/p50 (both at half the error)', () => {
    for (const d of [EXPONENTIAL, LOGNORMAL]) {
      const r = coverage(800, 5, draws(d, 400), (xs) => quantileRatioInterval(sortSamples(xs), 0.99, 0.5, LEVEL), d.quantile(0.99) / d.quantile(0.5));
      expect(r.claimed).toBe(800);
      expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
    }
    expect(quantileRatioInterval(sortSamples(draws(EXPONENTIAL, 30)(mulberry32(1), normalSource(2))), 0.99, 0.5, LEVEL).ci).toBeNull();
  });
});

/** Gaussian AR(1) with coefficient phi around `mean`, unit marginal variance; started from its stationary law. */
function ar1(n: number, phi: number, mean: number) {
  return (_rand: () => number, z: () => number) => {
    const out = new Array<number>(n);
    let x = z();
    const s = Math.sqrt(1 - phi * phi);
    for (let i = 0; i < n; i++) {
      out[i] = mean + x;
      x = phi * x + s * z();
    }
    return out;
  };
}

/** A server's CPU ticks: busy (around 80 %) or idle (around 2 %) spells of geometric length, skewed and autocorrelated. */
function onOff(n: number, stay: number) {
  return (rand: () => number) => {
    const out = new Array<number>(n);
    let busy = rand() < 0.5;
    for (let i = 0; i < n; i++) {
      out[i] = busy ? 80 + 10 * (rand() - 0.5) : 2 * rand();
      if (rand() > stay) busy = !busy;
    }
    return out;
  };
}

describe('autocorrelated sampler ticks (effective sample size): CPU mean and p99 of a window', () => {
  for (const n of [100, 300, 1000]) {
    for (const phi of [0, 0.5, 0.8]) {
      // φ = 0.8 is an autocorrelation time of 9 ticks: 100 ticks are worth about 11 independent ones (known limit below).
      if (phi === 0.8 && n === 100) continue;
      test(`mean of AR(1) φ = ${phi}, n = ${n}`, () => {
        const r = coverage(800, n + phi * 10, ar1(n, phi, 40), (xs) => seriesMeanInterval(xs, LEVEL), 40);
        expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
        expect(r.claimed).toBeGreaterThan(600);
      });
    }
    test(`mean of on/off busy spells (mean length 5 ticks), n = ${n}`, () => {
      // Symmetric switching: busy half the time in the long run, so the true mean is (80 + 1) / 2.
      const r = coverage(800, n, onOff(n, 0.8), (xs) => seriesMeanInterval(xs, LEVEL), 40.5);
      expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
      if (n >= 300) expect(r.claimed).toBeGreaterThan(700);
    });
  }
  test('known limit: a window only ~30 autocorrelation times long is claimed when τ is underestimated, and then covers less', () => {
    // AR(1) φ = 0.8, 100 ticks: the interval is claimed in about a third of windows (those whose τ came out low)
    // and covers about 89 % of those. Kept as a test so the limit stays visible.
    const r = coverage(800, 8, ar1(100, 0.8, 40), (xs) => seriesMeanInterval(xs, LEVEL), 40);
    expect(r.claimed).toBeLessThan(400);
    expect(r.rate).toBeLessThan(FLOOR);
  });
  for (const [q, n] of [
    [0.99, 3000],
    [0.95, 1000],
    [0.5, 300],
  ] as const) {
    test(`p${q * 100} of AR(1) φ = 0.5, n = ${n}`, () => {
      const r = coverage(400, n, ar1(n, 0.5, 0), (xs) => seriesQuantileInterval(xs, sortSamples(xs), q, LEVEL), probit(q));
      expect(r.claimed).toBeGreaterThan(300);
      expect(r.rate).toBeGreaterThanOrEqual(FLOOR);
    });
  }
  test('p99 of 300 correlated ticks claims nothing', () => {
    const r = coverage(50, 1, ar1(300, 0.5, 0), (xs) => seriesQuantileInterval(xs, sortSamples(xs), 0.99, LEVEL), probit(0.99));
    expect(r.claimed).toBe(0);
  });
});
