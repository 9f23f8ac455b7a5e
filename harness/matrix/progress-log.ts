// The run's progress: `results/<run-id>/progress.jsonl` gets one line per finished cell × profile (× repetition)
// with its duration, written by the worker that ran it; the progress line printed after each one reads the whole
// file, so profile files run one after another share one count and one ETA (harness/matrix/eta.ts does the maths).
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { budgetTitle } from '../budgets/budget.ts';
import type { BenchConfig } from '../config/schema.ts';
import { isRunId } from '../run-id.ts';
import { selectedByPattern } from './checkpoint.ts';
import { estimateEta, formatDuration, progressLine, type DoneUnit, type Eta } from './eta.ts';
import { modeRuns } from './run-state.ts';

export const PROGRESS_FILE = 'progress.jsonl';
/** Earlier runs read for the first estimate: the most recent ones, as the machine and the config drift. */
const PRIOR_RUNS = 5;

/** What the run will do, counted once in the global setup and provided to the profile files. */
export interface ProgressPlan {
  /** When the run started (ms since the epoch); also tells this invocation's lines from a resumed run's earlier ones. */
  startedAtMs: number;
  /** Units (cells × repetitions) per profile that will run or be skipped by the planner. */
  units: Record<string, number>;
  repeat: number;
  /** ms per unit per profile in earlier runs on this machine, for profiles this run has not measured yet. */
  prior: Record<string, number>;
}

export interface ProgressEntry extends DoneUnit {
  session: number;
  at: string;
  cellId: string;
  repetition: number;
  /** The ETA printed after this entry; null while unknown. */
  etaMs: number | null;
}

interface PlanLike {
  runDir: string;
  config: BenchConfig;
  cells: { cell: { id: string; quant: string } }[];
  budgets: Record<string, Parameters<typeof budgetTitle>[0][]>;
}

/** The units of each selected, enabled profile: the cells `-t` keeps and the planner's mode runs, × repetitions. */
export function planProgress(plan: PlanLike, profiles: readonly string[], options: { pattern?: RegExp; repeat: number; startedAtMs: number; prior: Record<string, number> }): ProgressPlan {
  const units: Record<string, number> = {};
  for (const profile of profiles) {
    if (!(plan.config.profiles as Record<string, { enabled: boolean }>)[profile]?.enabled) continue;
    const titles = ['runs to completion', ...(plan.budgets[profile] ?? []).map(budgetTitle)];
    const kept = plan.cells.filter((c) => selectedByPattern(options.pattern, c.cell.id, titles) && modeRuns(plan.config, c.cell.quant));
    units[profile] = kept.length * options.repeat;
  }
  return { startedAtMs: options.startedAtMs, units, repeat: options.repeat, prior: options.prior };
}

function readEntries(file: string): ProgressEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as ProgressEntry];
      } catch {
        return []; // a line cut by a crash mid-write: the others still count
      }
    });
}

/** Per profile, ms per unit in the most recent earlier runs under `outDir` (skips included, as estimateEta counts them). */
export function priorFromEarlierRuns(outDir: string, exceptRunId: string): Record<string, number> {
  if (!existsSync(outDir)) return {};
  const runs = readdirSync(outDir)
    .filter((d) => isRunId(d) && d !== exceptRunId && existsSync(path.join(outDir, d, PROGRESS_FILE)))
    .sort()
    .slice(-PRIOR_RUNS);
  const entries = runs.flatMap((r) => readEntries(path.join(outDir, r, PROGRESS_FILE)));
  const out: Record<string, number> = {};
  for (const profile of new Set(entries.map((e) => e.profile))) {
    const mine = entries.filter((e) => e.profile === profile);
    if (mine.some((e) => e.ran)) out[profile] = mine.reduce((a, e) => a + e.ms, 0) / mine.length;
  }
  return out;
}

/** The run's first lines: how long it expects to take, and how to get a short look. */
export function expectedDurationLines(progress: ProgressPlan, quick: boolean): string[] {
  const total = Object.values(progress.units).reduce((a, b) => a + b, 0);
  const eta = estimateEta({ done: [], remaining: progress.units, prior: progress.prior });
  const known = Object.entries(eta.perProfile).filter(([, e]) => e.msPerUnit !== null).map(([p, e]) => `${p} ${formatDuration(e.msPerUnit!)}/cell`);
  const unknown = Object.entries(eta.perProfile).filter(([, e]) => e.msPerUnit === null).map(([p]) => p);
  const lines = [
    eta.remainingMs !== null
      ? `expected duration: about ${formatDuration(eta.remainingMs)} for ${total} cell run(s), from earlier runs on this machine (${known.join(', ')}); the ETA is updated after each cell`
      : `expected duration: not known before a cell of each profile has run${unknown.length > 0 ? ` (no earlier run on this machine measured ${unknown.join(', ')})` : ''}; ${total} cell run(s), the ETA follows each cell`,
  ];
  if (!quick || Object.keys(progress.units).length > 2) lines.push('for a short look: --quick (fewer quantizations, shorter profiles) and/or --profile idle,interactive');
  return lines;
}

/** Appends a finished unit and returns the progress line (count, elapsed, ETA) to print after it. */
export function recordProgress(runDir: string, progress: ProgressPlan, unit: { profile: string; cellId: string; repetition: number; ms: number; ran: boolean }, now = Date.now()): { line: string; eta: Eta } {
  const file = path.join(runDir, PROGRESS_FILE);
  const mine = readEntries(file).filter((e) => e.session === progress.startedAtMs);
  const done = [...mine, { ...unit }];
  const remaining = Object.fromEntries(Object.entries(progress.units).map(([p, n]) => [p, Math.max(0, n - done.filter((d) => d.profile === p).length)]));
  const eta = estimateEta({ done, remaining, prior: progress.prior });
  const total = Object.values(progress.units).reduce((a, b) => a + b, 0);
  const entry: ProgressEntry = { session: progress.startedAtMs, at: new Date(now).toISOString(), ...unit, etaMs: eta.remainingMs };
  // One small line per unit from the one worker running at a time: an append is enough, and a torn line is skipped.
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
  return { line: progressLine({ done: done.length, total, elapsedMs: now - progress.startedAtMs, eta }), eta };
}
