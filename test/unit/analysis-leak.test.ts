import { describe, expect, test } from 'vitest';
import { explainedByCache, rssSlope } from '../../harness/analysis/leak.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';

describe('rssSlope', () => {
  test('recovers a known growth rate from a noisy series', () => {
    const random = mulberry32(42);
    // Two hours sampled every 10 s, growing 50 MB/h, with ±0.5 MB of noise.
    const samples = Array.from({ length: 721 }, (_, i) => {
      const tSec = i * 10;
      return { tSec, rssMb: 100 + (50 * tSec) / 3600 + (random() - 0.5) };
    });
    const trend = rssSlope(samples)!;
    expect(trend.mbPerHour).toBeCloseTo(50, 0);
    expect(trend.r2).toBeGreaterThan(0.99);
    expect(trend.n).toBe(721);
  });

  test('a flat series has no slope', () => {
    const trend = rssSlope(Array.from({ length: 10 }, (_, i) => ({ tSec: i, rssMb: 300 })))!;
    expect(trend.mbPerHour).toBeCloseTo(0, 10);
    expect(trend.r2).toBe(1);
  });

  test('noise without a trend has a slope near 0 and a low r²', () => {
    const random = mulberry32(7);
    const trend = rssSlope(Array.from({ length: 500 }, (_, i) => ({ tSec: i, rssMb: 300 + random() })))!;
    expect(Math.abs(trend.mbPerHour)).toBeLessThan(5);
    expect(trend.r2).toBeLessThan(0.1);
  });

  test('null with fewer than 3 samples or no time span; non-finite samples are left out', () => {
    expect(rssSlope([])).toBeNull();
    expect(rssSlope([{ tSec: 0, rssMb: 1 }, { tSec: 1, rssMb: 2 }])).toBeNull();
    expect(rssSlope([{ tSec: 5, rssMb: 1 }, { tSec: 5, rssMb: 2 }, { tSec: 5, rssMb: 3 }])).toBeNull();
    const trend = rssSlope([{ tSec: 0, rssMb: 0 }, { tSec: 1800, rssMb: Number.NaN }, { tSec: 3600, rssMb: 10 }, { tSec: 7200, rssMb: 20 }])!;
    expect(trend.n).toBe(3);
    expect(trend.mbPerHour).toBeCloseTo(10, 10);
  });
});

describe('explainedByCache', () => {
  test('share of growth that disappears with the prompt cache off', () => {
    expect(explainedByCache(40, 10)).toBeCloseTo(0.75, 10);
    expect(explainedByCache(40, 40)).toBe(0);
    expect(explainedByCache(40, 0)).toBe(1);
  });

  test('clamped to 0..1', () => {
    expect(explainedByCache(40, 60)).toBe(0);
    expect(explainedByCache(40, -5)).toBe(1);
  });

  test('null without growth to explain', () => {
    expect(explainedByCache(0, 0)).toBeNull();
    expect(explainedByCache(-3, 1)).toBeNull();
    expect(explainedByCache(Number.NaN, 1)).toBeNull();
  });
});
