/**
 * The energy side of a cell, at the I/O edge: which source the figures come from (RAPL counters, a coefficient, or
 * none, with the reason), snapshots at the instants a workload marks (a request sent, its first token, its last),
 * the idle baseline, and finally the figures (metrics.ts does the arithmetic).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EnergyConfig } from '../config/energy-schema.ts';
import { CPU_COUNT } from '../sampler/proc.ts';
import type { SampleRow } from '../sampler/sampler.ts';
import { coefficientNamed, describeCoefficient, loadBenchmarks, type EnergyCoefficient } from './benchmarks.ts';
import { energyFailed, energyMetrics, energySkipped, type EnergyMetrics, type RequestEnergy } from './metrics.ts';
import { powercapRoot, RaplReader, type RaplSnapshot } from './rapl.ts';
import { cpuShare, meanOver, vcpuJoules } from './windows.ts';

/** A machine this busy during the idle baseline leaves a per-vCPU estimate no room to show a request's own cost. */
export const SATURATED_BUSY_PCT = 90;
import { integrate, type ScaphandreScraper } from './scaphandre.ts';

/** An instant a workload marked: its time, and the package joules counted since the recorder's first read (RAPL only). */
export interface EnergyMark {
  at: number;
  packageJ: number | null;
}

/**
 * How often the counters are read between marks, so a counter never wraps twice between two reads (a long decode on
 * a part with a small range would otherwise lose a whole range).
 */
export const KEEP_READING_MS = 250;

/** One request's marks; split and end are null when no token came. */
export interface RequestMarks {
  start: EnergyMark;
  split: EnergyMark | null;
  end: EnergyMark | null;
  inputTokens: number | null;
  outputTokens: number;
  /** The server's own busy time (timings.prompt_ms + predicted_ms); null without timings. */
  serverActiveMs?: number | null;
}

export type EnergySource =
  | { kind: 'rapl'; reader: RaplReader; basis: string }
  | { kind: 'estimate'; coefficient: EnergyCoefficient; basis: string }
  | { kind: 'none'; reason: string };

/** Where a cell's energy figures come from, given the config and whether the server shares this machine. */
export function energySource(config: EnergyConfig, configFile: string, sameHost: string | null, env: NodeJS.ProcessEnv = process.env): EnergySource {
  if (config.mode === 'off') return { kind: 'none', reason: 'energy.mode is off in the config' };
  if (sameHost !== null) return { kind: 'none', reason: `${sameHost}: this machine's counters do not measure it, and an estimate from this machine's CPU would not either` };
  let raplWhy: string | null = null;
  if (config.mode !== 'estimated') {
    const root = powercapRoot(config.powercap_root, env);
    const reader = RaplReader.open(root);
    if (!('skipped' in reader)) {
      const packages = reader.domains.filter((d) => d.package).map((d) => `${d.id} ${d.name}`);
      return { kind: 'rapl', reader, basis: `measured: RAPL package counters under ${root} (${packages.join(', ')})` };
    }
    if (config.mode === 'measured') return { kind: 'none', reason: `${reader.skipped} (energy.mode: measured allows no estimate)` };
    raplWhy = reader.skipped;
  }
  let coefficient: EnergyCoefficient;
  try {
    coefficient = coefficientNamed(loadBenchmarks(config.benchmarks_file, configFile), config.estimate);
  } catch (e) {
    return { kind: 'none', reason: `no estimate: ${(e as Error).message}${raplWhy ? `; and ${raplWhy}` : ''}` };
  }
  const why = raplWhy ? ` (no live counter: ${raplWhy})` : ' (energy.mode: estimated)';
  return { kind: 'estimate', coefficient, basis: `${describeCoefficient(coefficient, CPU_COUNT)}${why}` };
}

export class EnergyRecorder {
  /** The first counter read that failed mid-cell: every figure then errors with it. */
  private readError: string | null = null;
  private last: RaplSnapshot | null = null;
  private totalJ = 0;
  private timer: NodeJS.Timeout | null = null;
  /** A per-process power source for E_llm (Scaphandre), when one is configured and the server has a pid. */
  scaphandre: ScaphandreScraper | null = null;

  constructor(readonly source: EnergySource) {
    if (source.kind === 'rapl') {
      this.read();
      this.timer = setInterval(() => this.read(), KEEP_READING_MS);
      this.timer.unref();
    }
  }

  /** Stops reading the counters between marks. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the counters and adds the package joules since the last read; null once a read has failed. */
  private read(): { at: number; packageJ: number } | null {
    if (this.source.kind !== 'rapl' || this.readError !== null) return null;
    try {
      const now = this.source.reader.snapshot();
      if (this.last) this.totalJ += this.source.reader.packageJoules(this.last, now);
      this.last = now;
      return { at: now.at, packageJ: this.totalJ };
    } catch (e) {
      this.readError = `a RAPL counter stopped reading mid-cell: ${(e as Error).message}`;
      this.close();
      return null;
    }
  }

  get active(): boolean {
    return this.source.kind !== 'none';
  }

  mark(): EnergyMark {
    const r = this.read();
    return r ?? { at: performance.now(), packageJ: null };
  }

  /** A request's marks for responses.jsonl: epoch ms (comparable across processes) and, from the counters, joules per phase. */
  describeMarks(start: EnergyMark, split: EnergyMark | null, end: EnergyMark | null): Record<string, number | null> {
    const epoch = (m: EnergyMark | null) => (m ? performance.timeOrigin + m.at : null);
    const j = (a: EnergyMark | null, b: EnergyMark | null) => (a?.packageJ != null && b?.packageJ != null ? b.packageJ - a.packageJ : null);
    return { start_epoch_ms: epoch(start), split_epoch_ms: epoch(split), end_epoch_ms: epoch(end), prefill_j: j(start, split), decode_j: j(split, end) };
  }

  /** Marks the start and end of `seconds` with the server loaded and idle (ends early if the server is lost). */
  async idleBaseline(seconds: number, serverLost: Promise<string>, tick: () => void): Promise<{ from: EnergyMark; to: EnergyMark } | null> {
    if (!this.active || seconds <= 0) return null;
    tick();
    const from = this.mark();
    const lost = await Promise.race([sleep(seconds * 1000).then(() => null), serverLost]);
    tick();
    const to = this.mark();
    return lost === null ? { from, to } : null;
  }

  /** Joules between two marks, from the counters or the coefficient; null when the estimate has no CPU reading. */
  private joules(a: EnergyMark, b: EnergyMark, rows: readonly SampleRow[], tokens?: { input: number | null; output: number; phase: 'prefill' | 'decode' }): number | null {
    const s = this.source;
    if (s.kind === 'rapl') return a.packageJ !== null && b.packageJ !== null ? b.packageJ - a.packageJ : null;
    if (s.kind !== 'estimate') return null;
    const c = s.coefficient;
    if (c.kind === 'watts_per_vcpu') return vcpuJoules(rows, a.at, b.at, c, CPU_COUNT);
    const idleJ = (c.idle_w * Math.max(0, b.at - a.at)) / 1000;
    if (!tokens) return idleJ;
    const n = tokens.phase === 'prefill' ? tokens.input : tokens.output;
    const whPer1000 = tokens.phase === 'prefill' ? c.prefill_wh_per_1000 : c.decode_wh_per_1000;
    return n === null ? null : idleJ + (whPer1000 * n * 3600) / 1000;
  }

  /** The cell's energy figures. `noProcess`: why the server's CPU share cannot be attributed (null when it can). */
  finish(input: {
    requests: readonly RequestMarks[];
    baseline: { from: EnergyMark; to: EnergyMark } | null;
    baselineS: number;
    window: { from: EnergyMark; to: EnergyMark };
    rows: readonly SampleRow[];
    noProcess: string | null;
    grid: { gPerKwh: number; source: string };
  }): EnergyMetrics {
    this.close();
    const s = this.source;
    if (s.kind === 'none') return energySkipped(s.reason);
    if (this.readError) return energyFailed(this.readError);
    const rows = input.rows;
    const requests: RequestEnergy[] = [];
    let unmeasured = 0;
    for (const r of input.requests) {
      if (!r.split || !r.end) continue;
      const prefillJ = this.joules(r.start, r.split, rows, { input: r.inputTokens, output: r.outputTokens, phase: 'prefill' });
      const decodeJ = this.joules(r.split, r.end, rows, { input: r.inputTokens, output: r.outputTokens, phase: 'decode' });
      if (prefillJ === null || decodeJ === null) {
        unmeasured++;
        continue;
      }
      const share = input.noProcess === null ? cpuShare(rows, r.start.at, r.end.at) : null;
      const llmJ = this.scaphandre ? integrate(this.scaphandre.samples, r.start.at, r.end.at) : null;
      requests.push({ startAt: r.start.at, splitAt: r.split.at, endAt: r.end.at, prefillJ, decodeJ, inputTokens: r.inputTokens, outputTokens: r.outputTokens, share, serverActiveMs: r.serverActiveMs ?? null, llmJ });
    }
    // E_llm: Scaphandre's per-process power where it covered every request; else the CPU-time share, saying why.
    let llm: { basis: string } | null = null;
    let llmFallback: string | null = null;
    const sc = this.scaphandre;
    if (sc && input.noProcess === null) {
      const uncovered = requests.filter((r) => r.llmJ === null || r.llmJ === undefined).length;
      if (sc.failure) llmFallback = `the Scaphandre exporter at ${sc.url} failed mid-run (${sc.failure.message}): fell back from Scaphandre to the CPU-time share`;
      else if (uncovered > 0) llmFallback = `Scaphandre's series at ${sc.url} did not cover ${uncovered} request(s): fell back from Scaphandre to the CPU-time share`;
      else llm = { basis: `Scaphandre exporter at ${sc.url}: scaph_process_power_consumption_microwatts of the server's process tree only (other processes left out), integrated over each request (${sc.samples.length} scrapes)` };
    }
    let idle: { watts: number; seconds: number } | { none: string };
    if (input.baselineS <= 0) idle = { none: 'energy.idle_baseline_s is 0' };
    else if (!input.baseline) idle = { none: 'the idle baseline was cut short (the server was lost)' };
    else {
      const seconds = (input.baseline.to.at - input.baseline.from.at) / 1000;
      const j = this.joules(input.baseline.from, input.baseline.to, rows);
      idle = j === null || seconds <= 0 ? { none: 'no CPU reading in the idle baseline to estimate from' } : { watts: j / seconds, seconds };
    }
    // A per-vCPU estimate is capped at every vCPU busy: with the machine already there at idle (other work), the
    // request's increment is invisible, and "active" would be noise around 0, not a measurement of the request.
    let noActive: string | null = null;
    if (s.kind === 'estimate' && s.coefficient.kind === 'watts_per_vcpu' && input.baseline && !('none' in idle)) {
      const busy = meanOver(rows, input.baseline.from.at, input.baseline.to.at, (r) => r.systemCpuPct);
      if (busy !== null && busy >= SATURATED_BUSY_PCT) {
        noActive = `the machine was already ${busy.toFixed(0)} % busy (other work) during the idle baseline, so a per-vCPU estimate, capped at full load, cannot show a request's own cost; E_llm (the server's CPU-time share) still can`;
      }
    }
    const w = input.window;
    let windowJ = this.joules(w.from, w.to, rows);
    // A per-token coefficient knows nothing of time but its idle watts: the window is the requests' energy plus idle between them.
    if (s.kind === 'estimate' && s.coefficient.kind === 'wh_per_1000_tokens' && windowJ !== null) {
      for (const r of requests) windowJ += r.prefillJ + r.decodeJ - (s.coefficient.idle_w * (r.endAt - r.startAt)) / 1000;
    }
    const windowS = (w.to.at - w.from.at) / 1000;
    return energyMetrics({
      method: s.kind === 'rapl' ? 'measured' : 'estimated',
      basis: s.basis,
      requests,
      ...(requests.length === 0 ? { noRequests: unmeasured > 0 ? `no CPU reading over the ${unmeasured} answered request(s) to estimate from` : 'no request was answered with a token' } : {}),
      idle,
      noAttribution: input.noProcess === null ? null : `no process to attribute energy to: ${input.noProcess}`,
      window: windowJ === null ? { none: 'no reading over the measured window' } : { joules: windowJ, seconds: windowS },
      grid: input.grid,
      llm,
      llmFallback,
      noActive,
    });
  }
}
