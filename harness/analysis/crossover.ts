// Where prefill overtakes decode, pure: a ladder of prompt sizes at a fixed answer length, each step measured one
// or more times. The crossing is the first step from which prefill time stays at or above decode time, placed by
// linear interpolation of the mean difference between it and the step before; its interval is the span of prompt
// sizes between the last step still clearly decode-dominated and the first clearly prefill-dominated one ("clearly":
// a Student-t interval of the step's prefill − decode difference that excludes 0; one measurement per step has no
// interval, and the two bracketing steps bound it).
import { studentTInterval } from '../stats/interval.ts';
import { mean } from '../stats/summary.ts';

export interface CrossoverStep {
  promptTokens: number;
  /** Per measurement of this step: prefill and decode time (ms). */
  prefillMs: readonly number[];
  decodeMs: readonly number[];
}

export type Crossover =
  | {
      state: 'crossed';
      /** Interpolated prompt size where prefill time equals decode time. */
      tokens: number;
      /** Bounds of the crossing; null where the ladder gives none (open towards its end). */
      low: number | null;
      high: number | null;
      method: string;
      /** The ladder steps between which it lies. */
      between: [number, number];
    }
  | { state: 'below-ladder'; note: string }
  | { state: 'not-reached'; note: string }
  | { state: 'no-data'; note: string };

const METHOD_T = 'interpolated mean difference; bounds: last step whose prefill − decode interval is below 0, first above 0 (Student-t)';
const METHOD_BRACKET = 'interpolated mean difference; bounds: the bracketing ladder steps (one measurement per step: no per-step interval)';

/** The mean prefill − decode difference of a step (ms), pairing each measurement's own prefill and decode. */
function differences(s: CrossoverStep): number[] {
  const n = Math.min(s.prefillMs.length, s.decodeMs.length);
  return Array.from({ length: n }, (_, i) => s.prefillMs[i]! - s.decodeMs[i]!);
}

export function findCrossover(steps: readonly CrossoverStep[], level = 0.95): Crossover {
  const usable = steps
    .map((s) => ({ x: s.promptTokens, d: differences(s) }))
    .filter((s) => s.d.length > 0 && s.d.every(Number.isFinite))
    .sort((a, b) => a.x - b.x);
  if (usable.length === 0) return { state: 'no-data', note: 'no ladder step has both a prefill and a decode time' };
  const means = usable.map((s) => mean(s.d));
  const last = usable.at(-1)!;
  if (means.at(-1)! < 0) {
    return { state: 'not-reached', note: `prefill stayed below decode up to the largest prompt, ${last.x} tokens (prefill ${fmt(-means.at(-1)!)} ms shorter there)` };
  }
  // The first step from which prefill stays at or above decode.
  let j = usable.length - 1;
  while (j > 0 && means[j - 1]! >= 0) j--;
  if (j === 0) return { state: 'below-ladder', note: `prefill already took at least as long as decode at the smallest prompt, ${usable[0]!.x} tokens` };
  const a = usable[j - 1]!;
  const b = usable[j]!;
  const da = means[j - 1]!;
  const db = means[j]!;
  const tokens = a.x + ((b.x - a.x) * -da) / (db - da);
  const perStep = usable.every((s) => s.d.length >= 2);
  if (!perStep) return { state: 'crossed', tokens, low: a.x, high: b.x, method: METHOD_BRACKET, between: [a.x, b.x] };
  const ci = usable.map((s) => studentTInterval(s.d, level).ci);
  let low: number | null = null;
  for (let i = j - 1; i >= 0; i--) if (ci[i] && ci[i]!.high < 0) { low = usable[i]!.x; break; }
  let high: number | null = null;
  for (let i = j; i < usable.length; i++) if (ci[i] && ci[i]!.low > 0) { high = usable[i]!.x; break; }
  return { state: 'crossed', tokens, low, high, method: METHOD_T, between: [a.x, b.x] };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** Milliseconds per 1000 tokens, from totals; null without tokens. */
export function msPer1k(totalMs: number, tokens: number): number | null {
  return tokens > 0 ? (totalMs / tokens) * 1000 : null;
}
