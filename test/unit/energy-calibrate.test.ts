import { describe, expect, test } from 'vitest';
import { coefficientSchema } from '../../harness/energy/benchmarks.ts';
import { fitCoefficient } from '../../harness/energy/calibrate.ts';

describe('calibration fit (hand-checked)', () => {
  test('Wh per 1000 tokens above idle, idle watts, a CI on decode, and a source naming what was measured', () => {
    // idle 10 W; prefill 0.1 s with 36 J → 35 J above idle over 100 tokens; decode 1 s with 46 J → 36 J above idle over 100 tokens
    const r = { prefillJ: 36, prefillS: 0.1, decodeJ: 46, decodeS: 1, inputTokens: 100, outputTokens: 100 };
    const c = fitCoefficient({ name: 'rapl_calibrated_tiny', requests: [r, { ...r, decodeJ: 46 + 3.6 }], idleW: 10, what: 'tiny Q4_K_M t1, run x' });
    expect(c.prefill_wh_per_1000).toBeCloseTo((35 / 3600 / 100) * 1000, 12);
    expect(c.decode_wh_per_1000).toBeCloseTo(((36 + 1.8) / 3600 / 100) * 1000, 12);
    expect(c.idle_w).toBe(10);
    expect(c.runs).toBe(2);
    expect(c.ci!.low).toBeLessThanOrEqual(c.decode_wh_per_1000);
    expect(c.ci!.high).toBeGreaterThanOrEqual(c.decode_wh_per_1000);
    expect(c.source).toMatch(/calibrated with RAPL on tiny Q4_K_M t1, run x: mean of 2 requests, above the 10\.00 W idle baseline/);
    const { name: _name, ...entry } = c;
    expect(coefficientSchema.safeParse(entry).success).toBe(true);
  });
  test('below idle is kept at 0 and said; fewer than two requests is an error', () => {
    const r = { prefillJ: 0.5, prefillS: 0.1, decodeJ: 5, decodeS: 1, inputTokens: 10, outputTokens: 10 };
    const c = fitCoefficient({ name: 'x', requests: [r, r], idleW: 10, what: 'y' });
    expect(c.prefill_wh_per_1000).toBe(0);
    expect(c.decode_wh_per_1000).toBe(0);
    expect(c.source).toMatch(/prefill read -?[\d.e-]+ Wh, below idle: kept at 0.*decode read/);
    expect(() => fitCoefficient({ name: 'x', requests: [r], idleW: 1, what: 'y' })).toThrow(/at least 2/);
  });
});
