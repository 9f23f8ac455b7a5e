// Issue 20 item 9: a sentence per quantization and the safe levels per use, from the degradation table.
import { describe, expect, test } from 'vitest';
import { degradation } from '../../harness/report/degradation.ts';
import type { CellReport } from '../../harness/report/model.ts';
import type { DegradationRow } from '../../harness/report/part-schemas.ts';
import { gradedQuants, interpretQuality, QUALITY_USES } from '../../harness/report/quality-interpretation.ts';
import { USE_CASES } from '../../harness/report/recommend.ts';

const O = { safeRetentionPct: 95, floorPct: 90 };
const CATS = ['endpoint_security', 'math', 'comprehension', 'reasoning', 'format'];

function row(quant: string, metric: string, score: number, baselineScore: number, baselineQuant = 'Q8_0'): DegradationRow {
  const deltaPoints = (score - baselineScore) * 100;
  return { model: 'm', ctx: 512, baselineQuant, quant, metric, mode: 'free', score, baselineScore, deltaPoints, flagged: deltaPoints < -5 };
}
const graded = (...quants: string[]) => quants.map((quant) => ({ model: 'm', ctx: 512, quant }));
/** Rows for `quant` with the baseline at 0.8 everywhere and the given scores (default the same 0.8). */
function rowsFor(quant: string, scores: Record<string, number> = {}): DegradationRow[] {
  const all = CATS.map((c) => row(quant, `score_${c}`, scores[c] ?? 0.8, 0.8));
  const mean = CATS.reduce((a, c) => a + (scores[c] ?? 0.8), 0) / CATS.length;
  return [...all, row(quant, 'score_overall', mean, 0.8)];
}

describe('interpretQuality', () => {
  test("the design's two sentences, hand-checked", () => {
    // Q4_K_M: 0.76 of 0.8 everywhere = 95 %. Q3_K_M: math 0.56 of 0.8 = 70 %, the rest kept.
    const rows = [...rowsFor('Q4_K_M', Object.fromEntries(CATS.map((c) => [c, 0.76]))), ...rowsFor('Q3_K_M', { math: 0.56 })];
    const g = interpretQuality(rows, graded('Q8_0', 'Q4_K_M', 'Q3_K_M'), O).groups[0]!;
    expect(g.baselineQuant).toBe('Q8_0');
    const q4 = g.quants.find((q) => q.quant === 'Q4_K_M')!;
    expect(q4.sentence).toBe("Q4_K_M keeps 95 % of the baseline's accuracy: safe for all uses");
    expect(q4.safeFor).toEqual(['all', 'interactive', 'accuracy', 'security', 'structured']);
    const q3 = g.quants.find((q) => q.quant === 'Q3_K_M')!;
    expect(q3.retentionPct.math).toBeCloseTo(70, 9);
    expect(q3.sentence).toBe('Q3_K_M drops to 70 % on math: avoid for financial work; safe for interactive chat, endpoint security triage, structured output');
    expect(q3.safeFor).toEqual(['interactive', 'security', 'structured']);
    const safe = Object.fromEntries(g.safe.map((s) => [s.useCase, s.quants]));
    expect(safe).toEqual({
      all: ['Q8_0', 'Q4_K_M'],
      interactive: ['Q8_0', 'Q4_K_M', 'Q3_K_M'],
      accuracy: ['Q8_0', 'Q4_K_M'],
      security: ['Q8_0', 'Q4_K_M', 'Q3_K_M'],
      structured: ['Q8_0', 'Q4_K_M', 'Q3_K_M'],
    });
  });
  test('accuracy-critical weights math twice: math 90 %, security and reasoning 100 % → (2·90 + 100 + 100) / 4 = 95 % → safe', () => {
    expect(QUALITY_USES.find((u) => u.id === 'accuracy')!.weights.math).toBe(2);
    const q = interpretQuality(rowsFor('Q5_K_M', { math: 0.72 }), graded('Q8_0', 'Q5_K_M'), O).groups[0]!.quants[1]!;
    expect(q.safeFor).toContain('accuracy');
    // Just under: math 0.7184 / 0.8 = 89.8 % is below the 90 % floor whatever the weighted share.
    const under = interpretQuality(rowsFor('Q5_K_M', { math: 0.7184 }), graded('Q8_0', 'Q5_K_M'), O).groups[0]!.quants[1]!;
    expect(under.safeFor).not.toContain('accuracy');
    // Weighted share below 95 %: math 0.72 (90 %) and reasoning 0.72 (90 %) → (180 + 100 + 90) / 4 = 92.5 %.
    const weighted = interpretQuality(rowsFor('Q5_K_M', { math: 0.72, reasoning: 0.72 }), graded('Q8_0', 'Q5_K_M'), O).groups[0]!.quants[1]!;
    expect(weighted.safeFor).not.toContain('accuracy');
  });
  test("the accuracy-critical recommendation card weighs math too", () => {
    expect(USE_CASES.find((u) => u.id === 'accuracy')!.weights['quality.score_math']).toBe(2);
  });
  test('no baseline: one quantization graded → said so, nothing listed as safe', () => {
    const g = interpretQuality([], graded('Q4_K_M'), O).groups[0]!;
    expect(g.quants).toHaveLength(1);
    expect(g.quants[0]!.sentence).toBe('Q4_K_M is the only quantization graded for m c512: no baseline to compare it with');
    expect(g.safe.every((s) => s.quants.length === 0 && s.note === 'one quantization graded: nothing to compare')).toBe(true);
  });
  test('baseline scored 0 on a category: no share of it to keep, so not safe for the uses that rely on it', () => {
    const rows = rowsFor('Q4_K_M').map((r) => (r.metric === 'score_math' ? row('Q4_K_M', 'score_math', 0.3, 0) : r));
    const q = interpretQuality(rows, graded('Q8_0', 'Q4_K_M'), O).groups[0]!.quants[1]!;
    expect(q.retentionPct.math).toBeNull();
    expect(q.safeFor).not.toContain('accuracy');
    expect(q.safeFor).not.toContain('all');
    expect(q.safeFor).toContain('interactive');
    expect(q.sentence).toMatch(/the baseline scored 0 on math: no share of it to keep, so not known safe there/);
    expect(q.sentence).not.toMatch(/Infinity|NaN/);
  });
  test('a baseline that scored 0 (or was not graded) where a use relies on it is not listed as safe for that use', () => {
    // The tiny model's run: only math and format graded, both 0 on the baseline and on Q4_K_M. Listing the baseline
    // as "safe for accuracy-critical work" would read as a verdict on a model that answered nothing.
    const rows = ['math', 'format'].map((c) => row('Q4_K_M', `score_${c}`, 0, 0));
    const g = interpretQuality(rows, graded('Q8_0', 'Q4_K_M'), O).groups[0]!;
    const base = g.quants.find((q) => q.baseline)!;
    expect(base.safeFor).toEqual([]);
    expect(base.sentence).toBe(
      'Q8_0 is the baseline (the highest precision graded); not listed for interactive chat, accuracy-critical (financial work), endpoint security triage, structured output: it scored 0 on, or was not graded in, a category they rely on',
    );
    for (const s of g.safe) expect(s, s.useCase).toMatchObject({ quants: [], note: 'none known: the baseline did not answer in every category this use relies on' });
    // The baseline answered in format only: listed for structured output alone, never for all uses.
    const some = interpretQuality([row('Q4_K_M', 'score_format', 0.5, 0.5), row('Q4_K_M', 'score_math', 0, 0)], graded('Q8_0', 'Q4_K_M'), O).groups[0]!;
    expect(some.quants[0]!.safeFor).toEqual(['structured']);
    expect(Object.fromEntries(some.safe.map((s) => [s.useCase, s.quants]))).toMatchObject({ all: [], structured: ['Q8_0', 'Q4_K_M'], accuracy: [] });
  });
  test('one category missing for a quantization: unknown, never safe where it matters', () => {
    const rows = rowsFor('Q4_K_M').filter((r) => r.metric !== 'score_format');
    const q = interpretQuality([...rows, ...rowsFor('Q6_K')], graded('Q8_0', 'Q6_K', 'Q4_K_M'), O).groups[0]!.quants.find((x) => x.quant === 'Q4_K_M')!;
    expect(q.retentionPct.format).toBeNull();
    expect(q.safeFor).toEqual(['accuracy', 'security']);
    expect(q.sentence).toMatch(/format not measured against the baseline: not known safe where it matters/);
  });
  test('a quantization graded but with no row at all (every score errored): not known safe for anything', () => {
    const q = interpretQuality(rowsFor('Q6_K'), graded('Q8_0', 'Q6_K', 'Q2_K'), O).groups[0]!.quants.find((x) => x.quant === 'Q2_K')!;
    expect(q.safeFor).toEqual([]);
    expect(q.sentence).toBe('Q2_K: no score was measured on both sides, so it is not known to be safe for any use');
  });
  test('ties: every category at the lowest share is named; quantizations list by precision', () => {
    const q = interpretQuality(rowsFor('Q3_K_M', { math: 0.56, reasoning: 0.56 }), graded('Q8_0', 'Q3_K_M'), O).groups[0]!.quants[1]!;
    expect(q.sentence).toMatch(/^Q3_K_M drops to 70 % on math and reasoning: avoid for financial work and multi-step decisions/);
    const g = interpretQuality([...rowsFor('Q4_K_M'), ...rowsFor('Q5_K_M')], graded('Q4_K_M', 'Q8_0', 'Q5_K_M'), O).groups[0]!;
    expect(g.safe.find((s) => s.useCase === 'all')!.quants).toEqual(['Q8_0', 'Q5_K_M', 'Q4_K_M']);
  });
  test('constrained rows are not read (free-form meets free-form), and a better score reads as kept', () => {
    const rows = [...rowsFor('Q4_K_M', { math: 0.88 }), { ...row('Q4_K_M', 'score_math_constrained', 0, 0.8), mode: 'constrained' as const }];
    const q = interpretQuality(rows, graded('Q8_0', 'Q4_K_M'), O).groups[0]!.quants[1]!;
    expect(q.retentionPct).not.toHaveProperty('math_constrained');
    expect(q.retentionPct.math).toBeCloseTo(110, 9);
    expect(q.safeFor).toContain('all');
  });
  test('end to end from cells through the degradation table', () => {
    const cell = (quant: string, math: number): CellReport => {
      const id = `m ${quant} t1 c512 nice10`;
      return {
        profile: 'quality',
        cell: { id, slug: id, model: 'm', quant, threads: 1, ctx: 512, priority: 'nice10' },
        state: 'completed',
        metrics: { score_math: { value: math, unit: 'score', status: 'ok' }, score_overall: { value: math, unit: 'score', status: 'ok' } },
        verdicts: [],
        counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
        tests: [],
        sampleResponses: [],
      };
    };
    const cells = [cell('Q8_0', 0.5), cell('Q3_K_M', 0.35)];
    const q = interpretQuality(degradation(cells, 5), gradedQuants(cells), O).groups[0]!.quants[1]!;
    expect(q.sentence.startsWith('Q3_K_M drops to 70 % on math: avoid for financial work')).toBe(true);
    expect(q.overallRetentionPct).toBeCloseTo(70, 9);
  });
});
