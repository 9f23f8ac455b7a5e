// The planner: the order the matrix is walked in, and which cells are not worth launching given what the run has
// learned so far. Pure functions over plain data; the run-state file (run-state.ts) carries what was learned
// from one profile file to the next.
import type { Rating } from '../measurement/schema.ts';
import { MEMORY_OVERHEAD_FACTOR, estimateMemory, type MemoryEstimate } from '../models/memory.ts';
import { formatShort } from '../units.ts';
import { describeFit, fitMemory, predictMemory, type MemoryPoint } from './memory-trend.ts';

/** When every one of these failed for a model, its heavier quantizations (TERMINATED_QUANTS) are not tried. */
export const QUANT_PATH = ['Q4_K_M', 'Q5_K_M', 'Q6_K'] as const;
export const TERMINATED_QUANTS = ['Q8_0', 'BF16', 'F16', 'F32'] as const;

/**
 * Profiles whose TTFT and decode speed the performance threshold judges: interactive measures them on short
 * prompts; a long-context TTFT or a soak's throttled speed is slow for other reasons.
 */
export const PERFORMANCE_PROFILES: readonly string[] = ['interactive'];

/**
 * Approximate bits per weight: the ggml block formats' own sizes (Q8_0 8.5, Q6_K 6.5625, Q4_0 4.5…), and for the
 * mixed `_S/_M/_L` recipes the averages llama.cpp's quantize table reports for a 7B Llama.
 */
export const BITS_PER_WEIGHT: Readonly<Record<string, number>> = {
  F32: 32, F16: 16, BF16: 16, Q8_0: 8.5, Q6_K: 6.5625, Q5_1: 6, Q5_0: 5.5, Q5_K_M: 5.69, Q5_K_S: 5.54, Q4_1: 5, Q4_0: 4.5,
  Q4_K_M: 4.89, Q4_K_S: 4.58, IQ4_XS: 4.25, Q3_K_L: 4.27, Q3_K_M: 3.91, Q3_K_S: 3.5, Q2_K: 2.96,
};

/** What the planner needs of a planned cell (a PlannedCell fits). */
export interface PlannerCell {
  cell: { id: string; model: string; quant: string; threads: number; ctx: number };
  /** The model file; its parameter count from `parameters` or the GGUF `metadata`, when known. */
  model: { path: string; bytes: number; parameters?: number | null; metadata?: { parameterCount: number } | null };
  /** The prediction made before anything ran (models/memory.ts: GGUF weights × 1.2 + KV cache); absent: file size × 1.2. */
  memory?: MemoryEstimate | null;
}

export interface PlannerLimits {
  enabled: boolean;
  /** Quantizations the mode allows; null: all. */
  quants: readonly string[] | null;
  mode: 'quick' | 'full';
  availableMemoryMb: number | null;
  memoryCapMb: number | null;
  ttftLimitS: number;
  minDecodeTps: number;
  /**
   * What a cell that missed the performance threshold does in the profiles after it: `run-all-profiles` measures it
   * in every profile (only larger models at the same quantization are skipped); `skip-cell` skips it too.
   */
  afterPerformanceFailure: AfterPerformanceFailure;
}

/** `planner.after_performance_failure` in the config. */
export type AfterPerformanceFailure = 'run-all-profiles' | 'skip-cell';

/** What one profile observed in one cell, reduced to what the rules need. */
export interface OutcomeRecord {
  cellId: string;
  profile: string;
  model: string;
  quant: string;
  threads: number;
  ctx: number;
  file: string;
  bytes: number;
  parameters: number | null;
  weightsMb: number;
  /** llama-server never became ready (load failure or load timeout). */
  loadFailed: boolean;
  error?: string;
  rssPeakMb: number | null;
  ttftP95S: number | null;
  decodeTpsMean: number | null;
  /**
   * Where decodeTpsMean comes from: the client's figure, else llama-server's own timings. On a loaded machine the
   * client can find a whole short answer waiting in one read and then has no decode time of its own; the server's
   * figure does not depend on when the client was scheduled. Absent in run states written before it existed: client.
   */
  decodeFrom?: 'client' | 'server timings';
}

export type SkipRule = 'mode' | 'memory' | 'memory-trend' | 'load-failure' | 'performance' | 'quant-path';

export interface SkipRecord {
  cellId: string;
  profile: string;
  model: string;
  quant: string;
  rule: SkipRule;
  reason: string;
}

export interface RunState {
  version: 1;
  outcomes: OutcomeRecord[];
  skips: SkipRecord[];
}

export type Decision = { run: true; memoryMb: MemoryNeed } | { run: false; rule: SkipRule; reason: string; memoryMb: MemoryNeed };

/** The memory the planner holds a cell to: measured, predicted by the trend, or the estimate made before the run. */
export interface MemoryNeed {
  mb: number;
  /** Where the figure comes from, for reasons and the dry run. */
  source: string;
  rule: 'memory' | 'memory-trend';
}

/** The minimal shape of a measurement recordOutcome reads (a CellMeasurement fits). */
export interface MeasurementLike {
  profile: string;
  state: 'completed' | 'errored';
  error?: string;
  serverPort: number | null;
  metrics: Record<string, { value: number | null; status: string } | undefined>;
}

/** Decimal megabytes, as the sampler reports RSS. */
const MB = 1e6;

export function emptyRunState(): RunState {
  return { version: 1, outcomes: [], skips: [] };
}

export function parametersOf(c: PlannerCell): number | null {
  return c.model.parameters ?? c.model.metadata?.parameterCount ?? null;
}

/** Weights in MB: parameters × bits per weight ÷ 8 when both are known, else the file size. */
export function weightsMb(c: PlannerCell): number {
  const bpw = BITS_PER_WEIGHT[c.cell.quant];
  const parameters = parametersOf(c);
  return parameters && bpw ? (parameters * bpw) / 8 / MB : c.model.bytes / MB;
}

/** Model size for comparing two models: parameter counts when both are known, else file sizes. */
function sizeOf(a: { parameters: number | null; bytes: number }, b: { parameters: number | null; bytes: number }): [number, number] {
  return a.parameters && b.parameters ? [a.parameters, b.parameters] : [a.bytes, b.bytes];
}

const sized = (c: PlannerCell) => ({ parameters: parametersOf(c), bytes: c.model.bytes });

/**
 * Traversal order: by position of the quantization in `quantOrder` (others after, in matrix order), then smaller
 * models first; cells that tie keep their matrix order (threads, ctx, priority).
 */
export function orderCells<T extends PlannerCell>(cells: readonly T[], quantOrder: readonly string[]): T[] {
  const rank = (q: string) => (quantOrder.includes(q) ? quantOrder.indexOf(q) : quantOrder.length);
  return cells
    .map((c, i) => ({ c, i }))
    .sort((a, b) => {
      const byQuant = rank(a.c.cell.quant) - rank(b.c.cell.quant);
      if (byQuant !== 0) return byQuant;
      const [sa, sb] = sizeOf(sized(a.c), sized(b.c));
      return sa - sb || a.i - b.i;
    })
    .map(({ c }) => c);
}

/** Why a completed outcome counts as failed on speed, or null when it passed (or measured no speed). */
export function performanceFailure(o: OutcomeRecord, limits: Pick<PlannerLimits, 'ttftLimitS' | 'minDecodeTps'>): string | null {
  if (!PERFORMANCE_PROFILES.includes(o.profile)) return null;
  if (o.ttftP95S !== null && o.ttftP95S > limits.ttftLimitS) return `TTFT p95 ${formatShort(o.ttftP95S)} s > ${formatShort(limits.ttftLimitS)} s`;
  const from = o.decodeFrom === 'server timings' ? ' (server timings)' : '';
  if (o.decodeTpsMean !== null && o.decodeTpsMean < limits.minDecodeTps) return `decode ${formatShort(o.decodeTpsMean)} tok/s${from} < ${formatShort(limits.minDecodeTps)} tok/s`;
  return null;
}

/**
 * Memory the cell will need: what this file at this context already used, else the trend over what other cells used,
 * else the estimate made before the run (GGUF weights and KV cache), else that estimate from the file size alone.
 */
export function memoryNeed(c: PlannerCell, state: RunState): MemoryNeed {
  const same = state.outcomes.filter((o) => o.file === c.model.path && o.ctx === c.cell.ctx && o.rssPeakMb !== null);
  if (same.length > 0) {
    const top = same.reduce((a, o) => (o.rssPeakMb! > a.rssPeakMb! ? o : a));
    return { mb: top.rssPeakMb!, source: `measured ${formatShort(top.rssPeakMb!)} MB on ${top.cellId} (${top.profile})`, rule: 'memory' };
  }
  const points: MemoryPoint[] = state.outcomes.filter((o) => o.rssPeakMb !== null).map((o) => ({ weightsMb: o.weightsMb, ctx: o.ctx, rssMb: o.rssPeakMb! }));
  const fit = fitMemory(points);
  const w = weightsMb(c);
  const predicted = fit ? predictMemory(fit, w, c.cell.ctx) : null;
  if (fit && predicted !== null) {
    // The weights are read into memory whatever the fit says, so the file size is a floor.
    const mb = Math.max(predicted, c.model.bytes / MB);
    return { mb, source: `memory trend predicts ${formatShort(mb)} MB (${describeFit(fit)})`, rule: 'memory-trend' };
  }
  if (c.memory) return { mb: c.memory.bytes / MB, source: `${c.memory.basis} = ${formatShort(c.memory.bytes / MB)} MB`, rule: 'memory' };
  const mb = estimateMemory(c.model.bytes, null, c.cell.ctx)!.bytes / MB;
  return { mb, source: `file ${formatShort(c.model.bytes / MB)} MB × ${MEMORY_OVERHEAD_FACTOR} = ${formatShort(mb)} MB`, rule: 'memory' };
}

/** A quantization of a model failed when something stopped it (load, speed, memory, a skip) and no cell of it passed. */
function quantFailed(model: string, quant: string, state: RunState, limits: PlannerLimits): boolean {
  const outcomes = state.outcomes.filter((o) => o.model === model && o.quant === quant);
  const judged = (o: OutcomeRecord) => PERFORMANCE_PROFILES.includes(o.profile) && (o.ttftP95S !== null || o.decodeTpsMean !== null);
  const passed = outcomes.some((o) => !o.loadFailed && judged(o) && !performanceFailure(o, limits));
  if (passed) return false;
  const failed = outcomes.some((o) => o.loadFailed || performanceFailure(o, limits) !== null);
  return failed || state.skips.some((s) => s.model === model && s.quant === quant && s.rule !== 'mode');
}

/** Rules that need nothing measured: the mode and the memory pre-check on the file size. */
function staticDecision(c: PlannerCell, state: RunState, limits: PlannerLimits): Decision {
  const memoryMb = memoryNeed(c, state);
  if (limits.quants && !limits.quants.includes(c.cell.quant)) {
    return { run: false, rule: 'mode', reason: `${limits.mode} mode runs ${limits.quants.join(' and ')} only`, memoryMb };
  }
  const caps = [
    ...(limits.availableMemoryMb !== null ? [{ mb: limits.availableMemoryMb, what: 'available RAM' }] : []),
    ...(limits.memoryCapMb !== null ? [{ mb: limits.memoryCapMb, what: 'planner.memory_cap_mb' }] : []),
  ].sort((a, b) => a.mb - b.mb);
  const over = caps.find((cap) => memoryMb.mb > cap.mb);
  if (over) {
    const label = memoryMb.rule === 'memory-trend' ? 'memory trend' : 'memory pre-check';
    return { run: false, rule: memoryMb.rule, reason: `${label}: needs about ${formatShort(memoryMb.mb)} MB (${memoryMb.source}), over ${over.what} ${formatShort(over.mb)} MB`, memoryMb };
  }
  return { run: true, memoryMb };
}

/**
 * Whether to launch a cell, given the run so far. Rules, first match wins: mode (quick runs Q4_K_M and Q5_K_M),
 * memory (measured, trend or file × 1.2 against available RAM and the cap), load failure of the same model file,
 * performance (a smaller model at the same quantization with no fewer threads and no larger context missed the TTFT
 * or decode threshold; with `afterPerformanceFailure: 'skip-cell'` also this cell missing it in an earlier profile),
 * quant path (Q4_K_M, Q5_K_M and Q6_K of the model all failed).
 */
export function decide(c: PlannerCell, before: RunState, limits: PlannerLimits, profile?: string): Decision {
  // What this cell did in this very profile before (a resumed run) is about to be measured again: it does not count.
  const state = profile === undefined ? before : withoutEntry(before, c.cell.id, profile);
  if (!limits.enabled) return { run: true, memoryMb: memoryNeed(c, state) };
  const first = staticDecision(c, state, limits);
  if (!first.run) return first;
  const { memoryMb } = first;
  const skip = (rule: SkipRule, reason: string): Decision => ({ run: false, rule, reason, memoryMb });

  const loadFailure = state.outcomes.find((o) => o.file === c.model.path && o.loadFailed);
  if (loadFailure) {
    return skip('load-failure', `the model file failed to load on ${loadFailure.cellId} (${loadFailure.profile}): ${(loadFailure.error ?? 'no reason given').split('\n')[0]}`);
  }

  for (const o of state.outcomes) {
    const why = performanceFailure(o, limits);
    if (!why) continue;
    if (o.cellId === c.cell.id) {
      if (limits.afterPerformanceFailure === 'skip-cell') return skip('performance', `failed the performance threshold in ${o.profile}: ${why} (planner.after_performance_failure: skip-cell)`);
      continue;
    }
    const [mine, theirs] = sizeOf(sized(c), o);
    if (o.quant === c.cell.quant && o.model !== c.cell.model && theirs < mine && o.threads >= c.cell.threads && o.ctx <= c.cell.ctx) {
      return skip('performance', `a smaller model failed the performance threshold at ${o.quant}: ${o.cellId} (${o.profile}) ${why}`);
    }
  }

  if ((TERMINATED_QUANTS as readonly string[]).includes(c.cell.quant) && QUANT_PATH.every((q) => quantFailed(c.cell.model, q, state, limits))) {
    return skip('quant-path', `${QUANT_PATH.join(', ')} of ${c.cell.model} all failed, so ${c.cell.quant} is not tried`);
  }
  return { run: true, memoryMb };
}

function withoutEntry(state: RunState, cellId: string, profile: string): RunState {
  const other = (e: { cellId: string; profile: string }) => !(e.cellId === cellId && e.profile === profile);
  return { ...state, outcomes: state.outcomes.filter(other), skips: state.skips.filter(other) };
}

/** The decision for a dry run: only the rules decidable before anything runs. */
export function decideBeforeRun(c: PlannerCell, limits: PlannerLimits): Decision {
  return limits.enabled ? staticDecision(c, emptyRunState(), limits) : { run: true, memoryMb: memoryNeed(c, emptyRunState()) };
}

/** A new state with the outcome of one profile in one cell. */
export function recordOutcome(state: RunState, c: PlannerCell, m: MeasurementLike): RunState {
  const value = (metric: string) => {
    const v = m.metrics[metric];
    return v && v.status === 'ok' && v.value !== null ? v.value : null;
  };
  const record: OutcomeRecord = {
    cellId: c.cell.id,
    profile: m.profile,
    model: c.cell.model,
    quant: c.cell.quant,
    threads: c.cell.threads,
    ctx: c.cell.ctx,
    file: c.model.path,
    bytes: c.model.bytes,
    parameters: parametersOf(c),
    weightsMb: weightsMb(c),
    loadFailed: m.state === 'errored' && m.serverPort === null,
    ...(m.error ? { error: m.error } : {}),
    rssPeakMb: value('rss_peak_mb'),
    ttftP95S: value('ttft_p95_s'),
    ...decodeSpeed(value('decode_tps_mean'), value('server_decode_tps_mean')),
  };
  return { ...state, outcomes: [...state.outcomes.filter((o) => !(o.cellId === record.cellId && o.profile === record.profile)), record] };
}

/** The decode speed the planner judges: the client's figure, else llama-server's own (see OutcomeRecord.decodeFrom). */
function decodeSpeed(client: number | null, server: number | null): Pick<OutcomeRecord, 'decodeTpsMean' | 'decodeFrom'> {
  if (client !== null) return { decodeTpsMean: client, decodeFrom: 'client' };
  if (server !== null) return { decodeTpsMean: server, decodeFrom: 'server timings' };
  return { decodeTpsMean: null };
}

/** A new state with a skip the planner decided (later rules count it: a skipped quantization did not pass). */
export function recordSkip(state: RunState, c: PlannerCell, profile: string, d: { rule: SkipRule; reason: string }): RunState {
  const record: SkipRecord = { cellId: c.cell.id, profile, model: c.cell.model, quant: c.cell.quant, rule: d.rule, reason: d.reason };
  return { ...state, skips: [...state.skips.filter((s) => !(s.cellId === record.cellId && s.profile === profile)), record] };
}

export type RatedCell<T extends PlannerCell = PlannerCell> = T & { rating: Rating };

const PASSING: readonly Rating[] = ['excellent', 'good', 'acceptable'];

/**
 * The cell to stress: walking the cells from lightest to heaviest (weights, then context, then threads), the
 * configuration next to the last one, i.e. the heaviest rated acceptable or better. Null when none passed.
 */
export function stressCell<T extends PlannerCell>(cells: readonly RatedCell<T>[]): { pick: RatedCell<T>; heavierFailing: RatedCell<T> | null } | null {
  const ordered = [...cells].sort((a, b) => weightsMb(a) - weightsMb(b) || a.cell.ctx - b.cell.ctx || a.cell.threads - b.cell.threads || a.cell.id.localeCompare(b.cell.id));
  const index = ordered.findLastIndex((c) => PASSING.includes(c.rating));
  if (index < 0) return null;
  return { pick: ordered[index]!, heavierFailing: ordered[index + 1] ?? null };
}
