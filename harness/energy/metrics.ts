/**
 * Per-request energy figures from the three snapshots of each request (start: sent; split: first token; end: last
 * token), aggregated per cell with mean/median/sd/CV and a 5–95 % range. Gross figures are what the source saw;
 * active ones subtract the idle baseline over the same time (and may read below zero when the machine's noise
 * exceeds the request's cost: kept, not clamped, so the noise shows). Pure: plain numbers in, metrics out.
 */
import { failed, ok, sampledOk, skipped, type Metric } from '../measurement/schema.ts';
import { percentile, sortSamples, summarize } from '../stats/summary.ts';
import { ENERGY_METRIC_NAMES, type EnergyMetricName } from './declare.ts';

export type EnergyMethod = 'measured' | 'attributed' | 'estimated';

/** One request's energy, J, between its snapshots (ms on performance.now()). */
export interface RequestEnergy {
  startAt: number;
  splitAt: number;
  endAt: number;
  prefillJ: number;
  decodeJ: number;
  inputTokens: number | null;
  outputTokens: number;
  /** The server tree's share of all CPU time over the request; null when it cannot be told. */
  share: number | null;
  /** The server's own busy time for the request (timings.prompt_ms + predicted_ms); null when it sent no timings. */
  serverActiveMs: number | null;
  /** The server's own energy from a per-process source (Scaphandre), when `EnergyInput.llm` says to use it. */
  llmJ?: number | null;
}

/** M_eff above E_llm by more than this share is flagged (Behaviour Lab's threshold). */
export const M_EFF_FLAG_PCT = 20;

export interface EnergyInput {
  /** What the energy figures came from: RAPL counters, or a coefficient. */
  method: 'measured' | 'estimated';
  /** One line naming the source (counters and root, or the coefficient and where its figures come from). */
  basis: string;
  requests: readonly RequestEnergy[];
  /** Why there are no requests to report, when `requests` is empty. */
  noRequests?: string;
  idle: { watts: number; seconds: number } | { none: string };
  /** Why the server's share cannot be attributed (no process to sample); null when the shares are in the requests. */
  noAttribution: string | null;
  window: { joules: number; seconds: number } | { none: string };
  grid: { gPerKwh: number; source: string };
  /** E_llm from a per-process source (each request's `llmJ`) instead of the CPU-time share; `basis` names it. */
  llm?: { basis: string } | null;
  /** Why the active figures mean nothing though there is an idle figure (an estimate that saturated at idle). */
  noActive?: string | null;
  /** Why a per-process source was given up for the CPU-time share (a failed scrape), said in E_llm's reason. */
  llmFallback?: string | null;
}

export type EnergyMetrics = Partial<Record<EnergyMetricName, Metric>>;

const J_PER_WH = 3600;

/** Every energy figure skipped with one reason (no source, energy off, a remote server without counters). */
export function energySkipped(reason: string): EnergyMetrics {
  return Object.fromEntries(ENERGY_METRIC_NAMES.map((n) => [n, skipped(n.startsWith('co2') || n.endsWith('co2_g') ? 'gCO2e' : n.endsWith('_w') ? 'W' : 'Wh', reason)])) as EnergyMetrics;
}

/** Every energy figure an error with one reason (the counters stopped reading mid-cell). */
export function energyFailed(reason: string): EnergyMetrics {
  return Object.fromEntries(Object.entries(energySkipped(reason)).map(([n, m]) => [n, failed(m!.unit, reason)])) as EnergyMetrics;
}

function labelled(m: Metric, method: EnergyMethod, reason: string): Metric {
  return m.status === 'ok' ? { ...m, method, reason } : { ...m, method };
}

/** Samples as a sampled metric with the 5–95 % range; null samples are left out, and none at all is `why`. */
function series(samples: readonly (number | null)[], unit: string, method: EnergyMethod, reason: string, why: string): Metric {
  const xs = samples.filter((x): x is number => x !== null && Number.isFinite(x));
  const s = summarize(xs);
  if (!s) return { ...skipped(unit, why), method };
  const stats = { ...s, p5: percentile(sortSamples(xs), 0.05) };
  const left = samples.length - xs.length;
  return labelled(sampledOk(xs, unit, 'independent', 'mean', stats), method, left > 0 ? `${reason}; ${left} of ${samples.length} request(s) without the figure are left out` : reason);
}

export function energyMetrics(input: EnergyInput): EnergyMetrics {
  const { method, basis, requests: rs, grid } = input;
  if (rs.length === 0) {
    const why = input.noRequests ?? 'no successful requests to measure';
    return Object.fromEntries(Object.entries(energySkipped(why)).map(([n, m]) => [n, { ...failed(m!.unit, why), method }])) as EnergyMetrics;
  }
  const wh = (j: number) => j / J_PER_WH;
  const per1000 = (j: number, tokens: number | null) => (tokens !== null && tokens > 0 ? (wh(j) / tokens) * 1000 : null);
  const noInput = 'the server reported no input token count';
  const noOutput = 'the request produced no output tokens';
  const gross = (f: (r: RequestEnergy) => number | null, why = noOutput) => series(rs.map(f), 'Wh', method, basis, why);
  const out: EnergyMetrics = {
    prefill_wh: gross((r) => wh(r.prefillJ)),
    decode_wh: gross((r) => wh(r.decodeJ)),
    total_wh: gross((r) => wh(r.prefillJ + r.decodeJ)),
    prefill_wh_per_1000_input_tokens: gross((r) => per1000(r.prefillJ, r.inputTokens), noInput),
    decode_wh_per_1000_output_tokens: gross((r) => per1000(r.decodeJ, r.outputTokens)),
    energy_weighted_output_wh_per_1000_tokens: gross((r) => per1000(r.prefillJ + r.decodeJ, r.outputTokens)),
  };

  // Active: less the idle baseline over each phase's own duration.
  if ('none' in input.idle) {
    for (const n of ['idle_power_w'] as const) out[n] = { ...skipped('W', input.idle.none), method };
    for (const n of ['active_prefill_wh', 'active_decode_wh', 'active_total_wh', 'active_prefill_wh_per_1000_input_tokens', 'active_decode_wh_per_1000_output_tokens', 'active_energy_weighted_output_wh_per_1000_tokens'] as const) {
      out[n] = { ...skipped('Wh', `no idle baseline to subtract: ${input.idle.none}`), method };
    }
  } else if (input.noActive) {
    out.idle_power_w = labelled(ok(input.idle.watts, 'W'), method, `${basis}; mean over ${input.idle.seconds.toFixed(1)} s with the model loaded and no request`);
    for (const n of ['active_prefill_wh', 'active_decode_wh', 'active_total_wh', 'active_prefill_wh_per_1000_input_tokens', 'active_decode_wh_per_1000_output_tokens', 'active_energy_weighted_output_wh_per_1000_tokens'] as const) {
      out[n] = { ...skipped('Wh', input.noActive), method };
    }
  } else {
    const idleW = input.idle.watts;
    out.idle_power_w = labelled(ok(idleW, 'W'), method, `${basis}; mean over ${input.idle.seconds.toFixed(1)} s with the model loaded and no request`);
    const less = (j: number, from: number, to: number) => j - (idleW * (to - from)) / 1000;
    const pre = (r: RequestEnergy) => less(r.prefillJ, r.startAt, r.splitAt);
    const dec = (r: RequestEnergy) => less(r.decodeJ, r.splitAt, r.endAt);
    const activeBasis = `${basis}; less the idle baseline of ${idleW.toFixed(3)} W over the same time`;
    const active = (f: (r: RequestEnergy) => number | null, why = noOutput) => series(rs.map(f), 'Wh', method, activeBasis, why);
    out.active_prefill_wh = active((r) => wh(pre(r)));
    out.active_decode_wh = active((r) => wh(dec(r)));
    out.active_total_wh = active((r) => wh(pre(r) + dec(r)));
    out.active_prefill_wh_per_1000_input_tokens = active((r) => per1000(pre(r), r.inputTokens), noInput);
    out.active_decode_wh_per_1000_output_tokens = active((r) => per1000(dec(r), r.outputTokens));
    out.active_energy_weighted_output_wh_per_1000_tokens = active((r) => per1000(pre(r) + dec(r), r.outputTokens));
  }

  // Per-process attribution: energy × the server tree's share of all CPU time. On an estimate it stays an estimate.
  // Scaphandre's per-process power is attributed by the exporter from its own counters, whatever this cell's gross source.
  const attributedMethod: EnergyMethod = method === 'measured' || input.llm ? 'attributed' : 'estimated';
  if (input.noAttribution !== null) {
    out.e_llm_wh = { ...skipped('Wh', input.noAttribution), method: attributedMethod };
    out.e_llm_wh_per_1000_output_tokens = { ...skipped('Wh', input.noAttribution), method: attributedMethod };
    out.m_eff_wh_per_1000_output_tokens = { ...skipped('Wh', input.noAttribution), method: attributedMethod };
    out.m_eff_vs_e_llm_pct = { ...skipped('%', input.noAttribution), method: attributedMethod };
  } else {
    const fallback = input.llmFallback ? `${input.llmFallback}; ` : '';
    const shareBasis = input.llm
      ? input.llm.basis
      : `${fallback}${basis}; × the server process tree's share of all CPU time over the request (schedstat ÷ /proc/stat)`;
    const noShare = input.llm ? 'the per-process power series does not cover the request' : 'the machine was idle or its CPU could not be read over the request, so there is no CPU-time share';
    const llm = (r: RequestEnergy) => (input.llm ? (r.llmJ ?? null) : r.share === null ? null : (r.prefillJ + r.decodeJ) * r.share);
    out.e_llm_wh = series(rs.map((r) => { const j = llm(r); return j === null ? null : wh(j); }), 'Wh', attributedMethod, shareBasis, noShare);
    out.e_llm_wh_per_1000_output_tokens = series(rs.map((r) => { const j = llm(r); return j === null ? null : per1000(j, r.outputTokens); }), 'Wh', attributedMethod, shareBasis, noShare);
    // M_eff: E_llm scaled by the server's own busy time over the wall time the request took.
    const activeShare = (r: RequestEnergy) => (r.serverActiveMs === null || r.endAt <= r.startAt ? null : r.serverActiveMs / (r.endAt - r.startAt));
    const mEff = (r: RequestEnergy) => { const j = llm(r); const a = activeShare(r); return j === null || a === null ? null : j * a; };
    const noTimings = 'the server sent no timings (prompt_ms, predicted_ms) or there is no CPU-time share';
    const mEffBasis = `${shareBasis}; × (timings.prompt_ms + predicted_ms) ÷ the request's wall time`;
    out.m_eff_wh_per_1000_output_tokens = series(rs.map((r) => { const j = mEff(r); return j === null ? null : per1000(j, r.outputTokens); }), 'Wh', attributedMethod, mEffBasis, noTimings);
    const deviations = rs.flatMap((r) => { const j = llm(r); const m = mEff(r); return j === null || m === null || j <= 0 ? [] : [(Math.abs(j - m) / j) * 100]; });
    if (deviations.length === 0) out.m_eff_vs_e_llm_pct = { ...skipped('%', noTimings), method: attributedMethod };
    else {
      const dev = deviations.reduce((a, b) => a + b, 0) / deviations.length;
      const flag = dev > M_EFF_FLAG_PCT ? `FLAGGED: above ${M_EFF_FLAG_PCT} %, the server was busy for only part of the wall time E_llm covers (queueing, HTTP, sampling outside its timings, or a busy machine); ` : '';
      out.m_eff_vs_e_llm_pct = { ...ok(dev, '%'), method: attributedMethod, reason: `${flag}mean over ${deviations.length} request(s) of |E_llm − M_eff| ÷ E_llm; ${mEffBasis}` };
    }
  }

  // Carbon: gross energy × the grid's intensity.
  const g = (j: number) => (wh(j) / 1000) * grid.gPerKwh;
  const carbonBasis = `${basis}; × ${grid.gPerKwh} gCO2e/kWh (${grid.source})`;
  out.co2_g = series(rs.map((r) => g(r.prefillJ + r.decodeJ)), 'gCO2e', method, carbonBasis, noOutput);
  out.co2_g_per_1000_e_tokens = series(rs.map((r) => (r.outputTokens > 0 ? (g(r.prefillJ + r.decodeJ) / r.outputTokens) * 1000 : null)), 'gCO2e', method, carbonBasis, noOutput);

  if ('none' in input.window) {
    out.window_energy_wh = { ...failed('Wh', input.window.none), method };
    out.window_co2_g = { ...failed('gCO2e', input.window.none), method };
    out.mean_power_w = { ...failed('W', input.window.none), method };
  } else {
    const { joules, seconds } = input.window;
    const windowBasis = `${basis}; from the first measured request sent to the last one answered (${seconds.toFixed(1)} s)`;
    out.window_energy_wh = labelled(ok(wh(joules), 'Wh'), method, windowBasis);
    out.window_co2_g = labelled(ok(g(joules), 'gCO2e'), method, `${windowBasis}; × ${grid.gPerKwh} gCO2e/kWh (${grid.source})`);
    out.mean_power_w = seconds > 0 ? labelled(ok(joules / seconds, 'W'), method, windowBasis) : { ...failed('W', 'the measured window has no duration'), method };
  }
  return out;
}
