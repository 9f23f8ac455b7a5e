import type { CellReport } from './model.ts';
import type { DegradationRow } from './part-schemas.ts';

/** Approximate bits per weight of llama.cpp quantizations, to rank precision; unknown names fall back to their digit. */
const BITS_PER_WEIGHT: Record<string, number> = {
  F32: 32, F16: 16, BF16: 16, Q8_0: 8.5, Q6_K: 6.56, Q5_1: 6, Q5_K_M: 5.7, Q5_K_S: 5.5, Q5_0: 5.5, Q4_1: 5, Q4_K_M: 4.85,
  Q4_K_S: 4.6, Q4_0: 4.5, IQ4_NL: 4.5, IQ4_XS: 4.25, Q3_K_L: 4.3, Q3_K_M: 3.9, IQ3_M: 3.7, Q3_K_S: 3.5, IQ3_XS: 3.3,
  Q2_K: 3.35, IQ2_M: 2.7, IQ2_XS: 2.3,
};

export function quantBits(quant: string): number {
  return BITS_PER_WEIGHT[quant.toUpperCase()] ?? Number(/(\d+)/.exec(quant)?.[1] ?? 0);
}

/** The answer mode a score metric was measured in: `score_math_constrained` is constrained, `score_math` free-form. */
export function answerMode(metric: string): 'free' | 'constrained' {
  return metric.endsWith('_constrained') ? 'constrained' : 'free';
}

/**
 * Per model and context, the highest-precision quantization that was graded is the baseline; every other
 * quantization gets its per-category delta, flagged when it drops more than `thresholdPoints`. A score is only
 * compared with the same metric of the baseline, so free-form meets free-form and constrained meets constrained.
 */
export function degradation(cells: readonly CellReport[], thresholdPoints: number): DegradationRow[] {
  const graded = cells.filter((c) => c.profile === 'quality' && c.state === 'completed');
  const groups = new Map<string, Map<string, CellReport>>();
  for (const c of graded) {
    const key = `${c.cell.model}\0${c.cell.ctx}`;
    const byQuant = groups.get(key) ?? new Map<string, CellReport>();
    if (!byQuant.has(c.cell.quant)) byQuant.set(c.cell.quant, c);
    groups.set(key, byQuant);
  }
  const rows: DegradationRow[] = [];
  for (const byQuant of groups.values()) {
    const ranked = [...byQuant.values()].sort((a, b) => quantBits(b.cell.quant) - quantBits(a.cell.quant) || a.cell.quant.localeCompare(b.cell.quant));
    const [baseline, ...others] = ranked;
    if (!baseline) continue;
    for (const c of others) {
      for (const [metric, m] of Object.entries(c.metrics)) {
        const base = baseline.metrics[metric];
        if (!metric.startsWith('score_') || m.status !== 'ok' || base?.status !== 'ok') continue;
        const deltaPoints = (m.value! - base.value!) * 100;
        rows.push({
          model: c.cell.model,
          ctx: c.cell.ctx,
          baselineQuant: baseline.cell.quant,
          quant: c.cell.quant,
          metric,
          mode: answerMode(metric),
          score: m.value!,
          baselineScore: base.value!,
          deltaPoints,
          flagged: deltaPoints < -thresholdPoints,
        });
      }
    }
  }
  return rows.sort((a, b) => a.model.localeCompare(b.model) || a.ctx - b.ctx || quantBits(b.quant) - quantBits(a.quant) || a.metric.localeCompare(b.metric));
}
