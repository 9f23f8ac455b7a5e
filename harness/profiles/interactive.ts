import path from 'node:path';
import { streamCompletion, type RequestRecord } from '../client/completion.ts';
import { failed, ok, type Metric } from '../measurement/schema.ts';
import { summarize, type Summary } from '../stats/summary.ts';
import { loadPrompts } from './prompts.ts';
import type { Workload } from './run-cell.ts';
import { resourceMetrics, rowsIn } from './window.ts';

/** Short prompts one after another, as a person chatting would send them: warmup first, then repetitions. */
export const interactiveWorkload: Workload = async ({ plan, server, sampler, record, log }) => {
  const profile = plan.config.profiles.interactive;
  const prompts = loadPrompts(path.resolve(path.dirname(plan.configFile), profile.prompts));
  const total = profile.warmup + profile.repetitions;
  const measured: RequestRecord[] = [];
  let from = 0;
  for (let i = 0; i < total; i++) {
    const warmup = i < profile.warmup;
    if (i === profile.warmup) from = performance.now();
    const prompt = prompts[i % prompts.length]!;
    const r = await streamCompletion(server.baseUrl, {
      prompt: prompt.prompt,
      maxTokens: profile.max_tokens,
      seed: plan.config.llama.seed,
      ignoreEos: true,
      timeoutMs: profile.request_timeout_s * 1000,
    });
    record({
      index: i,
      warmup,
      prompt_id: prompt.id,
      ok: r.ok,
      error: r.error,
      ttft_ms: r.ttftMs,
      e2e_ms: r.e2eMs,
      tpot_ms: r.tpotMs,
      decode_tps: r.decodeTps,
      output_tokens: r.outputTokens,
      prompt_tokens: r.promptTokens,
      timings: r.timings,
      text: r.text,
    });
    if (!warmup) measured.push(r);
    if (!r.ok) log(`request ${i} failed: ${r.error}`);
  }
  sampler.tick();
  const all = sampler.snapshot();
  log(`${measured.filter((r) => r.ok).length}/${measured.length} measured requests succeeded`);
  return { ...resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors()), ...requestMetrics(measured) };
};

function pick(records: RequestRecord[], get: (r: RequestRecord) => number | null | undefined): number[] {
  return records.map(get).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function requestMetrics(records: RequestRecord[]): Record<string, Metric> {
  const good = records.filter((r) => r.ok);
  const firstError = records.find((r) => !r.ok)?.error ?? 'no requests were measured';
  const none = (unit: string) => failed(unit, `no successful requests: ${firstError}`);
  const metric = (s: Summary | null, unit: string, get: (s: Summary) => number, scale = 1) =>
    s ? ok(get(s) * scale, unit, scaleSummary(s, scale)) : none(unit);
  const ttft = summarize(pick(good, (r) => r.ttftMs));
  const e2e = summarize(pick(good, (r) => r.e2eMs));
  const itl = summarize(good.flatMap((r) => r.itlMs));
  const decode = summarize(pick(good, (r) => r.decodeTps));
  const serverDecode = summarize(pick(good, (r) => r.timings?.predicted_per_second));
  const prefill = summarize(pick(good, (r) => r.timings?.prompt_per_second));
  return {
    ttft_p50_s: metric(ttft, 's', (s) => s.p50, 1e-3),
    ttft_p95_s: metric(ttft, 's', (s) => s.p95, 1e-3),
    latency_p50_s: metric(e2e, 's', (s) => s.p50, 1e-3),
    latency_p95_s: metric(e2e, 's', (s) => s.p95, 1e-3),
    latency_p99_s: metric(e2e, 's', (s) => s.p99, 1e-3),
    latency_p99_over_p50: e2e && e2e.p50 > 0 ? ok(e2e.p99 / e2e.p50, '×') : none('×'),
    itl_p99_ms: metric(itl, 'ms', (s) => s.p99),
    decode_tps_mean: metric(decode, 'tok/s', (s) => s.mean),
    server_decode_tps_mean: metric(serverDecode, 'tok/s', (s) => s.mean),
    prefill_tps_mean: metric(prefill, 'tok/s', (s) => s.mean),
    requests_failed: ok(records.length - good.length, 'requests'),
  };
}

function scaleSummary(s: Summary, k: number): Summary {
  if (k === 1) return s;
  return { ...s, mean: s.mean * k, median: s.median * k, sd: s.sd * k, min: s.min * k, max: s.max * k, p50: s.p50 * k, p95: s.p95 * k, p99: s.p99 * k };
}
