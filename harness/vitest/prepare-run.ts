import type { TestProject } from 'vitest/node';
import { PROFILE_NAMES, type ProfileName } from '../budgets/catalogue.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { outputDir, preparePlan, type Plan } from '../plan.ts';
import { resumeOverview, resumeRunDir } from '../profiles/resume.ts';
import { stderrProgress } from '../progress.ts';
import { isRunId, runIdProblem } from '../run-id.ts';
import { expectedDurationLines, planProgress, priorFromEarlierRuns, type ProgressPlan } from '../matrix/progress-log.ts';
import { REPEAT_VAR, parseRepeat } from '../matrix/repeat.ts';
import path from 'node:path';

declare global {
  // Every profile project has this global setup; one run prepares its plan once.
  var __benchPlan: Promise<Plan> | undefined;
  // Counted once per run, for every profile file's progress line.
  var __benchProgress: ProgressPlan | undefined;
}

/** BENCH_REPEAT (set by `npm run bench -- --repeat N`): how many times each cell is measured. */
function repeatFromEnv(): number {
  const text = process.env[REPEAT_VAR];
  if (!text) return 1;
  const r = parseRepeat(text);
  if (typeof r !== 'number') throw new Error(`${REPEAT_VAR}: ${r.problem}`);
  return r;
}

/** When the run started: `npm run bench` passes its own start (plan preparation included), else this process's. */
function startedAtMs(): number {
  const given = Number(process.env.BENCH_STARTED_AT);
  return Number.isFinite(given) && given > 0 ? given : Math.round(Date.now() - process.uptime() * 1000);
}

/** BENCH_RESUME=<run-id> (set by `npm run bench -- --resume <run-id>`): that run must exist, and it is this run. */
function resumedRun(): string | undefined {
  const id = process.env.BENCH_RESUME;
  if (!id) return undefined;
  // vitest.config.ts makes BENCH_RUN_ID the resumed id; a different one set by hand contradicts it.
  if (process.env.BENCH_RUN_ID && process.env.BENCH_RUN_ID !== id) {
    throw new Error(`BENCH_RESUME=${id} resumes run ${id}, but BENCH_RUN_ID=${process.env.BENCH_RUN_ID} names another run; unset one of them`);
  }
  const configFile = configPathFromEnv();
  resumeRunDir(outputDir(loadConfig(configFile).config, configFile), id);
  return id;
}

/** The global setup's work for one profile project (global-setup.ts calls it; one plan per run, shared by every project). */
export async function prepareProject(project: TestProject): Promise<void> {
  // The reporter reads the baseline run by this id: a run id, never a path (npm run bench checks it the same way).
  const baseline = process.env.BENCH_BASELINE;
  if (baseline && !isRunId(baseline)) throw new Error(`BENCH_BASELINE: ${runIdProblem(baseline)}`);
  const resume = resumedRun();
  // The data files of every profile this Vitest run selected are checked before anything is prepared.
  const profiles = project.vitest.projects.map((p) => p.name).filter((n): n is ProfileName => (PROFILE_NAMES as string[]).includes(n));
  globalThis.__benchPlan ??= preparePlan({ ...(resume ? { runId: resume } : {}), profiles });
  const plan = await globalThis.__benchPlan;
  // The scoreboard reporter runs in this process and writes next to the plan.
  process.env.BENCH_RUN_DIR = plan.runDir;
  project.provide('plan', plan);
  // A `-t` filter, so a profile that picks one cell (the soak) picks among the cells the user selected.
  const pattern = project.vitest.config.testNamePattern;
  if (pattern) project.provide('namePattern', { source: pattern.source, flags: pattern.flags });
  if (!globalThis.__benchProgress) {
    const prior = priorFromEarlierRuns(path.dirname(plan.runDir), path.basename(plan.runDir));
    globalThis.__benchProgress = planProgress(plan, profiles, { ...(pattern ? { pattern } : {}), repeat: repeatFromEnv(), startedAtMs: startedAtMs(), prior });
    for (const line of expectedDurationLines(globalThis.__benchProgress, plan.config.planner.mode === 'quick')) stderrProgress(line);
  }
  project.provide('progress', globalThis.__benchProgress);
  if (resume) {
    project.provide('resume', resume);
    if (plan.config.profiles[project.name as keyof Plan['config']['profiles']]?.enabled) stderrProgress(resumeOverview(plan, project.name).line);
  }
}
