import { expect, test } from 'vitest';
import { describeVerdict, evaluateBudget, makeBudget } from '../../harness/budgets/budget.ts';
import { ok } from '../../harness/measurement/schema.ts';
import { bootstrapCi, meanOf } from '../../harness/stats/bootstrap.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';
import { summarize } from '../../harness/stats/summary.ts';

/** Standard normal draws (Box–Muller) from a seeded generator. */
function normals(n: number, mean: number, sd: number, seed = 7): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

test('the 95 % interval of a mean matches the normal-theory interval on a known distribution', () => {
  // N(10, 2²), n = 400: standard error 0.1, so the interval is about 10 ± 0.196.
  const xs = normals(400, 10, 2);
  const ci = bootstrapCi(xs, meanOf, { resamples: 2000, level: 0.95, seed: 3 })!;
  const m = summarize(xs)!.mean;
  expect(ci.low).toBeLessThan(m);
  expect(ci.high).toBeGreaterThan(m);
  expect(ci.high - ci.low).toBeGreaterThan(2 * 1.96 * 0.1 * 0.85);
  expect(ci.high - ci.low).toBeLessThan(2 * 1.96 * 0.1 * 1.15);
  expect(Math.abs(m - 10)).toBeLessThan(0.3);
});

test('deterministic for a fixed seed; none for fewer than two samples', () => {
  const xs = normals(50, 0, 1);
  expect(bootstrapCi(xs, meanOf)).toEqual(bootstrapCi(xs, meanOf));
  expect(bootstrapCi([1], meanOf)).toBeNull();
});

const budget = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2.5');
const strict = makeBudget('latency_p99_over_p50', { label: 'latency p99/p50', unit: '×' }, '< 2');
const floor = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 10');
const ci = (low: number, high: number) => ({ low, high, level: 0.95, resamples: 1000 });

test('an interval straddling the limit is inconclusive, with the samples that would resolve it', () => {
  const stats = { n: 20, mean: 2.4, median: 2.4, sd: 0.3, cv: 0.1, min: 2, max: 3, p50: 2.4, p95: 2.4, p99: 2.4 };
  const v = evaluateBudget(budget, ok(2.4, 's', stats, ci(2.2, 2.6)));
  expect(v.status).toBe('inconclusive');
  // reach past the estimate 0.2, distance to the limit 0.1: n · (0.2 / 0.1)² = 80
  expect(v.samplesToResolve).toBe(80);
  expect(v.reason).toMatch(/estimate passes.*95 % interval \[2\.2, 2\.6\] reaches past the limit/);
});

test('a failing estimate is a fail whatever its interval: p95 2.565 s against ≤ 2.5 s', () => {
  const v = evaluateBudget(budget, ok(2.565, 's', undefined, ci(2.3, 2.8)));
  expect(v.status).toBe('fail');
  expect(v.ci).toEqual(ci(2.3, 2.8));
  expect(v.samplesToResolve).toBeUndefined();
  // the same for a lower limit
  expect(evaluateBudget(floor, ok(9.5, 'tok/s', undefined, ci(8, 11))).status).toBe('fail');
  // an estimate exactly at a strict limit fails
  expect(evaluateBudget(strict, ok(2, '×', undefined, ci(1.5, 2.5))).status).toBe('fail');
});

test('the side of the interval that matters is the failing side', () => {
  // a lower limit: only the low end can reach past it
  const asym = { n: 10, mean: 12, median: 12, sd: 1, cv: 0.1, min: 10, max: 14, p50: 12, p95: 13, p99: 14 };
  const low = evaluateBudget(floor, ok(12, 'tok/s', asym, ci(9, 20)));
  expect(low.status).toBe('inconclusive');
  // reach 3 below the estimate, distance 2: 10 · (3/2)² = 22.5 → 23
  expect(low.samplesToResolve).toBe(23);
  expect(evaluateBudget(floor, ok(12, 'tok/s', undefined, ci(10, 20))).status).toBe('pass');
  // a strict upper limit: an interval ending exactly at the limit reaches a failing value
  expect(evaluateBudget(strict, ok(1.5, '×', undefined, ci(1.2, 2))).status).toBe('inconclusive');
  expect(evaluateBudget(strict, ok(1.5, '×', undefined, ci(1.2, 1.99))).status).toBe('pass');
});

test('an interval on one side of the limit keeps the plain verdict', () => {
  expect(evaluateBudget(budget, ok(2.0, 's', undefined, ci(1.8, 2.2))).status).toBe('pass');
  expect(evaluateBudget(budget, ok(3.0, 's', undefined, ci(2.7, 3.3))).status).toBe('fail');
  // touching the limit is not straddling it
  expect(evaluateBudget(budget, ok(2.3, 's', undefined, ci(2.1, 2.5))).status).toBe('pass');
});

test('a figure without an interval carries the note why into its verdict: judged on the estimate alone', () => {
  const v = evaluateBudget(budget, { ...ok(2.4, 's'), ciNote: 'p95 needs 59 samples for a 95 % order-statistic interval; 10 measured' });
  expect(v.status).toBe('pass');
  expect(v.ci).toBeUndefined();
  expect(v.ciNote).toMatch(/59 samples/);
  expect(describeVerdict(v)).toMatch(/no interval: p95 needs 59 samples/);
});
