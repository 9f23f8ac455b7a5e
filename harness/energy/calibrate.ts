/**
 * Calibration: from requests measured with RAPL, a per-token coefficient (prefill and decode Wh per 1000 tokens
 * above idle, plus the idle watts) that estimated mode can use on the same model and machine. Pure.
 */
import { bootstrapCi, meanOf } from '../stats/bootstrap.ts';
import type { EnergyCoefficient } from './benchmarks.ts';

export interface CalibrationRequest {
  prefillJ: number;
  decodeJ: number;
  prefillS: number;
  decodeS: number;
  inputTokens: number;
  outputTokens: number;
}

export interface CalibrationInput {
  name: string;
  requests: readonly CalibrationRequest[];
  idleW: number;
  /** What was measured: model, cell, machine, run id. */
  what: string;
  level?: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The fitted coefficient; throws when fewer than two requests have both token counts. */
export function fitCoefficient(input: CalibrationInput): EnergyCoefficient & { kind: 'wh_per_1000_tokens' } {
  const rs = input.requests.filter((r) => r.inputTokens > 0 && r.outputTokens > 0);
  if (rs.length < 2) throw new Error(`calibration needs at least 2 measured requests with token counts, got ${rs.length}`);
  const whPer1000 = (j: number, tokens: number) => (j / 3600 / tokens) * 1000;
  const prefill = rs.map((r) => whPer1000(r.prefillJ - input.idleW * r.prefillS, r.inputTokens));
  const decode = rs.map((r) => whPer1000(r.decodeJ - input.idleW * r.decodeS, r.outputTokens));
  const level = input.level ?? 0.95;
  const ci = bootstrapCi(decode, meanOf, { resamples: 2000, level, seed: 1 });
  const clampedNote = (xs: number[], what: string) => (mean(xs) < 0 ? ` (${what} read ${mean(xs).toPrecision(3)} Wh, below idle: kept at 0)` : '');
  return {
    name: input.name,
    kind: 'wh_per_1000_tokens',
    prefill_wh_per_1000: Math.max(0, mean(prefill)),
    decode_wh_per_1000: Math.max(0, mean(decode)),
    idle_w: input.idleW,
    source: `calibrated with RAPL on ${input.what}: mean of ${rs.length} requests, above the ${input.idleW.toFixed(2)} W idle baseline${clampedNote(prefill, 'prefill')}${clampedNote(decode, 'decode')}`,
    ...(ci ? { ci: { low: ci.low, high: ci.high, level: ci.level } } : {}),
    runs: rs.length,
  };
}
