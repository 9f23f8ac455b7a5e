import { describe, expect, test } from 'vitest';
import { findCrossover, msPer1k, type CrossoverStep } from '../../harness/analysis/crossover.ts';

// Prefill grows linearly (1 ms per token), decode is fixed at 200 ms: the true crossing is at 200 tokens.
const linear = (xs: number[], noise: number[] = [0]): CrossoverStep[] =>
  xs.map((x) => ({ promptTokens: x, prefillMs: noise.map((e) => x + e), decodeMs: noise.map(() => 200) }));

describe('findCrossover', () => {
  test('a known crossing, one measurement per step: interpolated, bounded by the bracketing steps', () => {
    const r = findCrossover(linear([50, 100, 150, 250, 400]));
    expect(r).toMatchObject({ state: 'crossed', low: 150, high: 250, between: [150, 250] });
    // d(150) = -50, d(250) = +50 → 200 exactly.
    if (r.state === 'crossed') expect(r.tokens).toBeCloseTo(200, 10);
  });

  test('with repetitions the interval comes from the steps that are clearly on either side', () => {
    // Noise -5, 0, +5 ms: sd 5, 95 % half-width t(2) · 5/√3 = 12.4 ms. 180 (d = -20) is clearly below, 230 (d = +30)
    // clearly above; the crossing interpolates to 200.
    const r = findCrossover(linear([100, 180, 230, 300], [-5, 0, 5]));
    expect(r).toMatchObject({ state: 'crossed', low: 180, high: 230 });
    if (r.state === 'crossed') expect(r.tokens).toBeCloseTo(200, 10);
    // 210 (d = +10) is within its half-width: not clearly above, so the bound moves on to 300.
    expect(findCrossover(linear([100, 180, 210, 300], [-5, 0, 5]))).toMatchObject({ low: 180, high: 300 });
  });

  test('a step too noisy to call widens the interval to the next clear step', () => {
    // Half-width 2.48 × 20 = 49.7 ms: 195 and 205 (d = ∓5) cannot be called; 100 and 300 (d = ∓100) can.
    const r = findCrossover(linear([100, 195, 205, 300], [-20, 0, 20]));
    expect(r).toMatchObject({ state: 'crossed', low: 100, high: 300, between: [195, 205] });
  });

  test('no crossing within the ladder', () => {
    const r = findCrossover(linear([10, 50, 120]));
    expect(r.state).toBe('not-reached');
    if (r.state === 'not-reached') expect(r.note).toContain('120 tokens');
  });

  test('prefill above decode from the first step: the crossing is below the ladder', () => {
    expect(findCrossover(linear([300, 400])).state).toBe('below-ladder');
  });

  test('a dip back below decode later on moves the crossing to the last sustained one', () => {
    const steps: CrossoverStep[] = [
      { promptTokens: 100, prefillMs: [150], decodeMs: [200] },
      { promptTokens: 200, prefillMs: [210], decodeMs: [200] },
      { promptTokens: 300, prefillMs: [190], decodeMs: [200] },
      { promptTokens: 400, prefillMs: [230], decodeMs: [200] },
    ];
    const r = findCrossover(steps);
    expect(r).toMatchObject({ state: 'crossed', between: [300, 400] });
    if (r.state === 'crossed') expect(r.tokens).toBeCloseTo(325, 10);
  });

  test('steps in any order, unusable ones ignored, nothing usable is no-data', () => {
    const r = findCrossover([...linear([250, 150]), { promptTokens: 500, prefillMs: [], decodeMs: [] }, { promptTokens: 600, prefillMs: [NaN], decodeMs: [1] }]);
    expect(r).toMatchObject({ state: 'crossed', between: [150, 250] });
    expect(findCrossover([]).state).toBe('no-data');
  });

  test('msPer1k', () => {
    expect(msPer1k(500, 250)).toBe(2000);
    expect(msPer1k(500, 0)).toBeNull();
  });
});
