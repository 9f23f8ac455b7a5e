// The energy tests' truth (test/fixtures/rapl-truth.ts): which counter value a read saw when the fake writer was held
// up. Hand-made logs; the CI case that failed the energy e2e (a read 0.1 ms before the writer's clock after a swap,
// 174 ms after the old value's instant) is the second test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { RaplTruth } from '../fixtures/rapl-truth.ts';

function truthWith(power: string, stale: string): RaplTruth {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapl-truth-'));
  writeFileSync(path.join(dir, 'power.log'), power);
  writeFileSync(path.join(dir, 'stale.log'), stale);
  return new RaplTruth(path.join(dir, 'power.log'), path.join(dir, 'stale.log'));
}

// 10 W from 0, 25 W from 1000 ms. One stale span: the value of instant 1000 stayed in the file until a swap that
// began at 1170 and whose clock after it read 1174; the new value is of instant 1169.
const truth = truthWith('0 10\n1000 25\n', '1000 1170 1174 1169\n');

describe('RaplTruth', () => {
  test('outside a stale span a read saw its own instant; before the swap began, the old value', () => {
    expect(truth.counterInstants(500)).toEqual([500]);
    expect(truth.counterInstants(1200)).toEqual([1200]);
    expect(truth.counterInstants(1100)).toEqual([1000]);
    expect(truth.joules(0, 1000)).toBeCloseTo(10, 9);
    expect(truth.joules(1000, 2000)).toBeCloseTo(25, 9);
  });

  test('a read that may fall between the swap and the clock after it saw either value; the measured joules pick', () => {
    expect(truth.counterInstants(1173.9).sort((a, b) => a - b)).toEqual([1000, 1169]);
    // A reader that found the new value measured 25 W × 1.169 s from 0 … 10 W × 1 s + 25 W × 0.169 s = 14.225 J.
    expect(truth.betweenMarks(0, 1173.9, 14.225)).toBeCloseTo(14.225, 9);
    // One that found the old value measured 10 J.
    expect(truth.betweenMarks(0, 1173.9, 10)).toBeCloseTo(10, 9);
    // A read stamped up to the reader's clock spread after the writer's clock may still have preceded the swap's end.
    expect(truth.counterInstants(1175).sort((a, b) => a - b)).toEqual([1000, 1169]);
    expect(truth.counterInstants(1176.5)).toEqual([1176.5]);
  });

  test('the choice never goes beyond the two values: a reader that invents energy is still far from both', () => {
    const invented = 20;
    const nearest = truth.betweenMarks(0, 1173.9, invented);
    expect(Math.abs(invented - nearest) / nearest).toBeGreaterThan(0.4);
    expect(truth.instantsBetweenMarks(0, 1173.9, invented)).toEqual([0, 1169]);
  });
});
