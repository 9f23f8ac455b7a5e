import { modelInfo, streamCompletion, tokenize } from '../../client/completion.ts';
import { findCrossover, msPer1k, type CrossoverStep } from '../../analysis/crossover.ts';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { failed, ok, skipped } from '../../measurement/schema.ts';
import { fillerText } from '../long-context/workload.ts';
import { settingsOf } from '../mode.ts';
import type { Workload } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

/** Exactly `size` tokens of deterministic filler, counted by the server's tokenizer. */
async function promptOfSize(baseUrl: string, size: number, seed: number): Promise<number[]> {
  const tokens = await tokenize(baseUrl, fillerText(size, seed));
  if (tokens.length < size) throw new Error(`filler of ${size} words gave only ${tokens.length} tokens`);
  return tokens.slice(0, size);
}

const ENERGY_NOTE = 'energy per phase is not measured in this profile (no per-request energy reading)';

/**
 * Each prompt size `repetitions` times, each with its own text and the prompt cache off, at a fixed answer length
 * (end-of-text ignored, so every answer is the same length). The server's own timings split prefill from decode.
 */
export const workload: Workload<'crossover'> = async (ctx) => {
  const { plan, planned, sampler, record, log, addSeries } = ctx;
  const s = settingsOf(plan.config, 'crossover');
  const info = await modelInfo(ctx.server.baseUrl);
  const cap = Math.min(info.nCtx ?? planned.cell.ctx, info.nCtxTrain ?? Infinity) - s.max_tokens - 2;
  const sizes = [...new Set(s.sizes.map((x) => Math.min(x, cap)))].filter((x) => x >= 1).sort((a, b) => a - b);
  if (sizes.length < s.sizes.length) log(`sizes capped at ${cap} tokens (ctx ${info.nCtx ?? planned.cell.ctx} less the answer)`);
  log(`prompt sizes ${sizes.join(', ')} tokens × ${s.repetitions}, ${s.max_tokens} tokens decoded each`);
  const base = { maxTokens: s.max_tokens, seed: plan.config.llama.seed, ignoreEos: true, timeoutMs: s.request_timeout_s * 1000, cachePrompt: false };
  // Warm-up: the first request after a start pays for the server's own setup.
  await streamCompletion(ctx.server.baseUrl, { ...base, prompt: 'Hello', maxTokens: 4 });
  const from = performance.now();
  const steps: CrossoverStep[] = [];
  const rows: Record<string, number | null>[] = [];
  let failures = 0;
  let inTokens = 0;
  let inMs = 0;
  let outTokens = 0;
  let outMs = 0;
  for (const [i, size] of sizes.entries()) {
    const step = { promptTokens: size, prefillMs: [] as number[], decodeMs: [] as number[] };
    for (let r = 0; r < s.repetitions; r++) {
      const prompt = await promptOfSize(ctx.server.baseUrl, size, 5000 + i * 100 + r);
      const res = await streamCompletion(ctx.server.baseUrl, { ...base, prompt });
      const t = res.timings;
      record({ size, repetition: r, ok: res.ok, error: res.error, prompt_tokens: t?.prompt_n ?? null, prefill_ms: t?.prompt_ms ?? null, decode_ms: t?.predicted_ms ?? null, predicted_n: t?.predicted_n ?? null, text: res.text });
      if (!res.ok || !t) {
        failures++;
        log(`${size} tokens #${r + 1} failed: ${res.error ?? 'no timings'}`);
        continue;
      }
      step.prefillMs.push(t.prompt_ms);
      step.decodeMs.push(t.predicted_ms);
      inTokens += t.prompt_n;
      inMs += t.prompt_ms;
      outTokens += t.predicted_n;
      outMs += t.predicted_ms;
    }
    steps.push(step);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const p = mean(step.prefillMs);
    const d = mean(step.decodeMs);
    rows.push({ prompt_tokens: size, prefill_s: p === null ? null : p / 1000, decode_s: d === null ? null : d / 1000, prefill_share_pct: p !== null && d !== null && p + d > 0 ? (p / (p + d)) * 100 : null });
    log(`${size} tokens: prefill ${p?.toFixed(1) ?? '—'} ms, decode ${d?.toFixed(1) ?? '—'} ms`);
  }
  sampler.tick();
  const all = sampler.snapshot();
  const metrics: ProfileMetrics<'crossover'> = resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrapOptions(plan));
  const found = findCrossover(steps, plan.config.verdicts.confidence);
  // The crossing as a one-row table too, so the report can mark it on the chart.
  addSeries('steps', rows);
  addSeries('crossing', [
    found.state === 'crossed'
      ? { tokens: found.tokens, low: found.low, high: found.high, step_below: found.between[0], step_above: found.between[1], reached: 1 }
      : { tokens: null, low: null, high: null, reached: found.state === 'below-ladder' ? -1 : 0 },
  ]);
  if (found.state === 'crossed') {
    const m = ok(found.tokens, 'tokens');
    const bounded = found.low !== null && found.high !== null;
    metrics.crossover_prompt_tokens = {
      ...m,
      ...(bounded ? { ci: { low: found.low!, high: found.high!, level: plan.config.verdicts.confidence, method: 'crossover-bracket' } } : {}),
      ciNote: bounded ? found.method : `${found.method}; ${found.low === null ? 'no step below it is clearly decode-dominated' : `low ${found.low}`}, ${found.high === null ? 'no step above it is clearly prefill-dominated' : `high ${found.high}`}`,
    };
    log(`prefill overtakes decode at ≈ ${found.tokens.toFixed(0)} tokens [${found.low ?? '…'}, ${found.high ?? '…'}]`);
  } else {
    metrics.crossover_prompt_tokens = found.state === 'no-data' ? failed('tokens', found.note) : skipped('tokens', found.note);
    log(found.note);
  }
  const pre = msPer1k(inMs, inTokens);
  const dec = msPer1k(outMs, outTokens);
  metrics.prefill_ms_per_1k_input = pre === null ? failed('ms', 'no request succeeded') : ok(pre, 'ms');
  metrics.decode_ms_per_1k_output = dec === null ? failed('ms', 'no request succeeded') : ok(dec, 'ms');
  metrics.prefill_wh_per_1k_input = skipped('Wh', ENERGY_NOTE);
  metrics.decode_wh_per_1k_output = skipped('Wh', ENERGY_NOTE);
  metrics.largest_size_tokens = ok(Math.max(...sizes), 'tokens');
  metrics.requests_failed = ok(failures, 'requests');
  return metrics;
};
