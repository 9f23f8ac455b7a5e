import { describe, expect, test } from 'vitest';
import { aggregationProblem, budgetTitle, describeVerdict, evaluateBudget, makeBudget, parseBudgetExpression } from '../../harness/budgets/budget.ts';
import { failed, ok, skipped } from '../../harness/measurement/schema.ts';

const latency = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2.5');
const speed = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 2');

describe('budget expressions', () => {
  test.each([
    ['<= 2.5', { op: '<=', limit: 2.5, aggregation: null }],
    ['<2', { op: '<', limit: 2, aggregation: null }],
    ['≥ 10', { op: '>=', limit: 10, aggregation: null }],
    ['> -1', { op: '>', limit: -1, aggregation: null }],
    ['<= 1e-3', { op: '<=', limit: 0.001, aggregation: null }],
    ['p(95) <= 2.5', { op: '<=', limit: 2.5, aggregation: { kind: 'p', q: 95 } }],
    ['P( 99.9 )<1', { op: '<', limit: 1, aggregation: { kind: 'p', q: 99.9 } }],
    ['mean >= 2', { op: '>=', limit: 2, aggregation: { kind: 'mean' } }],
    ['avg ≤ 35', { op: '<=', limit: 35, aggregation: { kind: 'mean' } }],
    ['med < 3', { op: '<', limit: 3, aggregation: { kind: 'med' } }],
    ['max <= 100', { op: '<=', limit: 100, aggregation: { kind: 'max' } }],
    ['min >= 1', { op: '>=', limit: 1, aggregation: { kind: 'min' } }],
    ['count >= 20', { op: '>=', limit: 20, aggregation: { kind: 'count' } }],
    ['value <= 4', { op: '<=', limit: 4, aggregation: { kind: 'value' } }],
  ])('%s', (text, expected) => {
    expect(parseBudgetExpression(text)).toEqual(expected);
  });
  test.each(['2.5', '<= fast', '== 3', '', 'p(0) <= 1', 'p(100) <= 1', 'p(95)', 'p95 <= 1', 'mean', 'average <= 2', 'p(-5) <= 1', 'mean mean <= 1'])('rejects %j', (text) => {
    expect(parseBudgetExpression(text)).toBeNull();
  });
  test('titles read like the budget', () => {
    expect(budgetTitle(latency)).toBe('p95 latency ≤ 2.5 s');
    expect(budgetTitle(speed)).toBe('decode speed ≥ 2 tok/s');
  });
});

describe('evaluateBudget', () => {
  test('upper limit: pass with margin and share used', () => {
    const v = evaluateBudget(latency, ok(2, 's'));
    expect(v).toMatchObject({ status: 'pass', value: 2, limit: 2.5, margin: 0.5, used: 0.8 });
  });
  test('upper limit: fail', () => {
    const v = evaluateBudget(latency, ok(3, 's'));
    expect(v.status).toBe('fail');
    expect(v.margin).toBeCloseTo(-0.5);
  });
  test('lower limit: used is limit / value', () => {
    expect(evaluateBudget(speed, ok(8, 'tok/s'))).toMatchObject({ status: 'pass', margin: 6, used: 0.25 });
    expect(evaluateBudget(speed, ok(1, 'tok/s')).status).toBe('fail');
  });
  test('strict comparison at the limit', () => {
    const ratio = makeBudget('latency_p99_over_p50', { label: 'latency p99/p50', unit: '×' }, '< 2');
    expect(evaluateBudget(ratio, ok(2, '×')).status).toBe('fail');
  });
  test('a missing value is never a pass', () => {
    expect(evaluateBudget(latency, skipped('s', 'no sensor'))).toMatchObject({ status: 'skipped', reason: 'no sensor', value: null });
    expect(evaluateBudget(latency, failed('s', 'server crashed'))).toMatchObject({ status: 'error', reason: 'server crashed' });
    expect(evaluateBudget(latency, undefined).status).toBe('error');
    expect(ok(Number.NaN, 's').status).toBe('error');
  });
});

describe('a budget on a sampled metric judges its aggregation', () => {
  // 1..20 in a shuffled order: p(95) by linear interpolation is 19 + 0.05 · (20 − 19) = 19.05, mean 10.5, median 10.5.
  const samples = [7, 3, 20, 1, 15, 9, 12, 2, 18, 5, 11, 4, 16, 8, 19, 6, 13, 10, 17, 14];
  const stats = { n: 20, mean: 10.5, median: 10.5, sd: 5.92, cv: 0.56, min: 1, max: 20, p50: 10.5, p95: 19.05, p99: 19.81 };
  const sampledMetric = { ...ok(10.5, 's', stats), samples, sampleKind: 'independent' as const };
  const ttft = (source: string) => makeBudget('ttft_s', { label: 'TTFT', unit: 's' }, source);

  test('each aggregation reads its own figure from the samples', () => {
    expect(evaluateBudget(ttft('p(95) <= 19.1'), sampledMetric)).toMatchObject({ aggregation: 'p(95)', status: 'pass' });
    expect(evaluateBudget(ttft('p(95) <= 19'), sampledMetric)).toMatchObject({ status: 'fail' });
    expect(evaluateBudget(ttft('p(95) <= 19'), sampledMetric).value).toBeCloseTo(19.05, 10);
    expect(evaluateBudget(ttft('mean <= 10.5'), sampledMetric)).toMatchObject({ aggregation: 'mean', value: 10.5, status: 'pass' });
    expect(evaluateBudget(ttft('med < 10.5'), sampledMetric)).toMatchObject({ aggregation: 'med', value: 10.5, status: 'fail' });
    expect(evaluateBudget(ttft('max <= 19'), sampledMetric)).toMatchObject({ value: 20, status: 'fail' });
    expect(evaluateBudget(ttft('min >= 1'), sampledMetric)).toMatchObject({ value: 1, status: 'pass' });
    expect(evaluateBudget(ttft('count >= 21'), sampledMetric)).toMatchObject({ value: 20, status: 'fail' });
  });

  test('with the run\'s settings each aggregation carries its own interval, and a failing estimate stays a fail', () => {
    const options = { level: 0.95, resamples: 2000, seed: 1 };
    const mean = evaluateBudget(ttft('mean <= 12'), sampledMetric, options);
    expect(mean.ci).toBeDefined();
    expect(mean.ci!.low).toBeLessThan(10.5);
    expect(mean.ci!.high).toBeGreaterThan(12);
    expect(mean.status).toBe('inconclusive');
    expect(evaluateBudget(ttft('mean <= 10'), sampledMetric, options).status).toBe('fail');
  });

  test('a stored measurement is judged on its summary, and an aggregation the summary lacks is an error, not a pass', () => {
    const stored = ok(10.5, 's', stats);
    expect(evaluateBudget(ttft('p(99) <= 19.9'), stored)).toMatchObject({ value: 19.81, status: 'pass', ciNote: expect.stringMatching(/stored summary/) });
    expect(evaluateBudget(ttft('p(90) <= 100'), stored)).toMatchObject({ status: 'error', value: null, reason: expect.stringMatching(/p\(90\) needs the samples/) });
  });

  test('the title and the description name the aggregation', () => {
    expect(budgetTitle(ttft('p(95) <= 30'))).toBe('TTFT p95 ≤ 30 s');
    expect(budgetTitle(ttft('med <= 3'))).toBe('TTFT median ≤ 3 s');
    expect(describeVerdict(evaluateBudget(ttft('max <= 19'), sampledMetric))).toBe('TTFT max = 20 s, budget ≤ 19 s: fail');
  });

  test('an aggregation must fit the metric', () => {
    expect(aggregationProblem(true, 'ttft_s', null)).toMatch(/measured per sample/);
    expect(aggregationProblem(false, 'rss_peak_mb', { kind: 'p', q: 95 })).toMatch(/single figure, so it has no p\(95\)/);
    expect(aggregationProblem(true, 'ttft_s', { kind: 'mean' })).toBeNull();
    expect(aggregationProblem(false, 'rss_peak_mb', { kind: 'value' })).toBeNull();
  });
});
