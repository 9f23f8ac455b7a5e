// Evaluates cells under profiles within one run: spawns `vitest run --project … -t '<exact cells>'` with
// BENCH_RUN_ID and BENCH_RESUME set to the run, so every result lands in the same run directory and a cell × profile
// measured before is reused, then reads each cell's summary.json (or the planner's skip) back as a judgement.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ProfileName } from '../budgets/catalogue.ts';
import { resumeStamp } from '../matrix/checkpoint.ts';
import { readRunState } from '../matrix/run-state.ts';
import type { Verdict } from '../measurement/schema.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import { readStoredSummary } from '../profiles/resume.ts';
import { cellDir } from '../profiles/cell-dir.ts';
import { exactCellPattern, testTitles } from './filter.ts';
import { combine, judgeProfile, type Judgement, type StoredResult } from './judge.ts';

const VITEST = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Vitest was stopped by a signal (Ctrl+C): the flow stops too, with the run resumable. */
export class FlowInterrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/**
 * The cell whose quality results stand for this one: with quality.once_per_quant, the first planned cell with the
 * same model, quantization and context (as the quality profile groups them), else the cell itself.
 */
export function qualityRepresentative(plan: Pick<Plan, 'config' | 'cells'>, planned: PlannedCell): PlannedCell {
  if (!plan.config.profiles.quality.once_per_quant) return planned;
  const key = (c: PlannedCell) => `${c.cell.model} ${c.cell.quant} c${c.cell.ctx}`;
  return plan.cells.find((c) => key(c) === key(planned)) ?? planned;
}

export interface DriverOptions {
  plan: Plan;
  /** Printed before each Vitest run. */
  log: (line: string) => void;
  /** Extra environment for every Vitest run, e.g. BENCH_BASELINE. */
  env?: NodeJS.ProcessEnv;
}

export class FlowDriver {
  /** Every cell id evaluated in this flow (representatives included), for the final scoreboard. */
  readonly evaluated = new Set<string>();
  readonly profilesUsed = new Set<ProfileName>();
  /** How many Vitest runs the flow started, and how many cell × profile results they measured (not reused). */
  vitestRuns = 0;
  /** The cells and profiles of the latest Vitest run, whose scoreboard is the run's scoreboard until another run. */
  private lastRun: { ids: ReadonlySet<string>; profiles: ReadonlySet<ProfileName>; env: string } | null = null;
  constructor(private readonly options: DriverOptions) {}

  get plan(): Plan {
    return this.options.plan;
  }

  /** What a profile left for a cell in this run: a measurement under the current resume key, a planner skip, or nothing. */
  stored(planned: PlannedCell, profile: ProfileName): StoredResult {
    const source = profile === 'quality' ? qualityRepresentative(this.plan, planned) : planned;
    const file = path.join(cellDir(this.plan, source, profile), 'summary.json');
    const raw = readStoredSummary(file) as { resume?: { key?: string }; measurement?: { state?: string; error?: string }; verdicts?: Verdict[] } | Error | null;
    if (raw && !(raw instanceof Error) && raw.resume?.key === resumeStamp(this.plan, source, profile).key && raw.measurement && Array.isArray(raw.verdicts)) {
      const state = raw.measurement.state === 'completed' ? 'completed' : 'errored';
      return { kind: 'measured', state, ...(raw.measurement.error ? { error: raw.measurement.error } : {}), verdicts: raw.verdicts };
    }
    const skip = readRunState(this.plan.runDir).skips.find((s) => s.cellId === source.cell.id && s.profile === profile);
    if (skip) return { kind: 'skipped', reason: skip.reason };
    const why = raw instanceof Error ? `summary.json unreadable (${raw.message})` : raw ? 'summary.json was measured under other conditions' : 'not measured';
    return { kind: 'missing', reason: `${source.cell.id}: ${why}` };
  }

  judge(planned: PlannedCell, profiles: readonly ProfileName[]): Judgement {
    const policy = this.plan.config.verdicts.on_inconclusive;
    return combine(profiles.map((p) => judgeProfile(p, this.stored(planned, p), policy)));
  }

  /**
   * Judgements of `cells` under `profiles` (a cell passes when it passes each). Only what this run has no result
   * for yet is measured, in one Vitest run; quality is measured on each cell's representative.
   */
  async evaluate(cells: readonly PlannedCell[], profiles: readonly ProfileName[], env: NodeJS.ProcessEnv = {}): Promise<Map<string, Judgement>> {
    const todo: { planned: PlannedCell; profile: ProfileName }[] = [];
    for (const planned of cells) {
      for (const profile of profiles) {
        const source = profile === 'quality' ? qualityRepresentative(this.plan, planned) : planned;
        this.evaluated.add(source.cell.id);
        this.profilesUsed.add(profile);
        if (this.stored(planned, profile).kind === 'missing') todo.push({ planned: source, profile });
      }
    }
    if (todo.length > 0) {
      const ids = [...new Set(todo.map((t) => t.planned.cell.id))];
      const need = [...new Set(todo.map((t) => t.profile))];
      await this.runVitest(ids, need, env);
      const left = todo.filter((t) => this.stored(t.planned, t.profile).kind === 'missing');
      if (left.length > 0) {
        throw new Error(`Vitest left no result for ${left.map((t) => `${t.planned.cell.id} · ${t.profile}`).join(', ')} (see its output above)`);
      }
    }
    return new Map(cells.map((c) => [c.cell.id, this.judge(c, profiles)]));
  }

  /**
   * One more Vitest run over every evaluated cell (all reused unless `extra` profiles need measuring), so the run's
   * scoreboard covers them all; none when the latest run already covered every evaluated cell under every profile
   * used (a search decided by one evaluation): its scoreboard is that one.
   */
  async scoreboard(extra: readonly ProfileName[] = [], env: NodeJS.ProcessEnv = {}): Promise<void> {
    const profiles = [...new Set([...this.profilesUsed, ...extra])];
    if (this.evaluated.size === 0 || profiles.length === 0) return;
    if (this.coveredByLastRun(profiles, env)) {
      this.options.log(`the last Vitest run covered every evaluated cell; its scoreboard is the run's`);
      return;
    }
    await this.runVitest([...this.evaluated], profiles, env);
  }

  private coveredByLastRun(profiles: readonly ProfileName[], env: NodeJS.ProcessEnv): boolean {
    const last = this.lastRun;
    if (!last || last.env !== JSON.stringify(env)) return false;
    return [...this.evaluated].every((id) => last.ids.has(id)) && profiles.every((p) => last.profiles.has(p));
  }

  private async runVitest(ids: readonly string[], profiles: readonly ProfileName[], env: NodeJS.ProcessEnv): Promise<void> {
    const { plan } = this;
    // Vitest runs projects in PROFILE_PROJECTS order (groupOrder), whatever order they are named in.
    const titles = profiles.flatMap((p) => testTitles(plan.budgets[p]));
    const args = [VITEST, 'run', ...profiles.flatMap((p) => ['--project', p]), '-t', exactCellPattern(ids, titles)];
    this.options.log(`vitest: ${profiles.join(', ')} on ${ids.length} cell(s): ${ids.join('; ')}`);
    this.vitestRuns++;
    this.lastRun = { ids: new Set(ids), profiles: new Set(profiles), env: JSON.stringify(env) };
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...this.options.env, ...env, BENCH_CONFIG: plan.configFile, BENCH_RUN_ID: plan.runId, BENCH_RESUME: plan.runId },
    });
    // A terminal Ctrl+C reaches Vitest through the process group; a signal sent to this process alone is passed on.
    let signalled: string | null = null;
    const forward = (signal: NodeJS.Signals) => {
      signalled = signal;
      child.kill(signal);
    };
    process.on('SIGINT', forward).on('SIGTERM', forward);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c, s) => resolve({ code: c, signal: s }));
    }).finally(() => process.off('SIGINT', forward).off('SIGTERM', forward));
    if (signalled || signal || code === 130) throw new FlowInterrupted(signalled ?? signal ?? 'SIGINT');
    // 0: every budget met; 1: a budget failed. Anything else is Vitest or the harness failing.
    if (code !== 0 && code !== 1) throw new Error(`vitest exited with status ${code}`);
  }
}
