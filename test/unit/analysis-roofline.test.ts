import { expect, test } from 'vitest';
import { decodeEfficiency, decodeUpperBound, measureMemoryBandwidth } from '../../harness/analysis/roofline.ts';

test('memory bandwidth: a finite positive figure and a description of the method', () => {
  const r = measureMemoryBandwidth({ bytes: 8e6, repeats: 2 });
  expect(Number.isFinite(r.gbPerSec)).toBe(true);
  expect(r.gbPerSec).toBeGreaterThan(0);
  expect(r.method).toMatch(/STREAM triad/);
  expect(r.method).toMatch(/3 × 2\.7 MB Float64Array, best of 2/);
});

test('memory bandwidth rejects a working set too small for one element per array and no repeats', () => {
  expect(() => measureMemoryBandwidth({ bytes: 8 })).toThrow(RangeError);
  expect(() => measureMemoryBandwidth({ bytes: 8e3, repeats: 0 })).toThrow(RangeError);
});

test('decode bound: bandwidth ÷ bytes per token', () => {
  expect(decodeUpperBound(20, 2e9)).toBeCloseTo(10, 10);
  expect(decodeUpperBound(50, 4.1e9)).toBeCloseTo(50 / 4.1, 10);
  expect(decodeUpperBound(0, 1e9)).toBe(0);
  expect(() => decodeUpperBound(20, 0)).toThrow(RangeError);
  expect(() => decodeUpperBound(Number.NaN, 1e9)).toThrow(RangeError);
});

test('decode efficiency: measured ÷ bound, null without a bound', () => {
  expect(decodeEfficiency(4, 10)).toBeCloseTo(0.4, 10);
  expect(decodeEfficiency(0, 10)).toBe(0);
  expect(decodeEfficiency(4, 0)).toBeNull();
  expect(decodeEfficiency(4, -1)).toBeNull();
});
