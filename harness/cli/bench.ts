#!/usr/bin/env node
// `npm run bench -- [--config file] [--profile NAMES] [-t PATTERN] [--url URL [--pid PID]] …`
// Validates the whole input first (command line, environment, config, the profiles' data files): bad input exits 2
// with every problem at once, before anything is created, built, generated, downloaded, measured or started. Then
// prepares llama-server and the models, runs the profile projects under Vitest and exits with its status.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE_NAMES } from '../budgets/catalogue.ts';
import { ConfigError, EXIT_BAD_INPUT, type ConfigProblem } from '../config/errors.ts';
import { LockTimeoutError } from '../llama/lock.ts';
import { ToolchainError } from '../llama/toolchain.ts';
import { dryRunExitCode, renderDryRun } from '../dry-run/render.ts';
import { DownloadError } from '../models/download-error.ts';
import { newRunId, preparePlan } from '../plan.ts';
import { DiskFullError } from '../paths.ts';
import { stderrProgress } from '../progress.ts';
import { TARGET_PID_VAR, TARGET_URL_VAR } from '../config/target-checks.ts';
import { TargetError } from '../server/errors.ts';
import { isRemoteTarget } from '../config/target-schema.ts';
import { describeTarget } from '../server/target.ts';
import { validateBenchInput } from './bench-input.ts';
import { SHARD_VAR, shardLabel } from '../shard/shard.ts';
import { PLANNER_MODE_VAR } from '../config/mode-override.ts';
import { REPEAT_VAR } from '../matrix/repeat.ts';
// --tune/--flow, --dry-run and --shard load their modules when asked for (below; the launcher's bundle keeps them in
// chunks of their own): a plain run needs 143 of the 188 files these would pull in.

const EXIT_HARNESS_CRASH = 3;
const HELP = `usage: npm run bench -- [--config FILE] [--profile NAME[,NAME]] [-t PATTERN] [--resume RUN-ID] [--dry-run]
                         [--url URL [--pid PID]] [--shard INDEX/COUNT] [--quick | --full] [--repeat N]

  --config FILE    config to run (default: $BENCH_CONFIG, else ./bench.config.yaml)
  --profile NAMES  only these profiles (${PROFILE_NAMES.join(', ')}); default: every enabled profile
  --baseline ID    compare with an earlier run: per-cell changes, regressions beyond the 95 % intervals
  --resume ID      continue run ID in its directory: cells it completed under the same conditions are reused
  --dry-run        list the model files to download (with sizes) and the cells in order with their model file
                   and predicted memory (only those -t keeps); downloads nothing, starts no server
  --tune PROFILE   search for the cheapest cell meeting every budget of PROFILE (bisection, not the whole matrix)
  --flow guided    baseline → quant sweep → context sweep → threads/priority sweep → pick → soak
  --url URL        measure a server started elsewhere instead of launching llama-server (target.kind remote-llama,
                   or the config's remote-openai); loopback only unless target.allow_remote: true
  --pid PID        the process id of the server at --url, sampled for CPU and RSS (without it they are skipped)
  --shard I/N      run only shard I of N: the cells whose id hashes to it (stable when other cells are added); also
                   writes Vitest's blob report; merge the shards' runs with npm run report -- --merge DIR
  --quick          planner.mode quick for this run: only planner.quick_quants (default Q4_K_M, Q5_K_M), the
                   profiles' quick settings; only those model files are generated or downloaded
  --full           planner.mode full for this run: planner.full_quants (default every quantization of the matrix)
  --repeat N       measure each selected cell N times (1-100; pick one cell with -t): mean, median, sd, CV and
                   5-95 % range of every figure in repeat-summary.json; a budget fails if any repetition fails it
  -h, --help       this text

Vitest options passed on:
  -t PATTERN       only cells whose id matches (a regular expression over "<cell id> <test name>"),
                   e.g. -t Q4_K_M or -t '^small'; a pattern that keeps no cell is an error
  --bail N         stop after N failed tests
  --silent         hide the tests' console output
  --hideSkippedTests

Any other option is an error (a typo gets a "did you mean"); the whole command line, the config and the profiles'
data files are checked before anything is built, downloaded or started.

Exit codes: 0 every budget met, 1 a budget failed, 2 bad input (command line, environment, config, model, data file,
toolchain), 3 harness crash.`;

function warn(file: string, warnings: ConfigProblem[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${file}: ${w.path}${w.line ? ` (line ${w.line})` : ''}: ${w.message}\n`);
}

async function main(): Promise<number> {
  const request = validateBenchInput(process.argv.slice(2));
  if (request.kind === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const { configFile, loaded } = request;
  // --quick/--full and --repeat reach the plan and every Vitest process (global setup, workers) as variables.
  if (request.mode) process.env[PLANNER_MODE_VAR] = request.mode;
  if (request.repeat !== undefined) process.env[REPEAT_VAR] = String(request.repeat);
  const startedAt = Date.now();
  warn(configFile, request.warnings);
  // --tune / --flow (harness/flow): several Vitest runs in one run directory, chosen step by step.
  if (request.kind === 'flow') {
    const { runFlow } = await import('../flow/command.ts');
    return runFlow(request.flow!, { configFile, config: loaded.config, ...(request.resume ? { resume: request.resume } : {}), ...(request.baseline ? { baseline: request.baseline } : {}) });
  }
  if (request.kind === 'dry-run' && isRemoteTarget(loaded.config.target)) {
    const { renderRemoteDryRun } = await import('../server/dry-run.ts');
    process.stdout.write(`${renderRemoteDryRun(loaded, request.profiles, request.selection?.keeps).join('\n')}\n`);
    return 0;
  }
  if (request.kind === 'dry-run') {
    const { prepareDryRun } = await import('../dry-run/prepare.ts');
    const report = await prepareDryRun(loaded, request.selection ? { selection: request.selection } : {});
    process.stdout.write(`${renderDryRun(report).join('\n')}\n`);
    for (const d of report.downloads.filter((x) => x.error)) process.stderr.write(`cannot download model "${d.model}" ${d.quant}: ${d.error}\n`);
    return dryRunExitCode(report);
  }
  // --url / --pid reach the plan (here and in Vitest's global setup) as the variables loadConfig reads.
  const targetEnv = {
    ...(request.target?.url !== undefined ? { [TARGET_URL_VAR]: request.target.url } : {}),
    ...(request.target?.pid !== undefined ? { [TARGET_PID_VAR]: String(request.target.pid) } : {}),
    // The plan (here and in Vitest's global setup) keeps only this shard's cells.
    ...(request.shard ? { [SHARD_VAR]: shardLabel(request.shard) } : {}),
  };
  Object.assign(process.env, targetEnv);
  const runId = request.resume || process.env.BENCH_RUN_ID || newRunId();
  stderrProgress(`${request.resume ? 'resuming run' : 'run'} ${runId}: config ${configFile}`);
  const plan = await preparePlan({ configFile, runId, profiles: request.profiles });
  const { profiles } = request;
  const server = plan.target && plan.target.kind !== 'local-llama' ? `${describeTarget(plan.target)} (${plan.target.facts?.name ?? 'server'} ${plan.target.facts?.reported ?? 'unreported'})` : `llama-server ${plan.llama.version} (${plan.llama.commit}) from ${plan.llama.source}`;
  stderrProgress(`${server}; ${plan.cells.length} cell(s) × ${profiles.length} profile(s): ${profiles.join(', ')}`);
  if (plan.shard) stderrProgress(`shard ${shardLabel(plan.shard)}: ${plan.cells.length} of the matrix's ${plan.shard.cellsTotal} cell(s)`);
  if (plan.shard && plan.cells.length === 0) {
    // Vitest fails a file without tests; an empty shard still leaves a scoreboard for the merge to count.
    const { writeEmptyShardReport } = await import('../shard/run.ts');
    for (const file of writeEmptyShardReport(plan)) stderrProgress(`wrote ${file}`);
    return 0;
  }
  // A shard also writes Vitest's blob report (its own format, for `vitest --merge-reports`); the reporters are
  // named again because a --reporter on the command line replaces the config's list.
  const blob = plan.shard ? path.join(plan.runDir, (await import('../shard/run.ts')).blobFileName(plan.shard)) : null;
  const shardArgs = blob ? ['--reporter=default', '--reporter=./reporters/scoreboard.ts', '--reporter=blob', `--outputFile.blob=${blob}`] : [];

  const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const child = spawn(process.execPath, [vitest, 'run', ...profiles.flatMap((p) => ['--project', p]), ...shardArgs, ...request.vitestArgs], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      BENCH_CONFIG: configFile,
      BENCH_RUN_ID: runId,
      // The progress line's elapsed time and ETA count from here, plan preparation included.
      BENCH_STARTED_AT: String(startedAt),
      ...targetEnv,
      ...(request.baseline ? { BENCH_BASELINE: request.baseline } : {}),
      ...(request.resume ? { BENCH_RESUME: request.resume } : {}),
    },
  });
  // A terminal Ctrl+C reaches Vitest through the process group; a signal sent to this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 2 : EXIT_HARNESS_CRASH)));
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // A full disk or a stuck lock is the machine's state, with the fix in the message: not a harness crash.
    if (e instanceof ConfigError || e instanceof TargetError || e instanceof ToolchainError || e instanceof DownloadError || e instanceof DiskFullError || e instanceof LockTimeoutError) {
      process.stderr.write(`\n${e.message}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    process.stderr.write(`\nllm-budget-bench crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT_HARNESS_CRASH);
  },
);
