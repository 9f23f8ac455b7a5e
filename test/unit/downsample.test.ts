import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maxPerBucket } from '../../harness/report/downsample.ts';

const series = (ys: readonly number[]) => ys.map((y, x) => ({ x, y }));

describe('maxPerBucket (the one downsampler of charts and timelines)', () => {
  test('short series are kept whole', () => {
    const s = series([3, 1, 2]);
    expect(maxPerBucket(s, 3)).toEqual(s);
    expect(maxPerBucket([], 60)).toEqual([]);
  });

  test('hand-checked: 10 points into 5 keep the first, each stretch\'s highest, and the last', () => {
    // inner points 1..8 in 3 stretches: [1,2] [3,4,5] [6,7,8]
    const s = series([0, 5, 1, 2, 9, 3, 4, 8, 6, 7]);
    expect(maxPerBucket(s, 5).map((p) => p.x)).toEqual([0, 1, 4, 7, 9]);
  });

  test('a single-sample spike survives', () => {
    const s = series(Array.from({ length: 10_000 }, (_, i) => (i === 4321 ? 100 : 1)));
    const kept = maxPerBucket(s, 60);
    expect(kept).toHaveLength(60);
    expect(kept.some((p) => p.x === 4321)).toBe(true);
  });

  test('refuses a budget too small to keep the ends and one stretch', () => {
    expect(() => maxPerBucket(series([1, 2, 3, 4]), 2)).toThrow(/at least 3/);
  });

  test('property: at most max points, in order, the ends kept, the peak kept', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 3, max: 100 }), (ys, max) => {
        const s = series(ys);
        const kept = maxPerBucket(s, max);
        expect(kept.length).toBe(Math.min(ys.length, max));
        expect(kept[0]).toBe(s[0]);
        expect(kept.at(-1)).toBe(s.at(-1));
        for (let i = 1; i < kept.length; i++) expect(kept[i]!.x).toBeGreaterThan(kept[i - 1]!.x);
        expect(Math.max(...kept.map((p) => p.y))).toBe(Math.max(...ys));
      }),
    );
  });
});
