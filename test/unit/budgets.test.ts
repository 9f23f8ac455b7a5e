import { describe, expect, test } from 'vitest';
import { budgetTitle, evaluateBudget, makeBudget, parseBudgetExpression } from '../../harness/budgets/budget.ts';
import { failed, ok, skipped } from '../../harness/measurement/schema.ts';

const latency = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2.5');
const speed = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 2');

describe('budget expressions', () => {
  test.each([
    ['<= 2.5', { op: '<=', limit: 2.5 }],
    ['<2', { op: '<', limit: 2 }],
    ['≥ 10', { op: '>=', limit: 10 }],
    ['> -1', { op: '>', limit: -1 }],
    ['<= 1e-3', { op: '<=', limit: 0.001 }],
  ])('%s', (text, expected) => {
    expect(parseBudgetExpression(text)).toEqual(expected);
  });
  test.each(['2.5', '<= fast', '== 3', ''])('rejects %j', (text) => {
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
