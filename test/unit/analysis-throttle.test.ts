import { describe, expect, test } from 'vitest';
import { detectSustainedDrop } from '../../harness/analysis/throttle.ts';

const OPTS = { baselineSec: 30, dropPct: 10, sustainSec: 30 };

/** One sample a second from t = 0 to t = seconds − 1. */
function series(seconds: number, value: (t: number) => number) {
  return Array.from({ length: seconds }, (_, t) => ({ tSec: t, value: value(t) }));
}

describe('detectSustainedDrop', () => {
  test('60 s at 2000 MHz after 3000 MHz is throttling, starting near the drop', () => {
    const mhz = series(240, (t) => (t >= 120 && t < 180 ? 2000 : 3000));
    const r = detectSustainedDrop(mhz, OPTS);
    expect(r.throttled).toBe(true);
    expect(r.baseline).toBe(3000);
    expect(r.worst).toBe(2000);
    expect(r.startSec).toBeGreaterThanOrEqual(118);
    expect(r.startSec).toBeLessThanOrEqual(122);
    expect(r.reason).toMatch(/below the baseline 3000/);
  });

  test('a drop for exactly sustainSec counts', () => {
    const r = detectSustainedDrop(series(240, (t) => (t >= 120 && t < 180 ? 2000 : 3000)), { ...OPTS, sustainSec: 60 });
    expect(r.throttled).toBe(true);
  });

  test('a single-sample dip does not count, even with a short sustain', () => {
    const mhz = series(240, (t) => (t === 100 ? 800 : 3000));
    const r = detectSustainedDrop(mhz, { ...OPTS, sustainSec: 1 });
    expect(r.throttled).toBe(false);
    expect(r.startSec).toBeNull();
    expect(r.worst).toBe(3000);
  });

  test('a drop shorter than sustainSec does not count', () => {
    const r = detectSustainedDrop(series(240, (t) => (t >= 120 && t < 140 ? 2000 : 3000)), OPTS);
    expect(r.throttled).toBe(false);
    expect(r.reason).toMatch(/longest low stretch/);
  });

  test('a drop smaller than dropPct does not count', () => {
    const r = detectSustainedDrop(series(240, (t) => (t >= 60 ? 2800 : 3000)), OPTS);
    expect(r.throttled).toBe(false);
    expect(r.worst).toBe(2800);
  });

  test('works for tokens/s with noise and irregular sampling', () => {
    // 12 tok/s alternating ±1, sampled every 2 s, dropping to 7 tok/s from t = 100 s on.
    const tps = Array.from({ length: 100 }, (_, i) => ({ tSec: i * 2, value: (i * 2 >= 100 ? 7 : 12) + (i % 2 ? 1 : -1) }));
    const r = detectSustainedDrop(tps, { baselineSec: 40, dropPct: 20, sustainSec: 40 });
    expect(r.throttled).toBe(true);
    expect(r.startSec).toBeGreaterThanOrEqual(96);
    expect(r.startSec).toBeLessThanOrEqual(104);
  });

  test('empty or too short input is not throttled, with a reason', () => {
    expect(detectSustainedDrop([], OPTS)).toMatchObject({ throttled: false, baseline: null, reason: expect.stringMatching(/too short/) });
    const short = detectSustainedDrop(series(40, () => 3000), OPTS);
    expect(short).toMatchObject({ throttled: false, startSec: null, reason: expect.stringMatching(/too short/) });
  });

  test('a zero baseline cannot show a drop', () => {
    const r = detectSustainedDrop(series(120, () => 0), OPTS);
    expect(r).toMatchObject({ throttled: false, baseline: 0, reason: expect.stringMatching(/baseline is 0/) });
  });

  test('unordered input is sorted by time first', () => {
    const mhz = series(240, (t) => (t >= 120 && t < 180 ? 2000 : 3000)).reverse();
    expect(detectSustainedDrop(mhz, OPTS).throttled).toBe(true);
  });
});
