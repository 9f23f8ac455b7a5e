import { streamCompletion, type RequestRecord } from '../client/completion.ts';
import { failed, ok, type Metric } from '../measurement/schema.ts';
import type { BootstrapOptions } from '../stats/bootstrap.ts';
import { meanStatistic, quantileRatioStatistic, quantileStatistic, seriesQuantileStatistic, type Statistic } from '../stats/statistic.ts';
import { sortSamples, summarize, type Summary } from '../stats/summary.ts';
import { decodeUpperBound } from '../analysis/roofline.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import { dataFile, loadPrompts } from './prompts.ts';
import type { Workload } from './run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from './window.ts';

/** Short prompts one after another, as a person chatting would send them: warmup first, then repetitions. */
export const interactiveWorkload: Workload = async ({ plan, planned, server, sampler, record, log }) => {
  const profile = plan.config.profiles.interactive;
  const prompts = loadPrompts(dataFile(plan.configFile, profile.prompts));
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
  const bootstrap = bootstrapOptions(plan);
  const requests = requestMetrics(measured, bootstrap);
  return { ...resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrap), ...requests, ...rooflineMetrics(plan, planned, requests.server_decode_tps_mean) };
};

/**
 * Decode speed against its memory-bandwidth bound: each token reads every weight once, so tok/s ≤ bandwidth ÷
 * weight bytes. A low efficiency means the settings, not the hardware, hold the cell back.
 */
export function rooflineMetrics(plan: Plan, planned: PlannedCell, decode: Metric | undefined): Record<string, Metric> {
  if (!plan.bandwidth || plan.bandwidth.error !== undefined) {
    const why = plan.bandwidth ? `the memory-bandwidth measurement failed: ${plan.bandwidth.error}` : 'this plan has no memory-bandwidth measurement';
    return { decode_bound_tps: failed('tok/s', why), decode_efficiency_pct: failed('%', why) };
  }
  const weightBytes = planned.model.metadata?.tensorBytes ?? planned.model.bytes;
  const bound = decodeUpperBound(plan.bandwidth.gbPerSec, weightBytes);
  const basis = `${plan.bandwidth.gbPerSec.toFixed(1)} GB/s ÷ ${(weightBytes / 1e6).toFixed(1)} MB of ${planned.model.metadata ? 'tensor data' : 'model file'}`;
  const boundMetric = { ...ok(bound, 'tok/s'), reason: basis };
  if (decode?.value == null) return { decode_bound_tps: boundMetric, decode_efficiency_pct: failed('%', 'no server decode speed measured') };
  return { decode_bound_tps: boundMetric, decode_efficiency_pct: { ...ok((decode.value / bound) * 100, '%'), reason: `${decode.value.toFixed(1)} tok/s of a ${bound.toFixed(1)} tok/s bound (${basis})` } };
}

function pick(records: RequestRecord[], get: (r: RequestRecord) => number | null | undefined): number[] {
  return records.map(get).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

const p = quantileStatistic;

export function requestMetrics(records: RequestRecord[], bootstrap: BootstrapOptions): Record<string, Metric> {
  const good = records.filter((r) => r.ok);
  const firstError = records.find((r) => !r.ok)?.error ?? 'no requests were measured';
  const none = (unit: string) => failed(unit, `no successful requests: ${firstError}`);
  /** A statistic of the samples, with the interval its method can claim (or the note why none), scaled into the metric's unit. */
  const metric = (samples: number[], unit: string, stat: Statistic, scale = 1) => {
    const s = summarize(samples);
    if (!s) return none(unit);
    const sorted = sortSamples(samples);
    const { ci, note } = stat.interval(samples, sorted, bootstrap);
    const m = ok(stat.value(sorted) * scale, unit, scaleSummary(s, scale), ci && { ...ci, low: ci.low * scale, high: ci.high * scale });
    return note && m.status === 'ok' ? { ...m, ciNote: note } : m;
  };
  const ttft = pick(good, (r) => r.ttftMs);
  const e2e = pick(good, (r) => r.e2eMs);
  const itl = good.flatMap((r) => r.itlMs);
  const decode = pick(good, (r) => r.decodeTps);
  return {
    ttft_p50_s: metric(ttft, 's', p(0.5), 1e-3),
    ttft_p95_s: metric(ttft, 's', p(0.95), 1e-3),
    latency_p50_s: metric(e2e, 's', p(0.5), 1e-3),
    latency_p95_s: metric(e2e, 's', p(0.95), 1e-3),
    latency_p99_s: metric(e2e, 's', p(0.99), 1e-3),
    latency_p99_over_p50: metric(e2e, '×', quantileRatioStatistic(0.99, 0.5)),
    itl_p99_ms: metric(itl, 'ms', seriesQuantileStatistic(0.99)),
    decode_tps_mean: metric(decode, 'tok/s', meanStatistic),
    server_decode_tps_mean: metric(pick(good, (r) => r.timings?.predicted_per_second), 'tok/s', meanStatistic),
    prefill_tps_mean: metric(pick(good, (r) => r.timings?.prompt_per_second), 'tok/s', meanStatistic),
    requests_failed: ok(records.length - good.length, 'requests'),
  };
}

function scaleSummary(s: Summary, k: number): Summary {
  if (k === 1) return s;
  return { ...s, mean: s.mean * k, median: s.median * k, sd: s.sd * k, min: s.min * k, max: s.max * k, p50: s.p50 * k, p95: s.p95 * k, p99: s.p99 * k };
}
