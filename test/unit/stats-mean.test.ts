import { describe, expect, test } from 'vitest';
import { summarySchema } from '../../harness/measurement/schema.ts';
import { mean, summarize } from '../../harness/stats/summary.ts';

describe('mean (the one helper the analysis and profiles share)', () => {
  test('hand-computed', () => {
    expect(mean([2, 4, 6, 8])).toBe(5);
    expect(mean([0.5])).toBe(0.5);
    expect(mean([-3, 3, 1.5])).toBe(0.5);
  });
  test('no samples is NaN, never a zero', () => {
    expect(mean([])).toBeNaN();
  });
  test('summarize reports the same mean', () => {
    const xs = [1.1, 2.7, 0.3, 9.9, 4.2];
    expect(summarize(xs)!.mean).toBeCloseTo(mean(xs), 12);
  });
});

describe('Summary is the result schema\'s shape', () => {
  test('a summary passes the strict schema whole, field for field', () => {
    const s = summarize([3, 1, 2, 5, 8])!;
    expect(summarySchema.strict().parse(s)).toEqual(s);
  });
  test('cv is null when the mean is 0, as the schema allows', () => {
    const s = summarize([-1, 1])!;
    expect(s.cv).toBeNull();
    expect(summarySchema.strict().parse(s)).toEqual(s);
  });
});
