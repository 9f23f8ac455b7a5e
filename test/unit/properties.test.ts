// Laws the core must keep for every input, checked with fast-check (seeded, so a failure reproduces).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { evaluateBudget, makeBudget, type BudgetOp } from '../../harness/budgets/budget.ts';
import { ok, type Verdict } from '../../harness/measurement/schema.ts';
import { RATINGS, rateCell } from '../../harness/report/ratings.ts';
import { candidates, select } from '../../harness/report/select.ts';
import type { CellReport } from '../../harness/report/model.ts';
import { percentile, sortSamples } from '../../harness/stats/summary.ts';

const SEED = 20261201;
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const samples = fc.array(finite, { minLength: 1, maxLength: 60 });
const NEGATION: Record<BudgetOp, BudgetOp> = { '<=': '>', '>': '<=', '<': '>=', '>=': '<' };

describe('percentiles', () => {
  test('monotone in q and within [min, max]', () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, a, b) => {
        const s = sortSamples(xs);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(percentile(s, lo)).toBeLessThanOrEqual(percentile(s, hi));
        expect(percentile(s, lo)).toBeGreaterThanOrEqual(s[0]!);
        expect(percentile(s, hi)).toBeLessThanOrEqual(s[s.length - 1]!);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('budgets', () => {
  const op = fc.constantFrom<BudgetOp>('<=', '<', '>=', '>');
  test('a budget and its negation never both pass, and one of them always does', () => {
    fc.assert(
      fc.property(op, finite, finite, (o, limit, value) => {
        const a = evaluateBudget(makeBudget('m', { label: 'm', unit: 'u' }, `${o} ${limit}`), ok(value, 'u'));
        const b = evaluateBudget(makeBudget('m', { label: 'm', unit: 'u' }, `${NEGATION[o]} ${limit}`), ok(value, 'u'));
        expect([a.status, b.status].filter((s) => s === 'pass')).toHaveLength(1);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('an interval can only withhold a pass: a failing estimate fails, a passing one is pass or inconclusive', () => {
    fc.assert(
      fc.property(op, finite, finite, fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), (o, limit, value, below, above) => {
        const budget = makeBudget('m', { label: 'm', unit: 'u' }, `${o} ${limit}`);
        const plain = evaluateBudget(budget, ok(value, 'u')).status;
        const withCi = evaluateBudget(budget, ok(value, 'u', undefined, { low: value - below, high: value + above, level: 0.95, resamples: 100 })).status;
        if (plain === 'fail') expect(withCi).toBe('fail');
        else expect(['pass', 'inconclusive']).toContain(withCi);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('ratings', () => {
  const rank = (r: string) => (r === 'not rated' ? RATINGS.length : RATINGS.indexOf(r as (typeof RATINGS)[number]));
  const status = fc.constantFrom<Verdict['status']>('pass', 'fail', 'inconclusive', 'skipped', 'error');
  const verdict = fc.record({ status, headroom: fc.double({ min: 0, max: 1, noNaN: true }) }).map(
    ({ status: s, headroom }): Verdict => ({
      metric: 'm',
      label: 'm',
      source: '<= 100',
      op: '<=',
      limit: 100,
      unit: 'u',
      value: s === 'skipped' || s === 'error' ? null : 100 * (1 - headroom),
      status: s,
      margin: s === 'skipped' || s === 'error' ? null : 100 * headroom,
      used: null,
    }),
  );
  test('turning any budget from pass into fail, error, inconclusive or skipped never improves the rating', () => {
    fc.assert(
      fc.property(fc.array(verdict, { minLength: 1, maxLength: 8 }), fc.nat(), status, (vs, i, worse) => {
        const passing = vs.map((v) => ({ ...v, status: 'pass' as const }));
        const j = i % passing.length;
        const degraded = passing.map((v, k) => (k === j ? { ...v, status: worse, ...(worse === 'skipped' || worse === 'error' ? { value: null, margin: null } : {}) } : v));
        const before = rateCell(passing, [], true).rating;
        const after = rateCell(degraded, [], true).rating;
        if (after !== 'not rated') expect(rank(after)).toBeGreaterThanOrEqual(rank(before));
        // only a fully skipped cell is not rated
        if (after === 'not rated') expect(degraded.every((v) => v.status === 'skipped')).toBe(true);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('selection', () => {
  const budget = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2');
  const cellArb = fc.record({
    latency: fc.double({ min: 0.01, max: 4, noNaN: true }),
    tps: fc.double({ min: 1, max: 100, noNaN: true }),
    cpu: fc.double({ min: 0, max: 100, noNaN: true }),
  });
  function board(rows: { latency: number; tps: number; cpu: number }[]): CellReport[] {
    return rows.map((r, i) => {
      const metrics = { latency_p95_s: ok(r.latency, 's'), decode_tps_mean: ok(r.tps, 'tok/s'), cpu_mean_pct: ok(r.cpu, '%') };
      const verdicts = [evaluateBudget(budget, metrics.latency_p95_s)];
      return {
        profile: 'interactive',
        cell: { id: `cell-${String(i).padStart(2, '0')}`, slug: `c${i}`, model: 'm', quant: 'Q4', threads: 1, ctx: 512, priority: 'normal' },
        state: 'completed',
        metrics,
        verdicts,
        counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
        tests: [],
        sampleResponses: [],
      };
    });
  }
  const weights = { 'interactive.latency_p95_s': 2, 'interactive.decode_tps_mean': 1, 'interactive.cpu_mean_pct': 1 };

  test('the winner met its budgets, and the order of the cells does not change it', () => {
    fc.assert(
      fc.property(fc.array(cellArb, { minLength: 1, maxLength: 8 }), (rows) => {
        const cells = board(rows);
        const s = select(candidates(cells), weights, ['interactive']);
        const winner = s.winner && cells.find((c) => c.cell.id === s.winner!.cellId)!;
        if (winner) expect(winner.verdicts.every((v) => v.status === 'pass')).toBe(true);
        else expect(cells.every((c) => c.verdicts[0]!.status === 'fail')).toBe(true);
        const reversed = select(candidates([...cells].reverse()), weights, ['interactive']);
        expect(reversed.winner?.cellId ?? null).toBe(s.winner?.cellId ?? null);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('making the winner strictly better on a lower-is-better figure keeps it the winner', () => {
    fc.assert(
      fc.property(fc.array(cellArb, { minLength: 2, maxLength: 6 }), (rows) => {
        const s = select(candidates(board(rows)), weights, ['interactive']);
        if (!s.winner) return;
        const i = Number(s.winner.cellId.slice(5));
        const improved = rows.map((r, k) => (k === i ? { ...r, cpu: Math.max(0, r.cpu - 1) } : r));
        expect(select(candidates(board(improved)), weights, ['interactive']).winner!.cellId).toBe(s.winner.cellId);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
