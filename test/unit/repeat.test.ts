// `--repeat N`: the aggregation over repetitions and the worst-verdict rule, with figures checked by hand.
import { describe, expect, test } from 'vitest';
import { aggregateRepeats, describeRepeatSummary, parseRepeat, worstVerdicts } from '../../harness/matrix/repeat.ts';

const ok = (value: number, unit = 'tok/s') => ({ value, unit, status: 'ok' });
const run = (metrics: Record<string, ReturnType<typeof ok> | { value: null; unit: string; status: string; reason?: string } | undefined>) => ({ metrics });

describe('aggregateRepeats', () => {
  test('mean, median, sample sd, CV and the 5–95 % range (type 7) over four repetitions', () => {
    // 10, 12, 14, 20: mean 14; deviations -4 -2 0 6 → squares 16 4 0 36 = 56; sd = √(56/3) = 4.3205; CV = 0.30861.
    // Median (12 + 14) / 2 = 13. p5: h = 3 × 0.05 = 0.15 → 10 + 0.15 × 2 = 10.3; p95: h = 2.85 → 14 + 0.85 × 6 = 19.1.
    const s = aggregateRepeats([run({ tps: ok(12) }), run({ tps: ok(20) }), run({ tps: ok(10) }), run({ tps: ok(14) })]);
    const f = s.metrics.tps!;
    expect(s.repetitions).toBe(4);
    expect(f).toMatchObject({ unit: 'tok/s', n: 4, status: 'ok', values: [12, 20, 10, 14], mean: 14, median: 13, min: 10, max: 20 });
    expect(f.sd).toBeCloseTo(4.32049, 4);
    expect(f.cv).toBeCloseTo(0.308607, 5);
    expect(f.p5).toBeCloseTo(10.3, 10);
    expect(f.p95).toBeCloseTo(19.1, 10);
    expect(f).not.toHaveProperty('reason');
    expect(s.percentileMethod).toMatch(/type 7/);
  });
  test('one value: no sd, no CV (never a made-up 0)', () => {
    const f = aggregateRepeats([run({ w: ok(5, 'W') })]).metrics.w!;
    expect(f).toMatchObject({ n: 1, mean: 5, median: 5, sd: null, cv: null, p5: 5, p95: 5 });
  });
  test('a mean of 0 has no CV; a negative mean uses |mean|', () => {
    expect(aggregateRepeats([run({ x: ok(-1) }), run({ x: ok(1) })]).metrics.x!.cv).toBeNull();
    expect(aggregateRepeats([run({ x: ok(-2) }), run({ x: ok(-4) })]).metrics.x!.cv).toBeCloseTo(Math.SQRT2 / 3, 10);
  });
  test('a repetition that did not measure a figure is left out and named, never counted as 0', () => {
    const s = aggregateRepeats([
      run({ e: ok(2, 'Wh'), t: ok(1) }),
      run({ e: { value: null, unit: 'Wh', status: 'skipped', reason: 'no RAPL on this machine' }, t: ok(3) }),
      run({ e: ok(4, 'Wh') }),
    ]);
    expect(s.metrics.e).toMatchObject({ n: 2, values: [2, null, 4], mean: 3, reason: 'not measured in repetition 2: no RAPL on this machine' });
    expect(s.metrics.t).toMatchObject({ n: 2, values: [1, 3, null], mean: 2, reason: 'not measured in repetition 3: not reported' });
  });
  test('a figure no repetition measured keeps its status and reason; NaN and an ok null are not values', () => {
    const s = aggregateRepeats([
      run({ e: { value: null, unit: 'Wh', status: 'skipped', reason: 'no RAPL' }, bad: { value: NaN, unit: 's', status: 'ok' } as never }),
      run({ e: { value: null, unit: 'Wh', status: 'error', reason: 'counter unreadable' }, bad: { value: null, unit: 's', status: 'ok' } }),
    ]);
    expect(s.metrics.e).toMatchObject({ status: 'error', n: 0, mean: null, sd: null, reason: 'not measured in repetition 1, 2: no RAPL; counter unreadable' });
    expect(s.metrics.bad).toMatchObject({ status: 'skipped', n: 0, mean: null });
  });
  test('the log lines', () => {
    const s = aggregateRepeats([run({ tps: ok(10), e: { value: null, unit: 'Wh', status: 'skipped', reason: 'no RAPL' } }), run({ tps: ok(20), e: undefined })]);
    expect(describeRepeatSummary(s)).toEqual([
      'e: skipped (not measured in repetition 1, 2: no RAPL; not reported)',
      'tps tok/s: mean 15, median 15, sd 7.071, CV 47.14 %, 5–95 % 10.5–19.5 (n 2 of 2)',
    ]);
  });
});

describe('worstVerdicts', () => {
  const v = (metric: string, status: 'pass' | 'fail' | 'inconclusive' | 'skipped' | 'error', reason?: string) => ({ metric, status, ...(reason ? { reason } : {}) });
  const key = (x: { metric: string }) => x.metric;
  test('a budget passes only when every repetition passes; the failing repetition is named', () => {
    const out = worstVerdicts([[v('a', 'pass'), v('b', 'pass')], [v('a', 'fail'), v('b', 'pass')], [v('a', 'pass'), v('b', 'inconclusive')]], key);
    expect(out).toEqual([
      { metric: 'a', status: 'fail', reason: 'repetition 2 of 3 (statuses: pass, fail, pass)' },
      { metric: 'b', status: 'inconclusive', reason: 'repetition 3 of 3 (statuses: pass, pass, inconclusive)' },
    ]);
  });
  test('fail beats error beats inconclusive beats skipped beats pass; a reason is kept', () => {
    expect(worstVerdicts([[v('a', 'skipped', 'no sensor')], [v('a', 'error', 'cell failed')]], key)[0]).toEqual({ metric: 'a', status: 'error', reason: 'cell failed; repetition 2 of 2 (statuses: skipped, error)' });
    expect(worstVerdicts([[v('a', 'error')], [v('a', 'fail')]], key)[0]!.status).toBe('fail');
    expect(worstVerdicts([[v('a', 'pass')], [v('a', 'skipped')]], key)[0]!.status).toBe('skipped');
  });
  test('one repetition is returned as it is', () => {
    expect(worstVerdicts([[v('a', 'pass')]], key)).toEqual([{ metric: 'a', status: 'pass' }]);
    expect(worstVerdicts<ReturnType<typeof v>>([], key)).toEqual([]);
  });
});

test('parseRepeat', () => {
  expect(parseRepeat('1')).toBe(1);
  expect(parseRepeat('100')).toBe(100);
  for (const bad of ['0', '101', '1e2', ' 2', '2 ', '', '+2', '0x2']) expect(parseRepeat(bad)).toHaveProperty('problem');
});
