import { expect, test } from 'vitest';
import { degradation, quantBits } from '../../harness/report/degradation.ts';
import type { CellReport } from '../../harness/report/model.ts';

function cell(quant: string, score: number, threads = 1): CellReport {
  const id = `m ${quant} t${threads} c512 nice10`;
  return {
    profile: 'quality',
    cell: { id, slug: id, model: 'm', quant, threads, ctx: 512, priority: 'nice10' },
    state: 'completed',
    metrics: { score_math: { value: score, unit: 'score', status: 'ok' }, cpu_mean_pct: { value: 5, unit: '%', status: 'ok' } },
    verdicts: [],
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
  };
}

test('quantizations rank by bits per weight', () => {
  expect(quantBits('Q8_0')).toBeGreaterThan(quantBits('Q6_K'));
  expect(quantBits('Q4_K_M')).toBeGreaterThan(quantBits('Q3_K_M'));
  expect(quantBits('Q3_K_M')).toBeGreaterThan(quantBits('Q2_K'));
  expect(quantBits('Q7_WHATEVER')).toBe(7);
});

test('deltas against the highest-precision quantization, flagged past the threshold', () => {
  const rows = degradation([cell('Q4_K_M', 0.78), cell('Q8_0', 0.9), cell('Q2_K', 0.5), cell('Q8_0', 0.1, 2)], 5);
  expect(rows.map((r) => [r.quant, r.baselineQuant, Math.round(r.deltaPoints * 10) / 10, r.flagged])).toEqual([
    ['Q4_K_M', 'Q8_0', -12, true],
    ['Q2_K', 'Q8_0', -40, true],
  ]);
  expect(degradation([cell('Q8_0', 0.9), cell('Q6_K', 0.87)], 5)[0]).toMatchObject({ deltaPoints: expect.closeTo(-3, 6), flagged: false });
});

test('constrained scores are compared with constrained scores only, and say so', () => {
  const withModes = (quant: string, free: number, constrained: number | null) => {
    const c = cell(quant, free);
    if (constrained !== null) c.metrics.score_math_constrained = { value: constrained, unit: 'score', status: 'ok' };
    return c;
  };
  const rows = degradation([withModes('Q8_0', 0.5, 0.9), withModes('Q4_K_M', 0.5, 0.6)], 5);
  expect(rows.map((r) => [r.metric, r.mode, Math.round(r.deltaPoints)])).toEqual([
    ['score_math', 'free', 0],
    ['score_math_constrained', 'constrained', -30],
  ]);
  // A constrained score without a constrained baseline is not compared with the free-form one.
  expect(degradation([withModes('Q8_0', 0.9, null), withModes('Q4_K_M', 0.5, 0.6)], 5).map((r) => r.metric)).toEqual(['score_math']);
});
