import { expect, test } from 'vitest';
import { batchFigures } from '../../harness/analysis/batch.ts';

test('equal documents: 3600 ÷ mean, no spread, no slowdown', () => {
  expect(batchFigures([10, 10, 10, 10])).toEqual({ docsPerHour: 360, meanS: 10, sdS: 0, cv: 0, firstVsLastPct: 0 });
});

test('20 documents, the last 10 slower: +20 %', () => {
  const r = batchFigures([...Array<number>(10).fill(10), ...Array<number>(10).fill(12)])!;
  expect(r.firstVsLastPct).toBeCloseTo(20, 10);
  expect(r.meanS).toBeCloseTo(11, 10);
  expect(r.docsPerHour).toBeCloseTo(3600 / 11, 10);
  // Sample sd of ten 10s and ten 12s: sqrt(20 · 1² / 19).
  expect(r.sdS).toBeCloseTo(Math.sqrt(20 / 19), 10);
  expect(r.cv).toBeCloseTo(Math.sqrt(20 / 19) / 11, 10);
});

test('only the first and last 10 are compared in a long batch', () => {
  const docs = [...Array<number>(10).fill(10), ...Array<number>(30).fill(100), ...Array<number>(10).fill(8)];
  expect(batchFigures(docs)!.firstVsLastPct).toBeCloseTo(-20, 10);
});

test('fewer than 20 documents: floor(n/2) at each end', () => {
  // n = 5 → the first 2 (mean 4) against the last 2 (mean 6); the middle one is in neither.
  expect(batchFigures([4, 4, 100, 6, 6])!.firstVsLastPct).toBeCloseTo(50, 10);
  expect(batchFigures([5])).toMatchObject({ docsPerHour: 720, sdS: 0, firstVsLastPct: null });
});

test('null for an empty batch or one that took no time; negative durations are a bug', () => {
  expect(batchFigures([])).toBeNull();
  expect(batchFigures([0, 0])).toBeNull();
  expect(() => batchFigures([1, -1])).toThrow(RangeError);
});
