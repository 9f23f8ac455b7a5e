import { modelInfo, streamCompletion, tokenize } from '../../client/completion.ts';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { mulberry32 } from '../../stats/prng.ts';
import { settingsOf } from '../mode.ts';
import type { Workload } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

/**
 * The prompt sizes to measure: the configured sizes that fit under the cap, then the cap itself when a larger size
 * was asked for. With fewer than two sizes left there is no curve, so a quarter and a half of the cap are added.
 */
export function contextLadder(sizes: readonly number[], cap: number): { sizes: number[]; dropped: number[] } {
  const fits = sizes.filter((s) => s <= cap);
  const dropped = sizes.filter((s) => s > cap);
  const ladder = new Set(fits);
  if (dropped.length > 0) ladder.add(cap);
  if (ladder.size < 2) for (const s of [Math.floor(cap / 4), Math.floor(cap / 2), cap]) if (s >= 16) ladder.add(s);
  return { sizes: [...ladder].sort((a, b) => a - b), dropped };
}

const WORDS = (
  'the a of to and in is that for on with as by at from this it be are was or an which have has not but they ' +
  'process memory server request cache model token context window system network file user agent service log ' +
  'value table index record page report signal thread queue event policy rule alert host device packet route'
).split(' ');

/** Deterministic filler: `words` pseudo-random words; another seed gives another text from its first word. */
export function fillerText(words: number, seed: number): string {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  return `${out.join(' ')}.`;
}

/** Exactly `size` prompt tokens, counted by the server's own tokenizer. */
async function promptOfSize(baseUrl: string, size: number, seed: number): Promise<number[]> {
  // Every word is at least one token, so `size` words always tokenize to at least `size` tokens.
  const tokens = await tokenize(baseUrl, fillerText(size, seed));
  if (tokens.length < size) throw new Error(`filler of ${size} words gave only ${tokens.length} tokens`);
  return tokens.slice(0, size);
}

type Row = Record<string, number | null>;

/**
 * A ladder of prompt sizes, each sent twice: cold (a prefix no earlier request shared) and again identical, so the
 * second shows what llama-server's prompt cache saves. Reports the largest size that still meets the budgets.
 */
export const workload: Workload<'long-context'> = async (ctx) => {
  const { plan, planned, sampler, record, log, addSeries } = ctx;
  const settings = settingsOf(plan.config, 'long-context');
  const info = await modelInfo(ctx.server.baseUrl);
  const slotCtx = info.nCtx ?? planned.cell.ctx;
  // Room for the generated tokens and the BOS token the server may add.
  const cap = Math.min(slotCtx, info.nCtxTrain ?? Infinity) - settings.max_tokens - 2;
  const ladder = contextLadder(settings.sizes, cap);
  log(
    `prompt sizes ${ladder.sizes.join(', ')} tokens` +
      (ladder.dropped.length ? ` (${ladder.dropped.join(', ')} exceed the cap of ${cap}: ctx ${slotCtx}, trained ${info.nCtxTrain ?? '?'})` : ''),
  );
  // One short request first, so the first size does not also pay for the server's first-request setup.
  await streamCompletion(ctx.server.baseUrl, { prompt: 'Hello', maxTokens: 4, seed: plan.config.llama.seed, ignoreEos: true, timeoutMs: settings.request_timeout_s * 1000 });
  const rows: Row[] = [];
  let requestsFailed = 0;
  const from = performance.now();
  for (const [i, size] of ladder.sizes.entries()) {
    const prompt = await promptOfSize(ctx.server.baseUrl, size, 1000 + i);
    const request = { prompt, maxTokens: settings.max_tokens, seed: plan.config.llama.seed, ignoreEos: true, timeoutMs: settings.request_timeout_s * 1000, cachePrompt: true };
    const t0 = performance.now();
    const cold = await streamCompletion(ctx.server.baseUrl, request);
    const warm = cold.ok ? await streamCompletion(ctx.server.baseUrl, request) : null;
    sampler.tick();
    // RSS is read at an instant, not over an interval: every reading taken while this size ran counts, so a size
    // shorter than one sampler interval still has its peak.
    const tEnd = performance.now();
    const rss = sampler.snapshot().filter((r) => r.at >= t0 && r.at <= tEnd).map((r) => r.rssMb).filter((v): v is number => v !== null);
    for (const [pass, r] of [['cold', cold], ['repeat', warm]] as const) {
      if (r) record({ size, pass, ok: r.ok, error: r.error, ttft_ms: r.ttftMs, e2e_ms: r.e2eMs, prompt_tokens: r.promptTokens, timings: r.timings, text: r.text });
      if (r && !r.ok) requestsFailed++;
    }
    if (warm && !warm.ok) log(`${size} tokens, repeated: failed: ${warm.error}`);
    const row: Row = {
      tokens: size,
      ok: cold.ok ? 1 : 0,
      prompt_tokens: cold.timings?.prompt_n ?? null,
      prefill_s: cold.timings ? cold.timings.prompt_ms / 1000 : null,
      prefill_tps: cold.timings?.prompt_per_second ?? null,
      ttft_s: cold.ttftMs !== null ? cold.ttftMs / 1000 : null,
      decode_tps: cold.timings?.predicted_per_second ?? null,
      rss_peak_mb: rss.length > 0 ? Math.max(...rss) : null,
      repeat_ok: warm ? (warm.ok ? 1 : 0) : null,
      cached_ttft_s: warm?.ok && warm.ttftMs !== null ? warm.ttftMs / 1000 : null,
      cache_reused_tokens: warm?.timings?.cache_n ?? null,
      cached_prefill_s: warm?.timings ? warm.timings.prompt_ms / 1000 : null,
    };
    row.cache_speedup = row.ttft_s != null && row.cached_ttft_s ? row.ttft_s / row.cached_ttft_s : null;
    rows.push(row);
    log(
      cold.ok
        ? `${size} tokens: prefill ${row.prefill_s?.toFixed(2)} s (${row.prefill_tps?.toFixed(0)} tok/s), TTFT ${row.ttft_s?.toFixed(2)} s, decode ${row.decode_tps?.toFixed(1)} tok/s; repeated: TTFT ${row.cached_ttft_s?.toFixed(3)} s, ${row.cache_reused_tokens ?? '?'} tokens from the cache`
        : `${size} tokens failed: ${cold.error}`,
    );
  }
  sampler.tick();
  const all = sampler.snapshot();
  addSeries('ladder', rows);
  const metrics: ProfileMetrics<'long-context'> = resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrapOptions(plan));
  const good = rows.filter((r) => r.ok === 1);
  metrics.failed_sizes = ok(rows.length - good.length, 'sizes');
  metrics.requests_failed = ok(requestsFailed, 'requests');
  metrics.largest_size_tokens = ok(Math.max(...ladder.sizes), 'tokens');
  metrics.max_usable_context_tokens = usableContext(rows, settings.usable_ttft_s, metrics.swap_growth_mb!);
  const top = good.at(-1);
  const none = (unit: string) => failed(unit, 'every prompt size failed (the errors are in responses.jsonl)');
  const at = (key: string, unit: string): Metric => (top && top[key] !== null && top[key] !== undefined ? ok(top[key]!, unit) : top ? skipped(unit, `the server did not report ${key}`) : none(unit));
  // The repeat of the largest prompt: when it failed, its figures are errors, not "not reported".
  const repeated = (key: string, unit: string): Metric =>
    top?.repeat_ok === 0 ? failed(unit, `the repeated ${top.tokens}-token request failed (the error is in responses.jsonl)`) : at(key, unit);
  metrics.context_load_s = contextLoad(rows);
  metrics.prefill_s_at_max = at('prefill_s', 's');
  metrics.prefill_tps_at_max = at('prefill_tps', 'tok/s');
  metrics.ttft_s_at_max = at('ttft_s', 's');
  metrics.decode_tps_at_max = at('decode_tps', 'tok/s');
  metrics.cached_ttft_s_at_max = repeated('cached_ttft_s', 's');
  metrics.cache_speedup_at_max = repeated('cache_speedup', '×');
  metrics.cache_reused_tokens_at_max = repeated('cache_reused_tokens', 'tokens');
  const first = good[0];
  metrics.decode_tps_drop_pct =
    first?.decode_tps && top?.decode_tps && good.length > 1 ? ok(((first.decode_tps - top.decode_tps) / first.decode_tps) * 100, '%') : skipped('%', 'needs two prompt sizes that succeeded');
  return metrics;
};

/**
 * The largest prompt size that answered within `usableTtftS` without the machine swapping. Swap is system-wide and
 * read once for the whole ladder; when it could not be read, whether the sizes swapped is unknown, so the figure is
 * skipped (naming what TTFT alone would give), never taken as "no growth".
 */
export function usableContext(rows: readonly Row[], usableTtftS: number, swapGrowth: Metric): Metric {
  const fast = rows.filter((r) => r.ok === 1 && r.ttft_s != null && r.ttft_s <= usableTtftS);
  const largest = fast.length > 0 ? Math.max(...fast.map((r) => r.tokens!)) : null;
  if (swapGrowth.status !== 'ok' || swapGrowth.value === null) {
    return skipped('tokens', `swap growth unknown (${swapGrowth.reason ?? swapGrowth.status}); by TTFT ≤ ${usableTtftS} s alone it would be ${largest ?? 'none'}`);
  }
  if (swapGrowth.value > 0) return failed('tokens', `swap grew by ${swapGrowth.value.toFixed(1)} MB during the ladder: no size is usable without swapping`);
  return largest !== null ? ok(largest, 'tokens') : failed('tokens', `no prompt size answered within ${usableTtftS} s`);
}

/**
 * The design's "initial load": how long the server took to process the largest prompt of the ladder, sent cold
 * (its own prompt_ms). Always the largest size measured: when that one failed, the figure is an error, not the
 * time of a smaller size that worked.
 */
export function contextLoad(rows: readonly Row[]): Metric {
  const largest = rows.reduce<Row | undefined>((a, r) => (a === undefined || (r.tokens ?? -1) > (a.tokens ?? -1) ? r : a), undefined);
  if (!largest) return failed('s', 'no prompt size was measured');
  if (largest.ok !== 1) return failed('s', `the largest prompt (${largest.tokens} tokens) failed (the error is in responses.jsonl)`);
  if (largest.prefill_s === null || largest.prefill_s === undefined) return skipped('s', `the server reported no prompt timings for the largest prompt (${largest.tokens} tokens)`);
  return ok(largest.prefill_s, 's');
}
