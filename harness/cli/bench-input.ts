// Everything `npm run bench` is given, validated before anything is prepared: the command line, the environment
// variables it reads, the config and the data the selected profiles read. Every problem is collected into one
// ConfigError (exit 2). Nothing is created, built, generated, downloaded, measured or started here.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { budgetTitle } from '../budgets/budget.ts';
import { PROFILE_NAMES, type ProfileName } from '../budgets/catalogue.ts';
import { executableProblem } from '../config/checks.ts';
import { refusedEnvVar } from '../config/extra-args.ts';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import { configPathFromEnv, loadConfig, type LoadedConfig } from '../config/load.ts';
import type { Machine } from '../config/machine.ts';
import { closest } from '../config/suggest.ts';
import { GUIDED_PROFILES, checkFlowArgs } from '../flow/command.ts';
import { expandMatrix } from '../matrix/cells.ts';
import { selectedByPattern } from '../matrix/checkpoint.ts';
import { outputDir } from '../plan.ts';
import { checkProfileData } from '../profiles/data-files.ts';
import { isRunId, runIdProblem } from '../run-id.ts';
import { isRemoteTarget, type TargetOverride } from '../config/target-schema.ts';
import { checkTargetLive } from '../server/prepare.ts';
import { commandLineProblem as cl, parseCommandLine, type FlagSpecs } from './args.ts';
import { SHARD_VAR, inShard, isShard, parseShard, type Shard } from '../shard/shard.ts';
import type { PlannerMode } from '../config/mode-override.ts';
import { REPEAT_VAR, parseRepeat } from '../matrix/repeat.ts';

export const BENCH_FLAGS = {
  config: { type: 'string', value: 'FILE' },
  profile: { type: 'string', multiple: true, value: 'NAME[,NAME]' },
  baseline: { type: 'string', value: 'RUN-ID' },
  resume: { type: 'string', value: 'RUN-ID' },
  'dry-run': { type: 'boolean' },
  tune: { type: 'string', value: 'PROFILE' },
  flow: { type: 'string', value: 'guided' },
  // A server started elsewhere (target.kind remote-llama unless the config names remote-openai).
  url: { type: 'string', value: 'URL' },
  pid: { type: 'string', value: 'PID' },
  // Cell-level sharding (harness/shard): this run measures only the cells whose id hashes to shard i of n.
  shard: { type: 'string', value: 'INDEX/COUNT' },
  // planner.mode for this run (harness/config/mode-override.ts).
  quick: { type: 'boolean' },
  full: { type: 'boolean' },
  // Measure each selected cell N times and aggregate its figures (harness/matrix/repeat.ts).
  repeat: { type: 'string', value: 'N' },
  help: { type: 'boolean', short: 'h' },
  // Vitest's own options that make sense for a benchmark run, passed on as given.
  testNamePattern: { type: 'string', short: 't', value: 'PATTERN' },
  bail: { type: 'string', value: 'N' },
  silent: { type: 'boolean' },
  hideSkippedTests: { type: 'boolean' },
} as const satisfies FlagSpecs;

/** Vitest options a user may reach for, and why `npm run bench` does not pass them on. */
export const VITEST_REFUSED: Record<string, string> = {
  '--project': 'each profile is a Vitest project: choose them with --profile NAME[,NAME]',
  '--ui': 'for Vitest\'s UI over the profiles use npm run bench:ui',
  '--watch': 'a benchmark runs once; there is no watch mode',
  '-w': 'a benchmark runs once; there is no watch mode',
  '--run': 'npm run bench always runs once; drop --run',
  '--reporter': 'the scoreboard reporter writes the results and must run; the default reporters are kept',
  '--outputFile': 'the results are written to the run directory (output.dir)',
  '--coverage': 'coverage of the harness is not what a benchmark measures',
  '--update': 'a benchmark has no snapshots',
  '-u': 'a benchmark has no snapshots',
  '--root': 'the harness runs from its own folder; choose the config with --config FILE',
  '--dir': 'the harness runs from its own folder; choose the config with --config FILE',
  '--testTimeout': 'each profile sets its own timeouts from its settings',
  '--hookTimeout': 'each profile sets its own timeouts from its settings',
};

export interface BenchRequest {
  kind: 'run' | 'dry-run' | 'flow';
  configFile: string;
  loaded: LoadedConfig;
  /** The profiles that will run (selected and enabled). */
  profiles: ProfileName[];
  flow?: ReturnType<typeof checkFlowArgs>;
  resume?: string;
  baseline?: string;
  /** `--url` / `--pid`: handed to the plan and to Vitest as BENCH_TARGET_URL / BENCH_TARGET_PID. */
  target?: TargetOverride;
  /** `--shard i/n` (or BENCH_SHARD): only this shard's cells; handed to the plan and to Vitest as BENCH_SHARD. */
  shard?: Shard;
  /** `--quick` / `--full`: planner.mode for this run; handed to the plan and to Vitest as BENCH_PLANNER_MODE. */
  mode?: PlannerMode;
  /** `--repeat N` (or BENCH_REPEAT): each cell that runs is measured N times; handed to Vitest as BENCH_REPEAT. */
  repeat?: number;
  /** Vitest options, rebuilt from the parsed flags. */
  vitestArgs: string[];
  /** `-t`: its pattern and which cells it keeps (a cell is kept when any of its tests' full names matches). */
  selection?: { pattern: string; keeps: (cellId: string) => boolean };
  warnings: ConfigProblem[];
}

export interface BenchInputOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  machine?: Machine;
}

const envProblem = (name: string, message: string): ConfigProblem => ({ path: name, message, source: 'environment' });

/** The titles of a cell's tests in these profiles: Vitest matches `-t` against "<cell id> <title>". */
function testTitles(loaded: LoadedConfig, profiles: readonly ProfileName[]): string[] {
  return ['runs to completion', ...new Set(profiles.flatMap((p) => loaded.budgets[p].map(budgetTitle)))];
}

/** Validates `npm run bench`'s input; returns what to do, or `{ kind: 'help' }`. Throws one ConfigError with every problem. */
export function validateBenchInput(argv: readonly string[], options: BenchInputOptions = {}): BenchRequest | { kind: 'help' } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const parsed = parseCommandLine(argv, BENCH_FLAGS, {
    refused: VITEST_REFUSED,
    positionalHint: 'choose profiles with --profile NAME and cells with -t PATTERN',
  });
  const v = parsed.values as { [K in keyof typeof BENCH_FLAGS]?: (typeof BENCH_FLAGS)[K]['type'] extends 'boolean' ? boolean : K extends 'profile' ? string[] : string };
  if (v.help) return { kind: 'help' };
  const problems = [...parsed.problems];

  // Environment variables the run reads, each a run id.
  for (const name of ['BENCH_RUN_ID', 'BENCH_RESUME', 'BENCH_BASELINE'] as const) {
    const id = env[name];
    if (id !== undefined && id !== '' && !isRunId(id)) problems.push(envProblem(name, runIdProblem(id)));
  }
  for (const name of Object.keys(env).sort()) {
    const why = env[name] ? refusedEnvVar(name) : null;
    if (why) problems.push(envProblem(name, why));
  }
  let shard: Shard | undefined;
  const shardText = v.shard ?? (env[SHARD_VAR] || undefined);
  if (shardText !== undefined) {
    const parsed = parseShard(shardText);
    if (isShard(parsed)) shard = parsed;
    else problems.push(v.shard !== undefined ? cl('--shard', parsed.problem) : envProblem(SHARD_VAR, parsed.problem));
  }
  if (env.BENCH_OUTPUT_DIR && existsSync(env.BENCH_OUTPUT_DIR) && !statSync(env.BENCH_OUTPUT_DIR).isDirectory()) {
    problems.push(envProblem('BENCH_OUTPUT_DIR', `${env.BENCH_OUTPUT_DIR} is a file; expected the folder for run directories`));
  }

  // Flag values that need no config.
  let selectedProfiles: ProfileName[] | undefined;
  if (v.profile) {
    const names = v.profile.flatMap((p) => p.split(',')).map((p) => p.trim());
    for (const n of names) {
      if (n === '') problems.push(cl('--profile', `got an empty name in "${v.profile.join(',')}", expected NAME[,NAME]`));
      else if (!(PROFILE_NAMES as string[]).includes(n)) {
        const near = closest(n, PROFILE_NAMES);
        problems.push(cl('--profile', `got "${n}"${near ? ` (did you mean ${near}?)` : ''}, expected one of: ${PROFILE_NAMES.join(', ')}`));
      }
    }
    selectedProfiles = [...new Set(names.filter((n): n is ProfileName => (PROFILE_NAMES as string[]).includes(n)))];
  }
  const resume = v.resume ?? (env.BENCH_RESUME || undefined);
  const resumeFrom = v.resume !== undefined ? '--resume' : 'BENCH_RESUME';
  const baseline = v.baseline ?? (env.BENCH_BASELINE || undefined);
  const baselineFrom = v.baseline !== undefined ? '--baseline' : 'BENCH_BASELINE';
  if (v.resume !== undefined && !isRunId(v.resume)) problems.push(cl('--resume', runIdProblem(v.resume)));
  if (v.baseline !== undefined && !isRunId(v.baseline)) problems.push(cl('--baseline', runIdProblem(v.baseline)));
  if (resume && env.BENCH_RUN_ID && env.BENCH_RUN_ID !== resume) {
    problems.push(cl(resumeFrom, `got ${resume}, but BENCH_RUN_ID=${env.BENCH_RUN_ID} names another run; unset one of them`));
  }
  let targetPid: number | undefined;
  if (v.pid !== undefined) {
    if (/^[1-9]\d{0,6}$/.test(v.pid)) targetPid = Number(v.pid);
    else problems.push(cl('--pid', `got "${v.pid}", expected the process id of the server at --url (a whole number ≥ 1)`));
  }
  if (v.pid !== undefined && v.url === undefined && !env.BENCH_TARGET_URL) {
    problems.push(cl('--pid', 'names the process of a server started elsewhere; expected --url with it (or a remote target in the config)'));
  }
  const targetOverride = v.url !== undefined || targetPid !== undefined ? { ...(v.url !== undefined ? { url: v.url } : {}), ...(targetPid !== undefined ? { pid: targetPid } : {}) } : undefined;
  let mode: PlannerMode | undefined;
  if (v.quick && v.full) problems.push(cl('--quick --full', 'both set planner.mode; expected one of them'));
  else if (v.quick || v.full) mode = v.quick ? 'quick' : 'full';
  let repeat: number | undefined;
  const repeatText = v.repeat ?? (env[REPEAT_VAR] || undefined);
  if (repeatText !== undefined) {
    const r = parseRepeat(repeatText);
    if (typeof r === 'number') repeat = r;
    else problems.push(v.repeat !== undefined ? cl('--repeat', r.problem) : envProblem(REPEAT_VAR, r.problem));
  }
  if (v.bail !== undefined && !/^[1-9]\d{0,8}$/.test(v.bail)) problems.push(cl('--bail', `got "${v.bail}", expected a whole number of failed tests ≥ 1`));
  let pattern: RegExp | undefined;
  if (v.testNamePattern !== undefined) {
    try {
      pattern = new RegExp(v.testNamePattern);
    } catch (e) {
      problems.push(cl('-t', `got "${v.testNamePattern}", not a valid regular expression: ${(e as Error).message}`));
    }
  }

  // The config, unless --config itself was malformed (then which file was meant is unknown).
  const configFile = configPathFromEnv(v.config, env, cwd);
  let loaded: LoadedConfig | undefined;
  if (!problems.some((p) => p.path === '--config')) {
    try {
      loaded = loadConfig(configFile, { env, ...(options.machine ? { machine: options.machine } : {}), ...(targetOverride ? { target: targetOverride } : {}), ...(mode ? { mode } : {}) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (!loaded) throw new ConfigError(configFile, problems);
  const { config } = loaded;

  const vitestArgs = [
    ...(v.testNamePattern !== undefined ? ['-t', v.testNamePattern] : []),
    ...(v.bail !== undefined ? ['--bail', v.bail] : []),
    ...(v.silent ? ['--silent'] : []),
    ...(v.hideSkippedTests ? ['--hideSkippedTests'] : []),
  ];
  let kind: BenchRequest['kind'] = v['dry-run'] ? 'dry-run' : 'run';
  let profiles: ProfileName[];
  let flow: BenchRequest['flow'];
  if (v.flow !== undefined || v.tune !== undefined) {
    kind = 'flow';
    if (repeat !== undefined) problems.push(cl(v.repeat !== undefined ? '--repeat' : REPEAT_VAR, `measures the cells a run selects N times; ${v.tune !== undefined ? '--tune' : '--flow'} chooses its cells step by step, so it cannot repeat them (drop one of them)`));
    if (shardText !== undefined) problems.push(cl(v.shard !== undefined ? '--shard' : SHARD_VAR, `splits the matrix between machines; ${v.tune !== undefined ? '--tune' : '--flow'} walks it step by step in one run, so it cannot be sharded (drop one of them)`));
    if (isRemoteTarget(config.target)) {
      // Both search the axes of a launched llama-server (quantization, threads, context, priority).
      problems.push(cl(v.tune !== undefined ? '--tune' : '--flow', `searches the matrix of a llama-server launched here; the ${config.target.kind} target at ${config.target.url} was started elsewhere with its own settings, so there is nothing to search (run the profiles with npm run bench -- --profile NAME)`));
    }
    try {
      flow = checkFlowArgs({ flow: v.flow, tune: v.tune, profiles: v.profile, dryRun: v['dry-run'] ?? false, passthrough: vitestArgs }, config, configFile);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
    profiles = !flow ? [] : flow.kind === 'tune' ? [flow.profile] : [...GUIDED_PROFILES.filter((p) => config.profiles[p].enabled), ...(config.profiles.stress.enabled ? (['stress'] as const) : [])];
  } else {
    profiles = (selectedProfiles ?? PROFILE_NAMES).filter((p) => config.profiles[p].enabled);
    if (profiles.length === 0 && (selectedProfiles?.length ?? 1) > 0) {
      problems.push(
        selectedProfiles
          ? cl('--profile', `selects only disabled profiles (${selectedProfiles.map((p) => `profiles.${p}.enabled: false`).join(', ')})`)
          : { ...loaded.where(['profiles']), message: 'every profile is disabled (enabled: false); expected at least one enabled' },
      );
    }
  }

  // Runs named by id must exist under the output directory.
  const out = outputDir(config, configFile, env);
  if (resume && isRunId(resume) && !existsSync(path.join(out, resume, 'plan.json'))) {
    problems.push(cl(resumeFrom, `no run ${resume} to resume: ${path.join(out, resume, 'plan.json')} does not exist`));
  }
  if (baseline && isRunId(baseline) && !existsSync(path.join(out, baseline, 'scoreboard.json'))) {
    problems.push(cl(baselineFrom, `no run ${baseline} with a scoreboard.json under ${out}`));
  }

  // -t must keep at least one cell, for the dry run too.
  let selection: BenchRequest['selection'];
  const ids = kind !== 'flow' && (pattern || shard) ? expandMatrix(config).map((c) => c.id) : [];
  if (shard && kind !== 'flow' && !ids.some((id) => inShard(id, shard))) {
    // Not an error: in CI every shard job runs, and an empty one must still leave a (cell-less) scoreboard to merge.
    loaded.warnings.push({ path: '--shard', source: 'command line', message: `shard ${shard.index}/${shard.count} holds none of the matrix's ${ids.length} cell(s): it measures nothing` });
  }
  // The dry run says what kept its cells: "-t <pattern>" and/or the shard.
  const shardWords = shard ? `--shard ${shard.index}/${shard.count}` : '';
  if (shard && kind !== 'flow') selection = { pattern: shardWords, keeps: (id: string) => inShard(id, shard) };
  if (pattern && kind !== 'flow') {
    const titles = testTitles(loaded, profiles);
    const keeps = (id: string) => selectedByPattern(pattern, id, titles);
    if (!ids.some(keeps)) {
      const shown = ids.length > 8 ? `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more` : ids.join(', ');
      problems.push(cl('-t', `"${v.testNamePattern}" matches no cell (nor any test) of the matrix; its cells are: ${shown}`));
    }
    selection = shard ? { pattern: `${v.testNamePattern!} with ${shardWords}`, keeps: (id: string) => keeps(id) && inShard(id, shard) } : { pattern: v.testNamePattern!, keeps };
  }

  if (config.llama.server_path === null && env.LLAMA_SERVER) {
    const why = executableProblem(path.resolve(cwd, env.LLAMA_SERVER));
    if (why) problems.push(envProblem('LLAMA_SERVER', why));
  }
  problems.push(...checkProfileData({ config, configFile, where: loaded.where, profiles }));
  // A server started elsewhere: its API key's variable is set, a given pid is alive and listens on the URL's port.
  problems.push(...checkTargetLive(loaded, env));
  if (problems.length > 0) throw new ConfigError(configFile, problems);
  return {
    kind,
    configFile,
    loaded,
    profiles,
    ...(flow ? { flow } : {}),
    ...(resume ? { resume } : {}),
    ...(baseline ? { baseline } : {}),
    vitestArgs,
    ...(targetOverride ? { target: targetOverride } : {}),
    ...(shard ? { shard } : {}),
    ...(selection ? { selection } : {}),
    ...(mode ? { mode } : {}),
    ...(repeat !== undefined ? { repeat } : {}),
    warnings: loaded.warnings,
  };
}
