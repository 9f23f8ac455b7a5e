// `npm run bench -- --tune <profile>` and `npm run bench -- --flow guided`: check the flags, prepare the plan, run
// the search through real Vitest runs in one run directory, print each decision and write tune.json / flow.json.
import path from 'node:path';
import { PROFILE_NAMES, type ProfileName } from '../budgets/catalogue.ts';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import { ctxAxis, type BenchConfig } from '../config/schema.ts';
import { writeFileAtomic } from '../paths.ts';
import { newRunId, preparePlan, type PlannedCell } from '../plan.ts';
import { stderrProgress } from '../progress.ts';
import { flowCells, heldKnobs } from './axes.ts';
import { FlowDriver, FlowInterrupted } from './driver.ts';
import { guidedFlow, type FlowStep } from './guided.ts';
import { tuneSearch, type TuneStep } from './tune.ts';
import { tuneSpace } from './tune-space.ts';

export const FLOWS = ['guided'] as const;
/** Profiles the guided flow checks at every step, those enabled (quality is the correctness budget). */
export const GUIDED_PROFILES = ['idle', 'interactive', 'quality'] as const satisfies readonly ProfileName[];

export interface FlowArgs {
  flow?: string;
  tune?: string;
  profiles?: string[];
  dryRun: boolean;
  passthrough: string[];
}

/** Rejects what a flow cannot honour, every problem at once; returns what to run. Exit 2 (ConfigError) on bad input. */
export function checkFlowArgs(args: FlowArgs, config: BenchConfig, configFile: string): { kind: 'tune'; profile: ProfileName } | { kind: 'guided' } {
  const problems: ConfigProblem[] = [];
  const bad = (flag: string, message: string, source: ConfigProblem['source'] = 'command line') => void problems.push({ path: flag, message, source });
  if (args.flow !== undefined && args.tune !== undefined) bad('--tune', 'expected either --tune or --flow, got both');
  const flag = args.tune !== undefined ? '--tune' : '--flow';
  if (args.profiles) bad('--profile', `${flag} chooses its profiles itself; expected no --profile`);
  if (args.dryRun) bad('--dry-run', `expected --dry-run without ${flag} (the dry run lists every cell; ${flag} measures)`);
  if (args.passthrough.length > 0) bad(flag, `${flag} chooses the cells itself; expected no Vitest options, got ${args.passthrough.join(' ')}`);
  let what: ReturnType<typeof checkFlowArgs> | null = null;
  if (args.tune !== undefined) {
    const tunable = PROFILE_NAMES.filter((p) => p !== 'stress');
    if (!(tunable as string[]).includes(args.tune)) {
      const why = args.tune === 'stress' ? ' (stress soaks one cell; it is not a search)' : '';
      bad('--tune', `got "${args.tune}"${why}, expected one of: ${tunable.join(', ')}`);
    } else if (!config.profiles[args.tune as ProfileName].enabled) {
      bad('--tune', `profile ${args.tune} is disabled (profiles.${args.tune}.enabled: false)`);
    } else what = { kind: 'tune', profile: args.tune as ProfileName };
  } else if (!(FLOWS as readonly string[]).includes(args.flow ?? '')) {
    bad('--flow', `got "${args.flow ?? ''}", expected one of: ${FLOWS.join(', ')}`);
  } else if (!GUIDED_PROFILES.some((p) => config.profiles[p].enabled)) {
    bad('profiles', `the guided flow needs one of ${GUIDED_PROFILES.join(', ')} enabled`, 'config');
  } else what = { kind: 'guided' };
  if (problems.length > 0 || !what) throw new ConfigError(configFile, problems);
  return what;
}

export interface FlowRunOptions {
  configFile: string;
  config: BenchConfig;
  resume?: string;
  baseline?: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Runs the tune search or the guided flow; resolves to the exit code (0 found, 1 nothing passes, 130 interrupted). */
export async function runFlow(what: ReturnType<typeof checkFlowArgs>, options: FlowRunOptions): Promise<number> {
  const runId = options.resume || process.env.BENCH_RUN_ID || newRunId();
  stderrProgress(`${options.resume ? 'resuming run' : 'run'} ${runId}: config ${options.configFile}`);
  const plan = await preparePlan({ configFile: options.configFile, runId });
  const driver = new FlowDriver({ plan, log: (l) => say(`[flow] ${l}`), env: options.baseline ? { BENCH_BASELINE: options.baseline } : {} });
  const cells = flowCells(plan.cells, heldKnobs(plan.config.matrix));
  if (cells.length === 0) throw new ConfigError(options.configFile, [{ path: 'matrix', message: 'no runnable cell (quick mode keeps no quantization of the matrix)' }]);
  const held = Object.entries(heldKnobs(plan.config.matrix)).filter(([k]) => ((plan.config.matrix as Record<string, unknown[] | undefined>)[k]?.length ?? 0) > 1);
  if (held.length > 0) say(`[flow] knob axes held at their first value: ${held.map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
  try {
    return what.kind === 'tune' ? await tune(driver, cells, what.profile) : await guided(driver, cells);
  } catch (e) {
    if (e instanceof FlowInterrupted) {
      say(`[flow] ${e.message}; continue with: npm run bench -- ${what.kind === 'tune' ? `--tune ${what.profile}` : '--flow guided'} --resume ${plan.runId}`);
      return 130;
    }
    throw e;
  }
}

async function tune(driver: FlowDriver, cells: PlannedCell[], profile: ProfileName): Promise<number> {
  const { plan } = driver;
  const space = tuneSpace(cells, profile);
  say(`[tune] ${profile}: the cheapest cell meeting every ${profile} budget (fewest threads, then lowest priority, smallest context, smallest model file)`);
  for (const a of space.axes) {
    const assumption = a.values.length < 2 ? '' : a.direction === 'up' ? ' (assumed: a dearer value never fails where a cheaper one passes)' : ' (assumed: a dearer value never passes where a cheaper one fails)';
    say(`[tune]   ${a.name}: ${a.values.join(' < ')}${assumption}`);
  }
  const result = await tuneSearch(
    space,
    async (cell) => {
      const j = (await driver.evaluate([cell], [profile])).get(cell.cell.id)!;
      say(`[tune] ${cell.cell.id}: ${j.pass ? 'passes' : 'fails'} — ${j.reason}`);
      return j;
    },
    (step: TuneStep) => say(`[tune] ${step.axis} → ${step.value ?? 'none'}: ${step.reason}`),
  );
  await driver.scoreboard();
  const n = result.evaluations.length;
  const m = plan.cells.length;
  for (const v of result.violations) say(`[tune] warning: monotonicity did not hold, the result may not be the cheapest: ${v}`);
  if (result.found) say(`[tune] found: ${result.found.id} (${result.found.judgement.reason})`);
  else say(`[tune] no cell passes every ${profile} budget${result.closest ? `; closest: ${result.closest.id} (${result.closest.judgement.reason})` : ''}`);
  say(`[tune] evaluated ${n} of ${m} cells${result.total < m ? ` (searched ${result.total}: knob axes held, or quick mode)` : ''}; ${driver.vitestRuns} Vitest run(s); results in ${plan.runDir}`);
  writeFileAtomic(
    path.join(plan.runDir, 'tune.json'),
    `${JSON.stringify(
      {
        kind: 'tune',
        runId: plan.runId,
        profile,
        axes: space.axes,
        steps: result.steps,
        evaluations: result.evaluations.map((e) => ({ cell: e.id, pass: e.judgement.pass, reason: e.judgement.reason })),
        found: result.found ? { cell: result.found.id, reason: result.found.judgement.reason } : null,
        closest: result.closest ? { cell: result.closest.id, reason: result.closest.judgement.reason } : null,
        violations: result.violations,
        evaluated: n,
        matrixCells: m,
      },
      null,
      2,
    )}\n`,
  );
  return result.found ? 0 : 1;
}

async function guided(driver: FlowDriver, cells: PlannedCell[]): Promise<number> {
  const { plan } = driver;
  const profiles = GUIDED_PROFILES.filter((p) => plan.config.profiles[p].enabled);
  const stressOn = plan.config.profiles.stress.enabled;
  let soaked = false;
  say(`[flow] guided: baseline → quant sweep → context sweep → threads and priority sweep → pick → soak; each step checks ${profiles.join(' + ')}`);
  const result = await guidedFlow(cells, (c, p) => driver.evaluate(c, p as ProfileName[]), {
    profiles,
    first: { ctx: ctxAxis(plan.config)[0]!, priority: plan.config.matrix.priority[0]! },
    onStep: (s: FlowStep) => {
      say(`[flow] ${s.name}: ${s.decision}`);
      for (const c of s.cells) say(`[flow]     ${c.pass ? 'pass' : 'FAIL'}  ${c.id}${c.pass ? '' : ` — ${c.reason}`}`);
    },
    soak: stressOn
      ? async (pick) => {
          // The soak is the last Vitest run: it covers every evaluated cell (reused), so the scoreboard shows them all.
          soaked = true;
          const env = { BENCH_STRESS_CELL: pick.cell.id };
          await driver.scoreboard(['stress'], env);
          return driver.judge(pick, ['stress']);
        }
      : null,
  });
  if (!soaked) await driver.scoreboard();
  const n = driver.evaluated.size;
  say(
    result.pick
      ? `[flow] pick: ${result.pick}${result.soak ? (result.soak.pass === null ? ` (not soaked: ${result.soak.reason})` : result.soak.pass ? ', soak passed' : `, soak FAILED: ${result.soak.reason}`) : ' (not soaked: profiles.stress.enabled is false)'}`
      : `[flow] stopped at the ${result.stoppedAt}: no cell passed${result.closest ? `; closest: ${result.closest.id} (${result.closest.reason})` : ''}`,
  );
  say(`[flow] evaluated ${n} of ${plan.cells.length} cells; ${driver.vitestRuns} Vitest run(s); flow.json and the scoreboard in ${plan.runDir}`);
  writeFileAtomic(
    path.join(plan.runDir, 'flow.json'),
    `${JSON.stringify({ kind: 'guided', runId: plan.runId, profiles, ...result, evaluated: n, matrixCells: plan.cells.length }, null, 2)}\n`,
  );
  return result.pick && result.soak?.pass !== false ? 0 : 1;
}
