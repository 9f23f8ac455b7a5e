import { describe, expect, test } from 'vitest';
import { evaluateBudget, makeBudget } from '../../harness/budgets/budget.ts';
import { failed, ok } from '../../harness/measurement/schema.ts';
import { headroom, rateCell } from '../../harness/report/ratings.ts';

const cpu = makeBudget('cpu_mean_pct', { label: 'CPU mean', unit: '%' }, '<= 40');
const speed = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 10');
const swap = makeBudget('swap_growth_mb', { label: 'swap growth', unit: 'MB' }, '<= 0');
const v = (b: typeof cpu, value: number) => evaluateBudget(b, ok(value, b.unit));

describe('headroom', () => {
  test('upper and lower limits, and the all-or-nothing zero limit', () => {
    expect(headroom(v(cpu, 10))).toBeCloseTo(0.75, 12);
    expect(headroom(v(speed, 15))).toBeCloseTo(0.5, 12);
    expect(headroom(v(swap, 0))).toBe(1);
    expect(headroom(v(swap, 5))).toBe(0);
  });
});

describe('rateCell at the boundaries', () => {
  test.each([
    // CPU limit 40: headroom 50 % at 20, 20 % at 32, 0 % at 40 (still met), over at 40.1
    [20, 'excellent'],
    [20.01, 'good'],
    [32, 'good'],
    [32.01, 'acceptable'],
    [40, 'acceptable'],
    [40.1, 'poor'],
  ])('CPU %s %% of a 40 %% budget → %s', (value, rating) => {
    expect(rateCell([v(cpu, value as number), v(speed, 100)], [], true).rating).toBe(rating);
  });
  test('lower limits: 15 tok/s on a ≥ 10 budget is 50 % headroom', () => {
    expect(rateCell([v(speed, 15)], [], true).rating).toBe('excellent');
    expect(rateCell([v(speed, 12)], [], true).rating).toBe('good');
  });
  test('a missed critical budget fails the cell; a missed other one makes it poor', () => {
    expect(rateCell([v(cpu, 50), v(speed, 5)], ['decode_tps_mean'], true)).toMatchObject({ rating: 'failed', reason: expect.stringMatching(/decode speed/) });
    expect(rateCell([v(cpu, 50), v(speed, 50)], ['decode_tps_mean'], true).rating).toBe('poor');
    expect(rateCell([evaluateBudget(cpu, failed('%', 'sampler died'))], [], true).rating).toBe('poor');
  });
  test('not run, nothing judged, inconclusive', () => {
    expect(rateCell([], [], false).rating).toBe('failed');
    expect(rateCell([], [], true).rating).toBe('not rated');
    const inconclusive = evaluateBudget(cpu, ok(39, '%', undefined, { low: 35, high: 45, level: 0.95, resamples: 1000 }));
    expect(rateCell([inconclusive, v(speed, 100)], [], true).rating).toBe('acceptable');
  });
});
