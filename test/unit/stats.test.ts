import { describe, expect, test } from 'vitest';
import { excludeWarmup, percentile, slope, sortSamples, summarize } from '../../harness/stats/summary.ts';

describe('percentile (type 7, linear interpolation)', () => {
  const s = sortSamples([15, 20, 35, 40, 50]);
  test.each([
    [0, 15],
    [0.25, 20],
    [0.5, 35],
    // h = 4 × 0.9 = 3.6 → 40 + 0.6 × (50 − 40)
    [0.9, 46],
    [0.95, 48],
    [1, 50],
  ])('p(%s) = %s', (q, expected) => {
    expect(percentile(s, q)).toBeCloseTo(expected, 10);
  });
  test('sorts before use', () => {
    expect(percentile(sortSamples([3, 1, 2]), 0.5)).toBe(2);
  });
  test('rejects empty samples and bad quantiles', () => {
    expect(() => percentile(sortSamples([]), 0.5)).toThrow(/at least one sample/);
    expect(() => percentile(s, 1.5)).toThrow(/quantile/);
    expect(() => sortSamples([1, Number.NaN])).toThrow(/finite/);
  });
});

describe('summarize', () => {
  test('hand-computed mean, sd, cv', () => {
    // mean 5; squared deviations 9+1+1+9 = 20; sample variance 20/3
    const s = summarize([2, 4, 6, 8])!;
    expect(s.n).toBe(4);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(20 / 3) / 5, 12);
    expect(s.median).toBe(5);
    expect(s.min).toBe(2);
    expect(s.max).toBe(8);
    // h = 3 × 0.99 = 2.97 → 6 + 0.97 × 2
    expect(s.p99).toBeCloseTo(7.94, 12);
  });
  test('one sample has sd 0; none gives null; zero mean gives null cv', () => {
    expect(summarize([7])!.sd).toBe(0);
    expect(summarize([])).toBeNull();
    expect(summarize([0, 0])!.cv).toBeNull();
  });
  test('warmup exclusion and slope', () => {
    expect(excludeWarmup([9, 9, 1, 2], 2)).toEqual([1, 2]);
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(slope([1, 1], [1, 2])).toBeNull();
  });
});
