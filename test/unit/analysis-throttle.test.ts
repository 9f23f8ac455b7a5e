import { describe, expect, test } from 'vitest';
import { detectSustainedDrop, tokensPerInterval } from '../../harness/analysis/throttle.ts';
import { tokenArrivalsOf } from '../../harness/profiles/background-load.ts';

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

describe('tokensPerInterval: a soak credits tokens when they stream in, not when their request ends', () => {
  // One 10 s request streaming 10 tok/s (tokens at 0.05, 0.15, … 9.95 s), sampled in 2 s intervals.
  const request = { ttftMs: 50, itlMs: Array.from({ length: 99 }, () => 100), outputTokens: 100 };
  const arrivals = tokenArrivalsOf(request, 0);
  const edges = [0, 2000, 4000, 6000, 8000, 10_000];

  test('a request longer than an interval is spread over the intervals it streamed in: none reads 0', () => {
    const counts = tokensPerInterval(arrivals, edges);
    expect(counts).toEqual([20, 20, 20, 20, 20]);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  test('tokens before the first edge or after the last are not counted; the last edge belongs to the last interval', () => {
    expect(tokensPerInterval(arrivals, [1000, 3000])).toEqual([20]);
    expect(tokensPerInterval([{ at: 5, tokens: 1 }, { at: 10, tokens: 2 }, { at: 11, tokens: 4 }], [5, 10])).toEqual([3]);
    expect(tokensPerInterval(arrivals, [0])).toEqual([]);
  });

  test('arrivals are rebuilt from TTFT and the gaps; an event with several tokens shares them evenly; no first token, no arrivals', () => {
    expect(tokenArrivalsOf({ ttftMs: 50, itlMs: [10, 20], outputTokens: 6 }, 1000)).toEqual([
      { at: 1050, tokens: 2 },
      { at: 1060, tokens: 2 },
      { at: 1080, tokens: 2 },
    ]);
    expect(tokenArrivalsOf({ ttftMs: null, itlMs: [], outputTokens: 0 }, 0)).toEqual([]);
  });
});
