import { describe, expect, test } from 'vitest';
import { evaluateBudget, makeBudget } from '../../harness/budgets/budget.ts';
import { ok } from '../../harness/measurement/schema.ts';
import type { CellReport } from '../../harness/report/model.ts';
import { cellScores, recommend } from '../../harness/report/recommend.ts';
import { candidates, select } from '../../harness/report/select.ts';

const latencyBudget = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2');

function cell(id: string, profile: string, metrics: Record<string, number>, ctx = 2048): CellReport {
  const m = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, ok(v, '')]));
  const verdicts = 'latency_p95_s' in metrics ? [evaluateBudget(latencyBudget, m.latency_p95_s)] : [];
  return {
    profile,
    cell: { id, slug: id, model: 'm', quant: id, threads: 1, ctx, priority: 'nice10' },
    state: 'completed',
    metrics: m,
    verdicts,
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
  };
}

const W = { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 1 };

describe('select', () => {
  test('hard thresholds first, then normalised weighted figures', () => {
    const cells = [
      cell('a', 'interactive', { latency_p95_s: 1.0, decode_tps_mean: 10 }),
      cell('b', 'interactive', { latency_p95_s: 0.5, decode_tps_mean: 20 }),
      cell('c', 'interactive', { latency_p95_s: 3.0, decode_tps_mean: 99 }), // over the 2 s budget
    ];
    const s = select(candidates(cells), W, ['interactive']);
    expect(s.winner!.cellId).toBe('b');
    expect(s.winner!.score).toBe(1);
    expect(s.runnerUp!.cellId).toBe('a');
    expect(s.runnerUp!.score).toBe(0);
    expect(s.excluded).toEqual([expect.objectContaining({ cellId: 'c', profile: 'interactive' })]);
  });
  test('ties go to lower latency, then higher throughput, then the id', () => {
    // Only CPU is weighted and equal, so every score ties.
    const w = { 'interactive.cpu_mean_pct': 1 };
    const tie = (lat: number, tps: number, id: string) => cell(id, 'interactive', { latency_p95_s: lat, decode_tps_mean: tps, cpu_mean_pct: 10 });
    expect(select(candidates([tie(1.0, 50, 'x'), tie(0.9, 10, 'y')]), w, ['interactive']).winner!.cellId).toBe('y');
    expect(select(candidates([tie(1.0, 10, 'x'), tie(1.0, 50, 'y')]), w, ['interactive']).winner!.cellId).toBe('y');
    expect(select(candidates([tie(1.0, 10, 'y'), tie(1.0, 10, 'x')]), w, ['interactive']).winner!.cellId).toBe('x');
  });
  test('nothing passes: no winner, every cell listed with the budget that ruled it out', () => {
    const s = select(candidates([cell('a', 'interactive', { latency_p95_s: 5 })]), W, ['interactive']);
    expect(s.winner).toBeNull();
    expect(s.excluded[0]!.verdict.label).toBe('p95 latency');
  });
});

describe('recommend and scores', () => {
  const cells = [
    cell('a', 'interactive', { latency_p95_s: 1.0, decode_tps_mean: 10, rss_peak_mb: 500 }, 4096),
    cell('b', 'interactive', { latency_p95_s: 0.5, decode_tps_mean: 20, rss_peak_mb: 1000 }, 2048),
    cell('a', 'quality', { score_overall: 0.8 }, 4096),
    cell('b', 'quality', { score_overall: 0.4 }),
  ];
  test('use cases without their profile are "not measured"; the winner comes with reasons', () => {
    const recs = recommend(cells, W);
    expect(recs.find((r) => r.useCase === 'long-context')).toMatchObject({ status: 'not-measured' });
    const chat = recs.find((r) => r.useCase === 'interactive')!;
    expect(chat).toMatchObject({ status: 'recommended', cellId: 'b', runnerUp: 'a' });
    expect(chat.reasons.some((x) => x.startsWith('passed interactive: p95 latency 0.5 s'))).toBe(true);
    expect(recs.find((r) => r.useCase === 'accuracy')!.cellId).toBe('a');
  });
  test('efficiency = tok/s × ctx ÷ GB; cost-benefit scaled to the best = 100', () => {
    const s = cellScores(cells);
    // a: 10 × 4096 ÷ 0.5 = 81920; b: 20 × 2048 ÷ 1 = 40960
    expect(s.find((x) => x.cellId === 'a')!.efficiency).toBeCloseTo(81920, 6);
    expect(s.find((x) => x.cellId === 'b')!.efficiency).toBeCloseTo(40960, 6);
    // raw: a 0.8 × 10 ÷ 0.5 = 16, b 0.4 × 20 ÷ 1 = 8
    expect(s.find((x) => x.cellId === 'a')!.costBenefit).toBeCloseTo(100, 6);
    expect(s.find((x) => x.cellId === 'b')!.costBenefit).toBeCloseTo(50, 6);
  });
});
