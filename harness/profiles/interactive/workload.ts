import { streamCompletion, type RequestRecord } from '../../client/completion.ts';
import { readGapsMs } from '../../client/stream.ts';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { failed, ok, sampledOk, skipped, type Metric } from '../../measurement/schema.ts';
import type { BootstrapOptions } from '../../stats/bootstrap.ts';
import { meanStatistic, quantileRatioStatistic, quantileStatistic, seriesQuantileStatistic, type Statistic } from '../../stats/statistic.ts';
import { excludeWarmup, sortSamples, summarize, type Summary } from '../../stats/summary.ts';
import { decodeRoofline } from '../../analysis/roofline.ts';
import type { Plan, PlannedCell } from '../../plan.ts';
import { dataFile, loadPrompts } from '../prompts.ts';
import type { Workload } from '../run-cell.ts';
import { llamaBenchFor, servingOverhead } from './serving-overhead.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';
import type { EnergyMark, EnergyRecorder, RequestMarks } from '../../energy/recorder.ts';
import { processTree } from '../../sampler/proc.ts';

/** Short prompts one after another, as a person chatting would send them: warmup first, then repetitions. */
export const workload: Workload<'interactive'> = async ({ plan, planned, server, backend, sampler, record, log, serverLost, addSeries }) => {
  const profile = plan.config.profiles.interactive;
  const prompts = loadPrompts(dataFile(plan.configFile, profile.prompts));
  const total = profile.warmup + profile.repetitions;
  const sent: RequestRecord[] = [];
  let from = 0;
  // Energy: three marks per request (sent, first token, last token) and an idle baseline before the measured ones.
  const energyConfig = plan.config.energy;
  // Loaded when a cell runs, like the workload itself: importing the profiles stays quick.
  const { EnergyRecorder, energySource } = await import('../../energy/recorder.ts');
  const { SCAPHANDRE_ENV, ScaphandreScraper } = await import('../../energy/scaphandre.ts');
  const energy = new EnergyRecorder(energySource(energyConfig, plan.configFile, backend.capabilities.has('same-host') ? null : `${backend.label} may run on another host`));
  const scaphandreUrl = process.env[SCAPHANDRE_ENV] || energyConfig.scaphandre_url;
  const serverPid = server.pid;
  if (scaphandreUrl && energy.active && serverPid !== null) {
    energy.scaphandre = new ScaphandreScraper(scaphandreUrl, () => new Set(processTree(serverPid))).start();
  }
  const marks: RequestMarks[] = [];
  let baseline: Awaited<ReturnType<EnergyRecorder['idleBaseline']>> = null;
  let windowFrom: EnergyMark | null = null;
  for (let i = 0; i < total; i++) {
    const warmup = i < profile.warmup;
    if (i === profile.warmup) {
      baseline = await energy.idleBaseline(energyConfig.idle_baseline_s, serverLost, () => sampler.tick());
      if (baseline) log(`idle baseline: ${((baseline.to.at - baseline.from.at) / 1000).toFixed(1)} s with the model loaded and no request`);
      from = performance.now();
      windowFrom = energy.mark();
    }
    const prompt = prompts[i % prompts.length]!;
    let split: EnergyMark | null = null;
    let end: EnergyMark | null = null;
    const start = energy.mark();
    const r = await streamCompletion(server.baseUrl, {
      prompt: prompt.prompt,
      maxTokens: profile.max_tokens,
      seed: plan.config.llama.seed,
      ignoreEos: true,
      timeoutMs: profile.request_timeout_s * 1000,
      ...(energy.active
        ? {
            onOutput: (first: boolean) => {
              const m = energy.mark();
              if (first) split = m;
              end = m;
            },
          }
        : {}),
    });
    if (!warmup && r.ok) {
      const serverActiveMs = r.timings ? r.timings.prompt_ms + r.timings.predicted_ms : null;
      marks.push({ start, split, end, inputTokens: r.promptTokens, outputTokens: r.outputTokens, serverActiveMs });
    }
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
      decode_note: r.decodeNote,
      output_tokens: r.outputTokens,
      prompt_tokens: r.promptTokens,
      timings: r.timings,
      ...(energy.active ? { energy: energy.describeMarks(start, split, end) } : {}),
      text: r.text,
    });
    sent.push(r);
    if (!r.ok) log(`request ${i} failed: ${r.error}`);
  }
  const measured = excludeWarmup(sent, profile.warmup);
  const windowTo = energy.mark();
  await energy.scaphandre?.stop();
  sampler.tick();
  const all = sampler.snapshot();
  // The instants the energy figures span, in wall-clock ms: `npm run report -- --energy-benchmark` re-estimates from them.
  if (energy.active) {
    const epoch = (m: EnergyMark | null | undefined) => (m ? performance.timeOrigin + m.at : null);
    addSeries('energy_marks', [
      { baseline_from_epoch_ms: epoch(baseline?.from), baseline_to_epoch_ms: epoch(baseline?.to), baseline_s: energyConfig.idle_baseline_s, window_from_epoch_ms: epoch(windowFrom ?? windowTo), window_to_epoch_ms: epoch(windowTo) },
    ]);
  }
  const energyFigures = energy.finish({
    requests: marks,
    baseline,
    baselineS: energyConfig.idle_baseline_s,
    window: { from: windowFrom ?? windowTo, to: windowTo },
    rows: all,
    noProcess: sampler.missingSensors().process ?? null,
    grid: { gPerKwh: energyConfig.grid_intensity_g_per_kwh, source: energyConfig.grid_intensity_source },
  });
  log(`${measured.filter((r) => r.ok).length}/${measured.length} measured requests succeeded`);
  const bootstrap = bootstrapOptions(plan);
  const requests = requestMetrics(measured, bootstrap, profile.request_timeout_s);
  const resources = resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrap);
  // After the measured window, with the server idle: the engine's own decode speed on the same file and threads.
  const bench = await llamaBenchFor(plan, planned, profile.max_tokens, log);
  return {
    ...resources,
    ...requests,
    ...energyFigures,
    ...rooflineMetrics(plan, planned, requests.server_decode_tps_mean),
    ...servingOverhead(requests.server_decode_tps_mean, bench, plan.llama.commit),
  };
};

/**
 * Decode speed against its DRAM roofline: tok/s ≤ bandwidth ÷ bytes a decoded token reads (one row of the token
 * embedding, every other weight once, from the GGUF tensors). A low share means the settings, not the memory
 * system, hold the cell back; a share above 100 % carries its explanation.
 */
export function rooflineMetrics(plan: Plan, planned: PlannedCell, decode: Metric | undefined): ProfileMetrics<'interactive'> {
  if (!plan.bandwidth || plan.bandwidth.error !== undefined) {
    const why = plan.bandwidth ? `the memory-bandwidth measurement failed: ${plan.bandwidth.error}` : 'this plan has no memory-bandwidth measurement';
    return { decode_bound_tps: failed('tok/s', why), decode_efficiency_pct: failed('%', why) };
  }
  const meta = planned.model.metadata;
  const r = decodeRoofline({
    bandwidthGbPerSec: plan.bandwidth.gbPerSec,
    bandwidthKind: plan.bandwidth.kind ?? 'javascript',
    llcBytes: plan.bandwidth.llcBytes ?? null,
    ...(plan.bandwidth.cachedAgeS !== undefined ? { bandwidthAgeS: plan.bandwidth.cachedAgeS } : {}),
    bytesPerToken: meta?.decodeBytesPerToken ?? planned.model.bytes,
    bytesFrom: meta?.decodeBytesPerToken ? 'gguf' : 'file',
    bytesBasis: meta?.decodeBytesBasis ?? 'the GGUF metadata could not be read',
    measuredTps: decode?.status === 'ok' ? decode.value : null,
  });
  const bound = { ...ok(r.boundTps, 'tok/s'), reason: r.boundReason };
  if (r.efficiencyPct === null) return { decode_bound_tps: bound, decode_efficiency_pct: failed('%', `no server decode speed measured${decode?.reason ? `: ${decode.reason}` : ''}`) };
  return { decode_bound_tps: bound, decode_efficiency_pct: { ...ok(r.efficiencyPct, '%'), reason: r.efficiencyReason! } };
}

function pick(records: RequestRecord[], get: (r: RequestRecord) => number | null | undefined): number[] {
  return records.map(get).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

const p = quantileStatistic;

/**
 * Latency and TTFT percentiles count a failed request as the request timeout: an answer that never came is at least
 * as slow as the longest wait the harness allows, and dropping it would let a timeout vanish from p95. (A failed
 * request that streamed a first token keeps its real TTFT.) Speeds come from successful requests only; with none,
 * every figure is an error, never a percentile of timeouts.
 */
export function requestMetrics(records: RequestRecord[], bootstrap: BootstrapOptions, timeoutS: number): ProfileMetrics<'interactive'> {
  const good = records.filter((r) => r.ok);
  const failures = records.length - good.length;
  const firstError = records.find((r) => !r.ok)?.error ?? 'no requests were measured';
  const none = (unit: string) => failed(unit, `no successful requests: ${firstError}`);
  const timeoutMs = timeoutS * 1000;
  const countedAsTimeout = failures > 0 ? `includes ${failures} failed request(s) counted as the ${timeoutS} s timeout (first error: ${firstError})` : null;
  /** A statistic of the samples, with the interval its method can claim (or the note why none), scaled into the metric's unit. */
  const metric = (samples: number[], unit: string, stat: Statistic, scale = 1, note: string | null = null) => {
    const s = summarize(samples);
    if (!s || good.length === 0) return none(unit);
    const sorted = sortSamples(samples);
    const { ci, note: ciNote } = stat.interval(samples, sorted, bootstrap);
    const m = ok(stat.value(sorted) * scale, unit, scaleSummary(s, scale), ci && { ...ci, low: ci.low * scale, high: ci.high * scale });
    if (m.status !== 'ok') return m;
    return { ...m, ...(ciNote ? { ciNote } : {}), ...(note ? { reason: note } : {}) };
  };
  const ttft = pick(records, (r) => (r.ok ? r.ttftMs : (r.ttftMs ?? timeoutMs)));
  const e2e = pick(records, (r) => (r.ok ? r.e2eMs : timeoutMs));
  // Per read, not per event: tokens that came in one read have no gap between them that anyone measured.
  const itl = good.flatMap((r) => readGapsMs(r.itlMs));
  const noGaps = good.length > 0 && itl.length === 0 ? failed('ms', `none of the ${good.length} successful request(s) came in more than one read: no gap between reads to measure`) : null;
  const decode = pick(good, (r) => r.decodeTps);
  // A client that read the answer in one go, or in bunches (a starved client on a loaded machine), saw no decode time:
  // with none at all the decode speed errs saying why; with some, the figure says how many requests it rests on.
  const undecoded = good.filter((r) => r.decodeTps === null);
  const whyUndecoded = [...new Set(undecoded.map((r) => (r.decodeNote ?? 'no positive time between first and last token').replace(/: .*/, '')))].join('; ');
  const decodeUnmeasured =
    good.length > 0 && decode.length === 0 ? failed('tok/s', `none of the ${good.length} successful request(s) had a client-side decode time (${whyUndecoded})`) : null;
  const decodeNote = undecoded.length > 0 && decode.length > 0 ? `from ${decode.length} of ${good.length} successful requests; ${undecoded.length} had no client-side decode time (${whyUndecoded})` : null;
  /** The samples themselves, in the metric's unit, for budgets that name their aggregation ("p(95) <= 30"). */
  const series = (samples: number[], unit: string, kind: 'independent' | 'series', headline: 'mean' | 'median', scale = 1, note: string | null = null) => {
    const scaled = samples.map((x) => x * scale);
    const s = summarize(scaled);
    if (!s || good.length === 0) return none(unit);
    const m = sampledOk(scaled, unit, kind, headline, s);
    return note && m.status === 'ok' ? { ...m, reason: note } : m;
  };
  // A server that sends no timings with its answers (the OpenAI API has none) leaves the server-side speeds
  // unmeasured: skipped with that reason, not an error and never a zero.
  const noTimings = good.length > 0 && good.every((r) => r.timings === null) ? skipped('tok/s', 'the server sent no timings with its answers (an OpenAI-compatible API has none), so server-side speeds are not measured') : null;
  return {
    ttft_s: series(ttft, 's', 'independent', 'median', 1e-3, countedAsTimeout),
    latency_s: series(e2e, 's', 'independent', 'median', 1e-3, countedAsTimeout),
    itl_ms: noGaps ?? series(itl, 'ms', 'series', 'median'),
    decode_tps: decodeUnmeasured ?? series(decode, 'tok/s', 'independent', 'mean', 1, decodeNote),
    server_decode_tps: noTimings ?? series(pick(good, (r) => r.timings?.predicted_per_second), 'tok/s', 'independent', 'mean'),
    prefill_tps: noTimings ?? series(pick(good, (r) => r.timings?.prompt_per_second), 'tok/s', 'independent', 'mean'),
    ttft_p50_s: metric(ttft, 's', p(0.5), 1e-3, countedAsTimeout),
    ttft_p95_s: metric(ttft, 's', p(0.95), 1e-3, countedAsTimeout),
    latency_p50_s: metric(e2e, 's', p(0.5), 1e-3, countedAsTimeout),
    latency_p95_s: metric(e2e, 's', p(0.95), 1e-3, countedAsTimeout),
    latency_p99_s: metric(e2e, 's', p(0.99), 1e-3, countedAsTimeout),
    latency_p99_over_p50: metric(e2e, '×', quantileRatioStatistic(0.99, 0.5), 1, countedAsTimeout),
    itl_p99_ms: noGaps ?? metric(itl, 'ms', seriesQuantileStatistic(0.99)),
    decode_tps_mean: decodeUnmeasured ?? metric(decode, 'tok/s', meanStatistic, 1, decodeNote),
    // The spread of the speeds that were kept: it says which requests it rests on, like the speed itself.
    decode_tps_cv_pct: good.length === 0 ? none('%') : withNote(decodeCv(decode), decodeNote),
    server_decode_tps_mean: noTimings ?? metric(pick(good, (r) => r.timings?.predicted_per_second), 'tok/s', meanStatistic),
    prefill_tps_mean: noTimings ?? metric(pick(good, (r) => r.timings?.prompt_per_second), 'tok/s', meanStatistic),
    requests_failed: records.length > 0 ? ok(failures, 'requests') : failed('requests', 'no requests were measured'),
  };
}

function withNote(m: Metric, note: string | null): Metric {
  return note && m.status === 'ok' ? { ...m, reason: note } : m;
}

function scaleSummary(s: Summary, k: number): Summary {
  if (k === 1) return s;
  return { ...s, mean: s.mean * k, median: s.median * k, sd: s.sd * k, min: s.min * k, max: s.max * k, p50: s.p50 * k, p95: s.p95 * k, p99: s.p99 * k };
}

/**
 * Token-timing variance: the coefficient of variation of the per-request decode speeds, sample SD (n − 1) ÷ mean,
 * in %. It needs two requests; one speed has no spread to speak of.
 */
export function decodeCv(tps: readonly number[]): Metric {
  if (tps.length < 2) return skipped('%', `needs two successful requests with a decode speed, got ${tps.length}`);
  const mean = tps.reduce((a, x) => a + x, 0) / tps.length;
  if (!(mean > 0)) return failed('%', `the mean decode speed is ${mean} tok/s: no variation relative to it`);
  const sd = Math.sqrt(tps.reduce((a, x) => a + (x - mean) ** 2, 0) / (tps.length - 1));
  return ok((sd / mean) * 100, '%');
}
