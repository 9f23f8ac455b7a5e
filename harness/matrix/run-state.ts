// The planner's memory across profile files: `results/<run-id>/run-state.json`, read before each cell and
// rewritten (atomically, under a lock) after each decision and outcome, so a later profile file skips what an
// earlier one learned is not worth launching.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import si from 'systeminformation';
import type { BenchConfig } from '../config/schema.ts';
import { withLock } from '../llama/lock.ts';
import { writeFileAtomic } from '../paths.ts';
import { stderrProgress } from '../progress.ts';
import {
  decide,
  decideBeforeRun,
  emptyRunState,
  orderCells,
  recordOutcome,
  recordSkip,
  type MeasurementLike,
  type PlannerCell,
  type PlannerLimits,
  type RunState,
} from './planner.ts';

export const RUN_STATE_FILE = 'run-state.json';
const RUN_STATE_LOCK_WAIT_MS = 120_000;

/** The host facts the planner reads: the RAM available when the run started (absent on an older plan). */
type HostLike = object & { availableMemoryMb?: number | null };

function availableMb(host: HostLike): number | null {
  return 'availableMemoryMb' in host && typeof host.availableMemoryMb === 'number' ? host.availableMemoryMb : null;
}

/** A server started elsewhere: its quantization and memory are not chosen here, so only the speed rules apply. */
const isRemote = (config: { target?: { kind: string } }) => config.target !== undefined && config.target.kind !== 'local-llama';

/** The quantizations the planner's mode runs (planner.quick_quants or planner.full_quants); null: all of them. */
export function modeQuants(config: Pick<BenchConfig, 'planner'>): readonly string[] | null {
  const p = config.planner;
  return p.mode === 'quick' ? p.quick_quants : p.full_quants;
}

export function plannerLimits(config: Pick<BenchConfig, 'planner'> & { target?: { kind: string } }, host: HostLike): PlannerLimits {
  const p = config.planner;
  const remote = isRemote(config);
  return {
    enabled: p.enabled,
    mode: p.mode,
    quants: remote ? null : modeQuants(config),
    availableMemoryMb: remote ? null : availableMb(host),
    memoryCapMb: remote ? null : p.memory_cap_mb,
    ttftLimitS: p.ttft_limit_s,
    minDecodeTps: p.min_decode_tps,
    afterPerformanceFailure: p.after_performance_failure,
  };
}

/** Whether the mode runs this quantization at all (a cell it excludes needs no model file). */
export function modeRuns(config: Pick<BenchConfig, 'planner'> & { target?: { kind: string } }, quant: string): boolean {
  const quants = modeQuants(config);
  return !config.planner.enabled || isRemote(config) || quants === null || quants.includes(quant);
}

export function readRunState(runDir: string): RunState {
  const file = path.join(runDir, RUN_STATE_FILE);
  if (!existsSync(file)) return emptyRunState();
  const data = JSON.parse(readFileSync(file, 'utf8')) as RunState;
  if (data.version !== 1 || !Array.isArray(data.outcomes) || !Array.isArray(data.skips)) {
    throw new Error(`${file} is not a run-state file of this harness (expected version 1 with outcomes and skips)`);
  }
  return data;
}

/** Read-modify-write under a lock directory beside the file; the write is atomic, so readers never see half. */
export async function updateRunState(runDir: string, change: (state: RunState) => RunState): Promise<RunState> {
  return withLock(
    path.join(runDir, 'run-state.lock'),
    'updating the run state',
    stderrProgress,
    async () => {
      const next = change(readRunState(runDir));
      writeFileAtomic(path.join(runDir, RUN_STATE_FILE), `${JSON.stringify(next, null, 2)}\n`);
      return next;
    },
    // Held for one small read and write: a holder that keeps it longer is stuck, and the run must not wait forever.
    { maxWaitMs: RUN_STATE_LOCK_WAIT_MS },
  );
}

interface PlanLike {
  runDir: string;
  config: Pick<BenchConfig, 'planner'>;
  host: HostLike;
}

/** Asks the planner about a cell before launching it; a skip is recorded and its reason returned, else null. */
export async function plannerSkip(plan: PlanLike, c: PlannerCell, profile: string): Promise<string | null> {
  let reason: string | null = null;
  await updateRunState(plan.runDir, (state) => {
    const d = decide(c, state, plannerLimits(plan.config, plan.host), profile);
    if (d.run) return state;
    reason = d.reason;
    return recordSkip(state, c, profile, d);
  });
  if (reason) process.stderr.write(`[${c.cell.id} · ${profile}] skipped by the planner: ${reason}\n`);
  return reason;
}

/** Records what a cell measured, for the decisions about the cells after it. */
export async function recordPlannerOutcome(plan: PlanLike, c: PlannerCell, m: MeasurementLike): Promise<void> {
  await updateRunState(plan.runDir, (state) => recordOutcome(state, c, m));
}

/** RAM available right now (MemAvailable), in MB: the dry run's memory limit, as readHost's is the run's. */
export async function availableMemoryMb(): Promise<number> {
  return Math.round((await si.mem()).available / 1e6);
}

/** What the dry run knows of a cell (a DryRunCell fits). */
interface DryCell {
  file: string;
  bytes: number | null;
  memory: { bytes: number; basis: string } | null;
  skip?: string;
}

/**
 * The dry run's cells (parallel to the matrix cells) in the planner's order, each with the skip decidable before
 * running: the mode and the memory pre-check against available RAM and planner.memory_cap_mb.
 */
export function plannerDryRun<T extends DryCell>(config: Pick<BenchConfig, 'planner'>, availableMb: number | null, cells: readonly PlannerCell['cell'][], dry: readonly T[]): (T & { skip?: string })[] {
  const planned = cells.map((cell, i) => ({ cell, model: { path: dry[i]!.file, bytes: dry[i]!.bytes ?? 0 }, memory: dry[i]!.memory, dry: dry[i]! }));
  const limits = plannerLimits(config, { availableMemoryMb: availableMb });
  const ordered = config.planner.enabled ? orderCells(planned, config.planner.quant_order) : planned;
  return ordered.map((p) => {
    const d = decideBeforeRun(p, limits);
    return d.run ? p.dry : { ...p.dry, skip: p.dry.skip ?? d.reason };
  });
}
