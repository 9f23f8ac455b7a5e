/**
 * Paired comparison of invisibility between configurations.
 *
 * Independent per-cell probes cannot separate cells on a shared machine: one idle phase differs from the next by
 * more than t1 differs from t2. So one probe session alternates the cells being compared, each active phase between
 * two idle ones (idle, A, idle, B, idle, …; the order rotates and reverses every round so drift weighs on every cell
 * alike). A round gives each cell a ratio (its foreground task time over the mean of the idle phases around it), and
 * two cells' ratios from the same round form a pair: the machine's state of that moment cancels in their quotient.
 * The difference of A against B is the geometric mean over rounds of ratio_A / ratio_B, with a Student-t interval
 * on the logs (harness/stats/interval.ts): how much longer the foreground task took while A ran than while B did.
 */
import { z } from 'zod';
import { geometricMean, logMeanInterval, studentTInterval, tCritical } from '../stats/interval.ts';
import { mean } from '../stats/summary.ts';

/** One phase of the probe: the foreground task and timer lateness, with the server idle or one cell decoding. */
export interface ProbePhase {
  round: number;
  /** null: every server idle. */
  cell: string | null;
  taskMs: number;
  latenessP99Ms: number;
  /** Share of a core the probe process got while its task ran. */
  cpuSharePct: number;
  /** CPU the decoding server used during the phase, % of one core (null for idle phases or where unreadable). */
  serverCpuPct: number | null;
}

const intervalSchema = z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() });

export const pairedCellSchema = z.object({
  cell: z.string(),
  /** Geometric-mean slowdown of the foreground task, % of its idle time. */
  slowdownPct: z.number().nullable(),
  slowdownCi: intervalSchema.optional(),
  /** Mean share of a core the probe got while this cell decoded. */
  probeCpuSharePct: z.number(),
  /** Mean CPU of the server while it decoded, % of one core. */
  serverCpuPct: z.number().nullable(),
  latenessP99Ms: z.number(),
});

export const pairSchema = z.object({
  a: z.string(),
  b: z.string(),
  /** The axis the two cells differ in (threads, priority, or a knob). */
  axis: z.string(),
  rounds: z.number(),
  /** Foreground time while A decoded over while B decoded, −1, in %: positive when A intrudes more. */
  differencePct: z.number().nullable(),
  differenceCi: intervalSchema.optional(),
  /** Per-round spread of the log ratio (sd), from which rounds-to-resolve is estimated. */
  roundSpreadPct: z.number().nullable(),
  /** A minus B timer-lateness p99, ms, mean over rounds. */
  latenessDiffMs: z.number().nullable(),
  latenessDiffCi: intervalSchema.optional(),
  /** `resolved`: the interval excludes 0; `unresolved`: it does not (or there is none). */
  status: z.enum(['resolved', 'unresolved']),
  /** For an unresolved pair: rounds at which a difference of the observed size would be resolved (null: none seen). */
  roundsToResolve: z.number().nullable(),
  explanation: z.string(),
});

export const pairedComparisonSchema = z.object({
  /** What the cells share: model, quantization, context. */
  group: z.string(),
  method: z.string(),
  level: z.number(),
  rounds: z.number(),
  /** Why the session stopped after `rounds`. */
  stopReason: z.string(),
  /** Load average (1 min) at the start and end of the session: a shared machine is part of the result. */
  loadAverage: z.object({ start: z.number(), end: z.number() }).optional(),
  /** Mean share of a core the probe got in the idle phases: what "kept its CPU" is measured against. */
  idleProbeCpuSharePct: z.number().optional(),
  cells: z.array(pairedCellSchema),
  pairs: z.array(pairSchema),
  /** Per-round ratios (foreground time over idle) per cell, for anyone who wants to recompute. */
  ratios: z.record(z.string(), z.array(z.number())),
});

export type PairedCell = z.infer<typeof pairedCellSchema>;
export type Pair = z.infer<typeof pairSchema>;
export type PairedComparison = z.infer<typeof pairedComparisonSchema>;

export const PAIRED_METHOD =
  'paired rounds in one probe session (idle, A, idle, B, idle, order rotated each round); per round, the foreground time under each cell over its neighbouring idle phases; A vs B = geometric mean of ratio_A / ratio_B, Student-t interval on the logs';

/** A probe that still got this share of a core was not kept off the CPU: its slowdown came from elsewhere. */
export const FULL_CORE_PCT = 85;
/** Points of a core below its idle-phase share that still count as "the probe kept its CPU". */
const SHARE_TOLERANCE_PCT = 5;
const ROUNDS_CAP = 1000;

/** Per cell, the ratio of each round's active phase to the mean of the idle phases right before and after it. */
export function roundRatios(phases: readonly ProbePhase[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  phases.forEach((p, i) => {
    if (p.cell === null) return;
    const before = phases.slice(0, i).reverse().find((q) => q.cell === null);
    const after = phases.slice(i + 1).find((q) => q.cell === null);
    const idle = [before, after].filter((q): q is ProbePhase => q !== undefined).map((q) => q.taskMs);
    if (idle.length === 0 || !(mean(idle) > 0)) return;
    const list = out.get(p.cell) ?? [];
    list[p.round] = p.taskMs / mean(idle);
    out.set(p.cell, list);
  });
  return out;
}

/** Rounds in which both cells have a ratio, as [a, b] pairs. */
function paired<T>(a: readonly (T | undefined)[], b: readonly (T | undefined)[]): [T, T][] {
  const out: [T, T][] = [];
  for (let r = 0; r < Math.max(a.length, b.length); r++) if (a[r] !== undefined && b[r] !== undefined) out.push([a[r]!, b[r]!]);
  return out;
}

/**
 * Rounds at which a t-interval of this per-round spread would exclude 0 for a mean log ratio of this size;
 * null when no difference was seen, capped at `cap`.
 */
export function roundsToResolve(meanLog: number, sdLog: number, level: number, cap = ROUNDS_CAP): number | null {
  if (meanLog === 0 || !Number.isFinite(meanLog)) return null;
  if (sdLog === 0) return 3;
  for (let n = 3; n <= cap; n++) if ((tCritical(level, n - 1) * sdLog) / Math.sqrt(n) < Math.abs(meanLog)) return n;
  return cap;
}

const pctOf = (ratio: number) => (ratio - 1) * 100;
const f1 = (x: number | null) => (x === null ? '—' : x.toFixed(1));

export interface PairSpec {
  a: string;
  b: string;
  axis: string;
}

function cellSummary(cell: string, phases: readonly ProbePhase[], ratios: readonly (number | undefined)[], level: number): PairedCell {
  const own = phases.filter((p) => p.cell === cell);
  const rs = ratios.filter((r): r is number => r !== undefined);
  const ci = rs.length > 0 ? logMeanInterval(rs, level).ci : null;
  const cpu = own.map((p) => p.serverCpuPct).filter((x): x is number => x !== null);
  return {
    cell,
    slowdownPct: rs.length > 0 ? pctOf(geometricMean(rs)) : null,
    ...(ci ? { slowdownCi: { low: pctOf(ci.low), high: pctOf(ci.high), level, method: ci.method } } : {}),
    probeCpuSharePct: mean(own.map((p) => p.cpuSharePct)),
    serverCpuPct: cpu.length > 0 ? mean(cpu) : null,
    latenessP99Ms: mean(own.map((p) => p.latenessP99Ms)),
  };
}

/** Why the pair came out as it did, in words a person can act on. */
function explain(spec: PairSpec, pair: Omit<Pair, 'explanation'>, a: PairedCell, b: PairedCell, idleShare: number, level: number): string {
  const lvl = `${Math.round(level * 100)} %`;
  if (pair.status === 'resolved') {
    const d = pair.differencePct ?? 0;
    const more = d > 0 ? `${f1(d)} % longer` : `${f1(-d)} % shorter`;
    return `resolved: the foreground task took ${more} while ${spec.a} decoded than while ${spec.b} did (${lvl} interval ${f1(pair.differenceCi!.low)} to ${f1(pair.differenceCi!.high)} %, ${pair.rounds} rounds).`;
  }
  const more =
    pair.roundsToResolve === null
      ? 'no difference was seen at all'
      : pair.roundsToResolve >= ROUNDS_CAP
        ? `more than ${ROUNDS_CAP} rounds would be needed to resolve a difference this small (${f1(pair.differencePct)} %)`
        : `about ${pair.roundsToResolve} rounds would resolve a difference of this size (${f1(pair.differencePct)} %)`;
  const bounds = pair.differenceCi ? ` The difference lies within ${f1(pair.differenceCi.low)} to ${f1(pair.differenceCi.high)} %.` : '';
  // The servers did not take the probe's CPU when it got as much of a core while they decoded as with all of them
  // idle (or nearly a whole core): then whatever slowed it was not the scheduler's to arbitrate.
  const keptCpu = (c: PairedCell) => c.probeCpuSharePct >= FULL_CORE_PCT || c.probeCpuSharePct >= idleShare - SHARE_TOLERANCE_PCT;
  const slowed = [a, b].some((c) => c.slowdownCi && c.slowdownCi.low > 0);
  const why =
    keptCpu(a) && keptCpu(b)
      ? ` The probe got ${f1(a.probeCpuSharePct)} % and ${f1(b.probeCpuSharePct)} % of a core while they decoded (${f1(idleShare)} % with every server idle), so neither server kept it off the CPU` +
        (slowed
          ? `: its slowdown (${f1(a.slowdownPct)} % and ${f1(b.slowdownPct)} %) came from shared caches and memory bandwidth, which ${spec.axis === 'priority' ? 'scheduling priority does' : 'the scheduler does'} not arbitrate.`
          : '.')
      : ` The probe got ${f1(a.probeCpuSharePct)} % of a core under ${spec.a} and ${f1(b.probeCpuSharePct)} % under ${spec.b}, against ${f1(idleShare)} % with every server idle: the servers took CPU time from it.`;
  return `unresolved after ${pair.rounds} rounds: ${more}.${bounds}${why}`;
}

/** Every pair's difference with its interval, every cell's own slowdown, from the phases of one session. */
export function analyzePairedSession(opts: {
  group: string;
  phases: readonly ProbePhase[];
  cells: readonly string[];
  pairs: readonly PairSpec[];
  level: number;
  stopReason: string;
  loadAverage?: { start: number; end: number };
}): PairedComparison {
  const { phases, level } = opts;
  const ratios = roundRatios(phases);
  const cells = opts.cells.map((c) => cellSummary(c, phases, ratios.get(c) ?? [], level));
  const byCell = new Map(cells.map((c) => [c.cell, c]));
  const idleShare = mean(phases.filter((p) => p.cell === null).map((p) => p.cpuSharePct));
  const lateness = (cell: string) => {
    const out: number[] = [];
    for (const p of phases) if (p.cell === cell) out[p.round] = p.latenessP99Ms;
    return out;
  };
  const pairs = opts.pairs.map((spec): Pair => {
    const both = paired(ratios.get(spec.a) ?? [], ratios.get(spec.b) ?? []);
    const quotients = both.map(([x, y]) => x / y);
    const logs = quotients.map(Math.log);
    const ci = quotients.length > 0 ? logMeanInterval(quotients, level).ci : null;
    const sdLog = logs.length > 1 ? Math.sqrt(logs.reduce((s, x) => s + (x - mean(logs)) ** 2, 0) / (logs.length - 1)) : null;
    const late = paired(lateness(spec.a), lateness(spec.b)).map(([x, y]) => x - y);
    const lateCi = late.length > 1 ? studentTInterval(late, level).ci : null;
    const differencePct = quotients.length > 0 ? pctOf(geometricMean(quotients)) : null;
    const resolved = ci !== null && (ci.low > 1 || ci.high < 1);
    const base: Omit<Pair, 'explanation'> = {
      ...spec,
      rounds: quotients.length,
      differencePct,
      ...(ci ? { differenceCi: { low: pctOf(ci.low), high: pctOf(ci.high), level, method: ci.method } } : {}),
      roundSpreadPct: sdLog === null ? null : sdLog * 100,
      latenessDiffMs: late.length > 0 ? mean(late) : null,
      ...(lateCi ? { latenessDiffCi: { ...lateCi, method: lateCi.method } } : {}),
      status: resolved ? 'resolved' : 'unresolved',
      roundsToResolve: resolved || sdLog === null ? null : roundsToResolve(mean(logs), sdLog, level),
    };
    return { ...base, explanation: explain(spec, base, byCell.get(spec.a)!, byCell.get(spec.b)!, idleShare, level) };
  });
  const rounds = new Set(phases.filter((p) => p.cell !== null).map((p) => p.round)).size;
  return {
    group: opts.group,
    method: PAIRED_METHOD,
    level,
    rounds,
    stopReason: opts.stopReason,
    ...(opts.loadAverage ? { loadAverage: opts.loadAverage } : {}),
    idleProbeCpuSharePct: idleShare,
    cells,
    pairs,
    ratios: Object.fromEntries([...ratios].map(([c, rs]) => [c, rs.filter((r) => r !== undefined)])),
  };
}

/** The widest interval half-width among the pairs, in % (Infinity while some pair has none). */
export function widestHalfWidthPct(c: PairedComparison): number {
  let widest = 0;
  for (const p of c.pairs) {
    if (!p.differenceCi) return Number.POSITIVE_INFINITY;
    widest = Math.max(widest, (p.differenceCi.high - p.differenceCi.low) / 2);
  }
  return widest;
}
