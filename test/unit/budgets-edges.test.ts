// The edges of budget parsing, aggregation and judging, one expectation per decision the code makes: each of these
// was a mutant of harness/budgets/budget.ts that the broader tests let through.
import { describe, expect, test } from 'vitest';
import {
  aggregate,
  aggregationProblem,
  aggregationText,
  budgetKey,
  budgetTitle,
  describeVerdict,
  evaluateBudget,
  levelText,
  makeBudget,
  parseBudgetExpression,
  verdictLabel,
  type Aggregation,
} from '../../harness/budgets/budget.ts';
import { failed, ok, skipped, type Metric } from '../../harness/measurement/schema.ts';

const def = { label: 'TTFT', unit: 's' };
const budget = (source: string, metric = 'ttft_s', d = def) => makeBudget(metric, d, source);
const interval = (low: number, high: number, level = 0.95) => ({ low, high, level, resamples: 1000 });

describe('the expression grammar', () => {
  test.each([
    ['  p(95)<=2.5  ', { op: '<=', limit: 2.5, aggregation: { kind: 'p', q: 95 } }],
    ['mean<=2', { op: '<=', limit: 2, aggregation: { kind: 'mean' } }],
    ['MEAN >= 2', { op: '>=', limit: 2, aggregation: { kind: 'mean' } }],
    ['AVG >= 2', { op: '>=', limit: 2, aggregation: { kind: 'mean' } }],
    ['p(99.95) < 3', { op: '<', limit: 3, aggregation: { kind: 'p', q: 99.95 } }],
    ['p(5) > 3', { op: '>', limit: 3, aggregation: { kind: 'p', q: 5 } }],
    ['p(10) > 3', { op: '>', limit: 3, aggregation: { kind: 'p', q: 10 } }],
    ['<= 2E3', { op: '<=', limit: 2000, aggregation: null }],
    ['<= 1.5e+2', { op: '<=', limit: 150, aggregation: null }],
    ['<= 25e-1', { op: '<=', limit: 2.5, aggregation: null }],
    ['>= -12.25', { op: '>=', limit: -12.25, aggregation: null }],
    ['<= 100', { op: '<=', limit: 100, aggregation: null }],
    ['≤ 3', { op: '<=', limit: 3, aggregation: null }],
    ['≥3', { op: '>=', limit: 3, aggregation: null }],
    ['\t< 7\t', { op: '<', limit: 7, aggregation: null }],
  ])('%j', (text, expected) => {
    expect(parseBudgetExpression(text)).toEqual(expected);
  });

  test.each([
    'x <= 2', // anything before the aggregation
    '<= 2 s', // anything after the limit
    '<= 2.', // a dot with no digits after it
    '<= .5',
    '<= 2e', // an exponent with no digits
    '<= e3',
    'p() <= 2',
    'p(95.) <= 2',
    'p(a) <= 2',
    'p(95 <= 2',
    'p 95) <= 2',
    'pmean <= 2',
    '<=',
    '<= -',
    '=< 2',
    '<=> 2',
    '≤≤ 2',
    'p(100.5) <= 1',
    'p(0.0) <= 1',
  ])('rejects %j', (text) => {
    expect(parseBudgetExpression(text)).toBeNull();
  });

  test('p just inside (0, 100) is a percentile', () => {
    expect(parseBudgetExpression('p(0.1) <= 1')).toMatchObject({ aggregation: { kind: 'p', q: 0.1 } });
    expect(parseBudgetExpression('p(99.9) <= 1')).toMatchObject({ aggregation: { kind: 'p', q: 99.9 } });
  });
});

describe('makeBudget', () => {
  test('keeps the text, label and unit, and drops a "value" aggregation', () => {
    expect(budget('value <= 4', 'rss_peak_mb', { label: 'RSS peak', unit: 'MB' })).toEqual({
      metric: 'rss_peak_mb',
      label: 'RSS peak',
      unit: 'MB',
      source: 'value <= 4',
      op: '<=',
      limit: 4,
      aggregation: null,
    });
    expect(budget('p(95) > 1')).toEqual({ metric: 'ttft_s', label: 'TTFT', unit: 's', source: 'p(95) > 1', op: '>', limit: 1, aggregation: { kind: 'p', q: 95 } });
  });
  test('a text that is no budget names the metric, the grammar and the text', () => {
    expect(() => budget('fast')).toThrow('budget ttft_s: expected a comparison such as "<= 2.5"');
    expect(() => budget('fast')).toThrow(/got "fast"$/);
  });
  test('a limit that overflows to Infinity is refused, naming the text', () => {
    expect(() => budget('<= 1e999')).toThrow('budget ttft_s: the limit in "<= 1e999" is not a finite number');
    expect(() => budget('>= -1e999')).toThrow(/not a finite number/);
  });
});

describe('names of aggregations and budgets', () => {
  test('aggregationText', () => {
    expect(aggregationText(null)).toBeNull();
    expect(aggregationText({ kind: 'p', q: 99.5 })).toBe('p(99.5)');
    expect(aggregationText({ kind: 'med' })).toBe('med');
    expect(aggregationText({ kind: 'count' })).toBe('count');
  });
  test('budgetKey tells budgets apart by metric and aggregation', () => {
    expect(budgetKey({ metric: 'cpu_pct', aggregation: { kind: 'mean' } })).toBe('cpu_pct mean');
    expect(budgetKey({ metric: 'cpu_pct', aggregation: { kind: 'p', q: 99 } })).toBe('cpu_pct p(99)');
    expect(budgetKey({ metric: 'cpu_pct', aggregation: 'p(99)' })).toBe('cpu_pct p(99)');
    expect(budgetKey({ metric: 'rss_peak_mb', aggregation: null })).toBe('rss_peak_mb');
    expect(budgetKey({ metric: 'rss_peak_mb' })).toBe('rss_peak_mb');
    expect(budgetKey({ metric: 'rss_peak_mb', aggregation: '' })).toBe('rss_peak_mb');
  });
  test('levelText keeps up to four significant digits', () => {
    expect(levelText(0.95)).toBe('95 %');
    expect(levelText(0.975)).toBe('97.5 %');
    // 0.9 · 100 is 90.00000000000001 in binary floating point: four digits round it back to 90
    expect(levelText(0.9)).toBe('90 %');
    expect(levelText(0.99999)).toBe('100 %');
  });
  test('titles: every operator, every aggregation, units that read without a space', () => {
    expect(budgetTitle(budget('< 2'))).toBe('TTFT < 2 s');
    expect(budgetTitle(budget('> 2'))).toBe('TTFT > 2 s');
    expect(budgetTitle(budget('>= 2'))).toBe('TTFT ≥ 2 s');
    expect(budgetTitle(budget('<= 2'))).toBe('TTFT ≤ 2 s');
    expect(budgetTitle(budget('mean <= 2.123456'))).toBe('TTFT mean ≤ 2.123 s');
    expect(budgetTitle(budget('min >= 0.5'))).toBe('TTFT min ≥ 0.5 s');
    expect(budgetTitle(budget('max <= 9'))).toBe('TTFT max ≤ 9 s');
    expect(budgetTitle(budget('count >= 20'))).toBe('TTFT count ≥ 20 s');
    expect(budgetTitle(budget('p(99.9) <= 9'))).toBe('TTFT p99.9 ≤ 9 s');
    expect(budgetTitle(budget('< 2', 'latency_p99_over_p50', { label: 'latency p99/p50', unit: '×' }))).toBe('latency p99/p50 < 2');
    expect(budgetTitle(budget('>= 0.8', 'quality', { label: 'quality', unit: 'score' }))).toBe('quality ≥ 0.8');
  });
  test('verdictLabel', () => {
    expect(verdictLabel({ label: 'TTFT' })).toBe('TTFT');
    expect(verdictLabel({ label: 'TTFT', aggregation: 'p(95)' })).toBe('TTFT p95');
    expect(verdictLabel({ label: 'TTFT', aggregation: 'p(99.9)' })).toBe('TTFT p99.9');
    expect(verdictLabel({ label: 'TTFT', aggregation: 'med' })).toBe('TTFT median');
    expect(verdictLabel({ label: 'TTFT', aggregation: 'mean' })).toBe('TTFT mean');
    // the pattern is anchored: an aggregation that merely contains "p(…)" is not rewritten
    expect(verdictLabel({ label: 'TTFT', aggregation: 'xp(95)' })).toBe('TTFT xp(95)');
    expect(verdictLabel({ label: 'TTFT', aggregation: 'p(95)x' })).toBe('TTFT p(95)x');
  });
});

describe('aggregationProblem', () => {
  test('a sampled metric with "value" is as wrong as one with none', () => {
    expect(aggregationProblem(true, 'ttft_s', { kind: 'value' })).toBe(
      'ttft_s is measured per sample; expected its aggregation first, e.g. "p(95) <= 2.5" or "mean <= 35"',
    );
    expect(aggregationProblem(true, 'ttft_s', { kind: 'p', q: 95 })).toBeNull();
  });
  test('a single figure takes none, or "value"', () => {
    expect(aggregationProblem(false, 'rss_peak_mb', null)).toBeNull();
    expect(aggregationProblem(false, 'rss_peak_mb', { kind: 'mean' })).toBe(
      'rss_peak_mb is a single figure, so it has no mean; expected a bare comparison such as "<= 2.5"',
    );
  });
});

describe('aggregate', () => {
  // 1..20 shuffled: sorted x(k) = k. Type-7 percentile p(q) = x[h] + frac · (x[h+1] − x[h]) with h = 19q (0-based).
  const xs = [7, 3, 20, 1, 15, 9, 12, 2, 18, 5, 11, 4, 16, 8, 19, 6, 13, 10, 17, 14];
  const independent: Metric = { ...ok(10.5, 's'), samples: xs, sampleKind: 'independent' };
  const options = { level: 0.95, resamples: 200, seed: 1 };

  test('figures from the samples, without an interval when no settings are given', () => {
    expect(aggregate(independent, { kind: 'p', q: 50 })).toEqual({ value: 10.5 }); // h = 9.5: 10 + 0.5
    expect(aggregate(independent, { kind: 'med' })).toEqual({ value: 10.5 });
    expect(aggregate(independent, { kind: 'p', q: 25 })).toEqual({ value: 5.75 }); // h = 4.75: 5 + 0.75
    expect(aggregate(independent, { kind: 'mean' })).toEqual({ value: 10.5 }); // 210 / 20
    expect(aggregate(independent, { kind: 'min' })).toEqual({ value: 1 });
    expect(aggregate(independent, { kind: 'max' })).toEqual({ value: 20 });
    expect(aggregate(independent, { kind: 'count' })).toEqual({ value: 20 });
    expect(aggregate(independent, { kind: 'value' })).toEqual({ value: 10.5 });
  });

  test('the median\'s interval comes from order statistics', () => {
    // Binomial(20, ½): P(6 ≤ B ≤ 14) = 0.9793 − 0.0207 = 0.9586 ≥ 95 %, and no pair 8 ranks apart reaches 95 %
    // (P(7 ≤ B ≤ 14) = P(6 ≤ B ≤ 13) = 0.9216), so the interval is [x(6), x(15)] = [6, 15].
    expect(aggregate(independent, { kind: 'med' }, options)).toEqual({ value: 10.5, ci: { low: 6, high: 15, level: 0.95, method: 'order-statistic' } });
    expect(aggregate(independent, { kind: 'p', q: 50 }, options)).toEqual({ value: 10.5, ci: { low: 6, high: 15, level: 0.95, method: 'order-statistic' } });
  });

  test('a percentile too extreme for the sample count has no interval, and says why', () => {
    expect(aggregate(independent, { kind: 'p', q: 95 }, options)).toEqual({
      value: 19.05, // h = 18.05: 19 + 0.05 · 1
      ciNote: '20 sample(s): no 95 % interval exists for p95 below 59 samples',
    });
  });

  test('the mean of independent samples gets a bootstrap-t interval; of a series, batch means', () => {
    const flat = Array.from({ length: 30 }, () => 5);
    const asIndependent: Metric = { ...ok(5, 's'), samples: flat, sampleKind: 'independent' };
    const asSeries: Metric = { ...ok(5, '%'), samples: flat, sampleKind: 'series' };
    expect(aggregate(asIndependent, { kind: 'mean' }, options)).toEqual({
      value: 5,
      ci: { low: 5, high: 5, level: 0.95, method: 'bootstrap-t', resamples: 0 },
      ciNote: 'every sample has the same value',
    });
    expect(aggregate(asSeries, { kind: 'mean' }, options)).toEqual({
      value: 5,
      ci: { low: 5, high: 5, level: 0.95, method: 'batch-means-t' },
      ciNote: 'every batch of ticks had the same mean',
    });
    // no sampleKind: independent
    const { sampleKind: _k, ...unkinded } = asIndependent;
    expect(aggregate(unkinded, { kind: 'mean' }, options)).toMatchObject({ ci: { method: 'bootstrap-t' } });
  });

  test('a series quantile is judged at its effective sample size', () => {
    const flat = Array.from({ length: 30 }, () => 5);
    const asSeries: Metric = { ...ok(5, '%'), samples: flat, sampleKind: 'series' };
    const got = aggregate(asSeries, { kind: 'p', q: 50 }, options);
    expect(got).toMatchObject({ value: 5, ci: { low: 5, high: 5, method: 'order-statistic-ess' } });
    expect('ciNote' in got && got.ciNote).toMatch(/ticks are autocorrelated/);
    const independent30: Metric = { ...asSeries, sampleKind: 'independent' };
    expect(aggregate(independent30, { kind: 'p', q: 50 }, options)).toEqual({ value: 5, ci: { low: 5, high: 5, level: 0.95, method: 'order-statistic' } });
  });

  test('max is the largest sample, not the count', () => {
    const few: Metric = { ...ok(5, 's'), samples: [5, 9, 2], sampleKind: 'independent' };
    expect(aggregate(few, { kind: 'max' })).toEqual({ value: 9 });
    expect(aggregate(few, { kind: 'count' })).toEqual({ value: 3 });
    expect(aggregate(few, { kind: 'min' })).toEqual({ value: 2 });
  });

  test('min, max and count never carry an interval', () => {
    expect(aggregate(independent, { kind: 'min' }, options)).toEqual({ value: 1 });
    expect(aggregate(independent, { kind: 'max' }, options)).toEqual({ value: 20 });
    expect(aggregate(independent, { kind: 'count' }, options)).toEqual({ value: 20 });
  });

  test('a stored summary answers every aggregation it holds, each from its own field', () => {
    const stats = { n: 7, mean: 2, median: 3, sd: 1, cv: 0.5, min: 4, max: 5, p50: 6, p95: 8, p99: 9 };
    const stored = ok(2, 's', stats);
    const note = 'judged on the stored summary: no interval';
    const cases: [Aggregation, number][] = [
      [{ kind: 'p', q: 50 }, 6],
      [{ kind: 'p', q: 95 }, 8],
      [{ kind: 'p', q: 99 }, 9],
      [{ kind: 'med' }, 3],
      [{ kind: 'mean' }, 2],
      [{ kind: 'min' }, 4],
      [{ kind: 'max' }, 5],
      [{ kind: 'count' }, 7],
    ];
    for (const [a, value] of cases) expect(aggregate(stored, a, options)).toEqual({ value, ciNote: note });
    // an empty sample list is no samples: the summary answers
    expect(aggregate({ ...stored, samples: [] }, { kind: 'max' })).toEqual({ value: 5, ciNote: note });
  });

  test('without samples or a summary, or for a percentile the summary lacks, it is an error naming what is kept', () => {
    const error = (text: string) => ({ error: `${text} needs the samples, and this measurement kept only its summary (n, mean, p50, p95, p99, min, max)` });
    expect(aggregate(ok(2, 's'), { kind: 'mean' })).toEqual(error('mean'));
    expect(aggregate(ok(2, 's', { n: 7, mean: 2, median: 3, sd: 1, cv: 0.5, min: 4, max: 5, p50: 6, p95: 8, p99: 9 }), { kind: 'p', q: 90 })).toEqual(error('p(90)'));
    expect(aggregate(ok(2, 's'), { kind: 'value' })).toEqual(error('value'));
  });
});

describe('evaluateBudget, field by field', () => {
  test('a pass on a single figure is exactly this verdict, with no empty reason or note', () => {
    expect(evaluateBudget(budget('<= 4'), ok(3, 's'))).toStrictEqual({
      metric: 'ttft_s',
      label: 'TTFT',
      source: '<= 4',
      op: '<=',
      limit: 4,
      unit: 's',
      value: 3,
      status: 'pass',
      margin: 1,
      used: 0.75,
    });
  });

  test('each operator at, above and below its limit', () => {
    const status = (op: string, value: number) => evaluateBudget(budget(`${op} 2`), ok(value, 's')).status;
    expect([status('<=', 1), status('<=', 2), status('<=', 3)]).toEqual(['pass', 'pass', 'fail']);
    expect([status('<', 1), status('<', 2), status('<', 3)]).toEqual(['pass', 'fail', 'fail']);
    expect([status('>=', 1), status('>=', 2), status('>=', 3)]).toEqual(['fail', 'pass', 'pass']);
    expect([status('>', 1), status('>', 2), status('>', 3)]).toEqual(['fail', 'fail', 'pass']);
  });

  test('margin and share used for each side, and at a limit or value of 0', () => {
    expect(evaluateBudget(budget('< 4'), ok(5, 's'))).toMatchObject({ margin: -1, used: 1.25 });
    expect(evaluateBudget(budget('> 4'), ok(5, 's'))).toMatchObject({ margin: 1, used: 0.8 });
    expect(evaluateBudget(budget('>= 4'), ok(2, 's'))).toMatchObject({ margin: -2, used: 2 });
    // "no swap growth" (<= 0): nothing used when nothing grew, no meaningful share otherwise
    expect(evaluateBudget(budget('<= 0'), ok(0, 's'))).toMatchObject({ status: 'pass', margin: 0, used: 0 });
    expect(evaluateBudget(budget('<= 0'), ok(3, 's'))).toMatchObject({ status: 'fail', margin: -3, used: null });
    // a lower limit against a value of 0 has no share
    expect(evaluateBudget(budget('>= 2'), ok(0, 's'))).toMatchObject({ status: 'fail', margin: -2, used: null });
    expect(evaluateBudget(budget('>= 0'), ok(0, 's'))).toMatchObject({ status: 'pass', margin: 0, used: null });
  });

  test('a budget on an aggregation records the aggregation; a single figure records none', () => {
    const metric: Metric = { ...ok(10, 's'), samples: [1, 2, 3], sampleKind: 'independent' };
    expect(evaluateBudget(budget('max <= 4'), metric)).toMatchObject({ aggregation: 'max', value: 3, status: 'pass' });
    expect('aggregation' in evaluateBudget(budget('<= 4'), ok(3, 's'))).toBe(false);
  });

  test('a figure that cannot be had is an error or skipped with the reason, keeping the budget\'s fields', () => {
    const base = { metric: 'ttft_s', aggregation: 'mean', label: 'TTFT', source: 'mean <= 4', op: '<=', limit: 4, unit: 's', value: null, margin: null, used: null };
    expect(evaluateBudget(budget('mean <= 4'), undefined)).toEqual({ ...base, status: 'error', reason: 'the profile did not measure this metric' });
    expect(evaluateBudget(budget('mean <= 4'), skipped('s', 'no sensor'))).toEqual({ ...base, status: 'skipped', reason: 'no sensor' });
    expect(evaluateBudget(budget('mean <= 4'), failed('s', 'server crashed'))).toEqual({ ...base, status: 'error', reason: 'server crashed' });
    // ok but without a value (never built by ok(), but a hand-made file can hold one)
    expect(evaluateBudget(budget('mean <= 4'), { value: null, unit: 's', status: 'ok' })).toEqual({ ...base, status: 'error', reason: 'no value measured' });
    expect(evaluateBudget(budget('mean <= 4'), { value: null, unit: 's', status: 'skipped' })).toEqual({ ...base, status: 'skipped', reason: 'no value measured' });
    // an error keeps its reason even if a value was left in it
    expect(evaluateBudget(budget('<= 4'), { value: 3, unit: 's', status: 'error', reason: 'sampler died' })).toMatchObject({ status: 'error', value: null, reason: 'sampler died' });
    expect(evaluateBudget(budget('mean <= 4'), ok(3, 's'))).toEqual({ ...base, status: 'error', reason: 'mean needs the samples, and this measurement kept only its summary (n, mean, p50, p95, p99, min, max)' });
  });

  test('a figure\'s own reason, interval and note travel to the verdict; an interval wins over a note', () => {
    expect(evaluateBudget(budget('<= 4'), { ...ok(3, 's'), reason: 'clamped to the machine' })).toMatchObject({ status: 'pass', reason: 'clamped to the machine' });
    expect(evaluateBudget(budget('<= 4'), { ...ok(3, 's'), ciNote: 'too few rounds' })).toMatchObject({ ciNote: 'too few rounds' });
    const both = evaluateBudget(budget('<= 4'), { ...ok(3, 's', undefined, interval(2.5, 3.5)), ciNote: 'covers the window' });
    expect(both.ci).toEqual(interval(2.5, 3.5));
    expect(both.ciNote).toBeUndefined();
    expect(both.status).toBe('pass');
    expect('reason' in both).toBe(false);
  });

  test('an interval whose far end touches an inclusive limit still passes; a strict limit does not', () => {
    expect(evaluateBudget(budget('<= 2'), ok(1, 's', undefined, interval(0.5, 2))).status).toBe('pass');
    expect(evaluateBudget(budget('< 2'), ok(1, 's', undefined, interval(0.5, 2))).status).toBe('inconclusive');
    expect(evaluateBudget(budget('>= 2'), ok(3, 's', undefined, interval(2, 4))).status).toBe('pass');
    expect(evaluateBudget(budget('> 2'), ok(3, 's', undefined, interval(2, 4))).status).toBe('inconclusive');
    // the near end is not what decides: an upper limit looks at the high end, a lower limit at the low end
    expect(evaluateBudget(budget('<= 2'), ok(1, 's', undefined, interval(-5, 1.5))).status).toBe('pass');
    expect(evaluateBudget(budget('>= 2'), ok(3, 's', undefined, interval(2.5, 9))).status).toBe('pass');
  });

  test('an inconclusive verdict says which interval crossed, and how many samples would resolve it', () => {
    const stats = { n: 10, mean: 3, median: 3, sd: 1, cv: 0.33, min: 1, max: 5, p50: 3, p95: 4.5, p99: 4.9 };
    const v = evaluateBudget(budget('>= 2'), ok(3, 's', stats, interval(1.5, 4.5, 0.9)));
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toBe('the estimate passes, but its 90 % interval [1.5, 4.5] reaches past the limit');
    // n' = n · ((far − value) / (limit − value))² = 10 · ((1.5 − 3) / (2 − 3))² = 10 · 2.25 = 22.5 → 23
    expect(v.samplesToResolve).toBe(23);
    expect(v.margin).toBe(1);
    const upper = evaluateBudget(budget('<= 4'), ok(3, 's', stats, interval(2, 4.4)));
    // 10 · ((4.4 − 3) / (4 − 3))² = 10 · 1.96 = 19.6 → 20
    expect(upper.samplesToResolve).toBe(20);
  });

  test('samples to resolve counts the samples kept in the run, before the summary', () => {
    // the median of 1..20 at 95 %: [6, 15] (see aggregate above); med <= 14 passes at 10.5 but 15 crosses.
    // n' = 20 · ((15 − 10.5) / (14 − 10.5))² = 20 · (4.5 / 3.5)² = 20 · 1.6531 = 33.06 → 34
    const xs = [7, 3, 20, 1, 15, 9, 12, 2, 18, 5, 11, 4, 16, 8, 19, 6, 13, 10, 17, 14];
    const stats = { n: 1000, mean: 10.5, median: 10.5, sd: 5.92, cv: 0.56, min: 1, max: 20, p50: 10.5, p95: 19.05, p99: 19.81 };
    const metric: Metric = { ...ok(10.5, 's', stats), samples: xs, sampleKind: 'independent' };
    const v = evaluateBudget(budget('med <= 14'), metric, { level: 0.95, resamples: 200, seed: 1 });
    expect(v).toMatchObject({ status: 'inconclusive', value: 10.5, ci: { low: 6, high: 15 }, samplesToResolve: 34 });
  });

  test('no sample count, or an estimate right at the limit: no count to resolve it', () => {
    expect(evaluateBudget(budget('<= 4'), ok(3, 's', undefined, interval(2, 5)))).toMatchObject({ status: 'inconclusive' });
    expect(evaluateBudget(budget('<= 4'), ok(3, 's', undefined, interval(2, 5))).samplesToResolve).toBeUndefined();
    const stats = { n: 10, mean: 4, median: 4, sd: 1, cv: 0.25, min: 1, max: 5, p50: 4, p95: 5, p99: 5 };
    const atLimit = evaluateBudget(budget('<= 4'), ok(4, 's', stats, interval(3, 5)));
    expect(atLimit.status).toBe('inconclusive');
    expect(atLimit.samplesToResolve).toBeUndefined();
  });
});

describe('describeVerdict', () => {
  test('a missing figure names its status and reason', () => {
    expect(describeVerdict(evaluateBudget(budget('p(95) <= 2.5'), skipped('s', 'no sensor')))).toBe('TTFT p95: skipped (no sensor), budget ≤ 2.5 s');
    expect(describeVerdict({ ...evaluateBudget(budget('<= 2.5'), undefined), reason: undefined })).toBe('TTFT: error (no value), budget ≤ 2.5 s');
  });
  test('an interval, a note, and an inconclusive verdict\'s reason and sample count', () => {
    expect(describeVerdict(evaluateBudget(budget('> 1'), ok(2, 's', undefined, interval(1.5, 2.25))))).toBe('TTFT = 2 s [95 % CI 1.5–2.25], budget > 1 s: pass');
    expect(describeVerdict(evaluateBudget(budget('< 3'), { ...ok(2.34567, 's'), ciNote: 'two rounds' }))).toBe('TTFT = 2.346 s (no interval: two rounds), budget < 3 s: pass');
    const stats = { n: 10, mean: 3, median: 3, sd: 1, cv: 0.33, min: 1, max: 5, p50: 3, p95: 4.5, p99: 4.9 };
    expect(describeVerdict(evaluateBudget(budget('>= 2'), ok(3, 's', stats, interval(1.5, 4.5))))).toBe(
      'TTFT = 3 s [95 % CI 1.5–4.5], budget ≥ 2 s: inconclusive (the estimate passes, but its 95 % interval [1.5, 4.5] reaches past the limit; about 23 samples would resolve it)',
    );
    expect(describeVerdict(evaluateBudget(budget('>= 2'), ok(3, 's', undefined, interval(1.5, 4.5))))).toBe(
      'TTFT = 3 s [95 % CI 1.5–4.5], budget ≥ 2 s: inconclusive (the estimate passes, but its 95 % interval [1.5, 4.5] reaches past the limit)',
    );
    // a fail carries no reason in its description, even when the figure has one
    expect(describeVerdict(evaluateBudget(budget('<= 2'), { ...ok(3, 's'), reason: 'clamped' }))).toBe('TTFT = 3 s, budget ≤ 2 s: fail');
  });
});
