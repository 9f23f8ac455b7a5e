// The paired invisibility session: every cell of a group (same model, quantization and context) has its own
// llama-server up at once (one model file, mapped once), and one probe process alternates between them against
// the same idle baseline. See harness/analysis/paired.ts for the design and the maths.
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyzePairedSession, widestHalfWidthPct, type PairedComparison, type PairSpec, type ProbePhase } from '../../analysis/paired.ts';
import { PRIORITY_PRESETS } from '../../config/schema.ts';
import { startServer, type RunningServer } from '../../llama/launch.ts';
import { KNOB_NAMES, type Cell } from '../../measurement/schema.ts';
import type { Plan, PlannedCell } from '../../plan.ts';
import { processCpuNs } from '../../sampler/proc.ts';
import { mean, percentile, sortSamples } from '../../stats/summary.ts';
import { startBackgroundLoad } from '../background-load.ts';
import { startProbe, type PhaseResult } from './probe-process.ts';
import { dataFile, loadPrompts } from '../prompts.ts';

/** The axes a pair may differ in; model, quantization and context make the group. */
const PAIR_AXES = ['threads', 'priority', ...KNOB_NAMES] as const;

export const groupKey = (c: Cell) => `${c.model} ${c.quant} c${c.ctx}`;

/** Higher priority first: the reference of a priority pair is the one that yields less. */
const PRIORITY_RANK = Object.keys(PRIORITY_PRESETS);

/**
 * Pairs of cells that differ in exactly one axis, oriented so that A is the cell under question and B the
 * reference: more threads against fewer, a lower priority against a higher one, a later knob value against an
 * earlier one (plan order).
 */
export function pairsOf(cells: readonly Cell[]): PairSpec[] {
  const out: PairSpec[] = [];
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const [x, y] = [cells[i]!, cells[j]!];
      const differing = PAIR_AXES.filter((k) => (x as Record<string, unknown>)[k] !== (y as Record<string, unknown>)[k]);
      if (differing.length !== 1) continue;
      const axis = differing[0]!;
      let [a, b] = [y, x];
      if (axis === 'threads' && x.threads > y.threads) [a, b] = [x, y];
      if (axis === 'priority' && PRIORITY_RANK.indexOf(x.priority) > PRIORITY_RANK.indexOf(y.priority)) [a, b] = [x, y];
      out.push({ a: a.id, b: b.id, axis });
    }
  }
  return out;
}

/** Cells in the order one round visits them, rotated by the round: each cell takes each position equally often (AB, BA, …). */
export function roundOrder<T>(cells: readonly T[], round: number): T[] {
  return cells.map((_, i) => cells[(i + round) % cells.length]!);
}

export interface SessionOptions {
  plan: Plan;
  group: string;
  cells: readonly PlannedCell[];
  /** Where the servers' logs go. */
  dir: string;
  log: (message: string) => void;
}

/** Starts every cell's server, alternates the probe between them until the intervals are narrow enough, stops them. */
export async function runPairedSession({ plan, group, cells, dir, log }: SessionOptions): Promise<PairedComparison> {
  const settings = plan.config.profiles.invisibility;
  const paired = settings.paired;
  const level = plan.config.verdicts.confidence;
  const prompts = loadPrompts(dataFile(plan.configFile, plan.config.profiles.interactive.prompts));
  const specs = pairsOf(cells.map((c) => c.cell));
  const servers = new Map<string, RunningServer>();
  const probe = startProbe((settings.foreground_ms + settings.lateness_ms) * 4 + 30_000);
  const loadStart = loadavg()[0]!;
  try {
    for (const planned of cells) {
      const { llama } = plan.config;
      const server = await startServer({
        serverPath: plan.llama.serverPath,
        modelPath: planned.model.path,
        threads: planned.cell.threads,
        ctx: planned.cell.ctx,
        priority: planned.cell.priority as never,
        cpuAffinity: llama.cpu_affinity,
        parallel: llama.parallel,
        extraArgs: llama.extra_args,
        knobs: planned.cell,
        logFile: path.join(dir, `${planned.cell.slug}.server.log`),
        loadTimeoutMs: llama.load_timeout_s * 1000,
        stopGraceMs: llama.stop_grace_s * 1000,
      });
      servers.set(planned.cell.id, server);
      log(`${planned.cell.id}: llama-server pid ${server.pid} ready`);
    }
    const load = (server: RunningServer) =>
      startBackgroundLoad({
        baseUrl: server.baseUrl,
        prompts,
        maxTokens: settings.max_tokens,
        seed: plan.config.llama.seed,
        timeoutMs: plan.config.profiles.interactive.request_timeout_s * 1000,
        stopOnError: true,
      });
    // The first request of a fresh server is slow: one each, unmeasured, then let them settle.
    for (const server of servers.values()) {
      const warm = load(server);
      await sleep(200);
      const ended = await warm.stop();
      if (ended.firstError) throw new Error(`warming up ${server.baseUrl} failed: ${ended.firstError}`);
    }
    await sleep(plan.config.profiles.idle.settle_s * 1000);
    await probe.measure(Math.min(settings.foreground_ms, 500), Math.min(settings.lateness_ms, 200));

    const phases: ProbePhase[] = [];
    const record = (round: number, cell: string | null, r: PhaseResult, serverCpuPct: number | null) => {
      const lateness = r.latenessMs.length > 0 ? percentile(sortSamples(r.latenessMs), 0.99) : 0;
      phases.push({ round, cell, taskMs: mean(r.foregroundMs), latenessP99Ms: lateness, cpuSharePct: r.cpuSharePct, serverCpuPct });
    };
    const analyze = (stopReason: string) =>
      analyzePairedSession({ group, phases, cells: cells.map((c) => c.cell.id), pairs: specs, level, stopReason, loadAverage: { start: loadStart, end: loadavg()[0]! } });
    const order = cells.map((c) => c.cell.id);
    for (let round = 0; round < paired.max_rounds; round++) {
      if (round === 0) record(round, null, await probe.measure(settings.foreground_ms, settings.lateness_ms), null);
      for (const id of roundOrder(order, round)) {
        const server = servers.get(id)!;
        const running = load(server);
        await sleep(300); // let decoding get going before the probe starts
        const cpu0 = processCpuNs(server.pid);
        const t0 = performance.now();
        const result = await probe.measure(settings.foreground_ms, settings.lateness_ms);
        const cpu1 = processCpuNs(server.pid);
        const serverCpuPct = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) / 1e6 / (performance.now() - t0)) * 100 : null;
        const ended = await running.stop();
        if (ended.firstError) throw new Error(`the background load on ${id} failed: ${ended.firstError}`);
        record(round, id, result, serverCpuPct);
        await sleep(500); // the server's threads wind down after a request
        record(round, null, await probe.measure(settings.foreground_ms, settings.lateness_ms), null);
      }
      const done = round + 1;
      if (done >= paired.min_rounds) {
        const widest = widestHalfWidthPct(analyze(''));
        log(`round ${done}: widest pair interval ±${widest.toFixed(1)} % (target ±${paired.target_halfwidth_pct} %)`);
        if (widest <= paired.target_halfwidth_pct) return analyze(`every pair's interval is within ±${paired.target_halfwidth_pct} % after ${done} rounds`);
      } else log(`round ${done}/${paired.min_rounds} (at least)`);
    }
    return analyze(`max_rounds (${paired.max_rounds}) reached with some interval wider than ±${paired.target_halfwidth_pct} %`);
  } finally {
    await probe.stop();
    for (const server of servers.values()) await server.stop();
  }
}
