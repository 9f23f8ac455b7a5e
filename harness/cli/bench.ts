#!/usr/bin/env node
// `npm run bench -- [--config file] [vitest options such as -t Q4_K_M]`
// Validates the config and prepares llama-server and the models first, so bad input exits 2 with a clear message
// before any measuring starts; then runs the profile projects under Vitest and exits with its status.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE_NAMES } from '../budgets/catalogue.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { ConfigError, EXIT_BAD_INPUT } from '../config/errors.ts';
import { LockTimeoutError } from '../llama/lock.ts';
import { ToolchainError } from '../llama/toolchain.ts';
import { prepareDryRun } from '../dry-run.ts';
import { dryRunExitCode, renderDryRun } from '../matrix/dry-run.ts';
import { DownloadError } from '../models/hub.ts';
import { checkFlowArgs, runFlow } from '../flow/command.ts';
import { DiskFullError } from '../paths.ts';
import { newRunId, outputDir, preparePlan } from '../plan.ts';
import { resumeRunDir } from '../profiles/resume.ts';
import { stderrProgress } from '../progress.ts';

const EXIT_HARNESS_CRASH = 3;
const HELP = `usage: npm run bench -- [--config FILE] [--profile NAME[,NAME]] [--resume RUN-ID] [vitest options]

  --config FILE    config to run (default: $BENCH_CONFIG, else ./bench.config.yaml)
  --profile NAMES  only these profiles (${PROFILE_NAMES.join(', ')}); default: every enabled profile
  --baseline ID    compare with an earlier run: per-cell changes, regressions beyond the 95 % intervals
  --resume ID      continue run ID in its directory: cells it completed under the same conditions are reused
  --dry-run        list the model files to download (with sizes) and the cells in order with their model file
                   and predicted memory; downloads nothing, starts no server
  -t PATTERN       only cells whose id matches, e.g. -t Q4_K_M or -t '^small'
  --tune PROFILE   search for the cheapest cell meeting every budget of PROFILE (bisection, not the whole matrix)
  --flow guided    baseline → quant sweep → context sweep → threads/priority sweep → pick → soak

Exit codes: 0 every budget met, 1 a budget failed, 2 bad input (config, model, toolchain), 3 harness crash.`;

interface Args {
  config?: string;
  profiles?: string[];
  baseline?: string;
  resume?: string;
  passthrough: string[];
  help: boolean;
  dryRun: boolean;
  flow?: string;
  tune?: string;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { passthrough: [], help: false, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--dry-run') out.dryRun = true;
    else if (a === '--config') out.config = argv[++i];
    else if (a.startsWith('--config=')) out.config = a.slice('--config='.length);
    else if (a === '--profile') out.profiles = argv[++i]?.split(',');
    else if (a.startsWith('--profile=')) out.profiles = a.slice('--profile='.length).split(',');
    else if (a === '--baseline') out.baseline = argv[++i];
    else if (a === '--resume') out.resume = argv[++i] ?? '';
    else if (a.startsWith('--resume=')) out.resume = a.slice('--resume='.length);
    else if (a === '--flow' || a === '--tune') out[a === '--flow' ? 'flow' : 'tune'] = argv[++i] ?? '';
    else if (a.startsWith('--flow=') || a.startsWith('--tune=')) out[a.startsWith('--flow=') ? 'flow' : 'tune'] = a.slice('--flow='.length);
    else out.passthrough.push(a);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const configFile = configPathFromEnv(args.config);
  const loaded = loadConfig(configFile);
  // --tune / --flow (harness/flow): several Vitest runs in one run directory, chosen step by step.
  if (args.flow !== undefined || args.tune !== undefined) {
    const what = checkFlowArgs(args, loaded.config, configFile);
    if (args.resume !== undefined) {
      try {
        resumeRunDir(outputDir(loaded.config, configFile), args.resume);
      } catch (e) {
        throw new ConfigError(configFile, [{ path: '--resume', message: (e as Error).message }]);
      }
    }
    return runFlow(what, { configFile, config: loaded.config, ...(args.resume ? { resume: args.resume } : {}), ...(args.baseline ? { baseline: args.baseline } : {}) });
  }
  const unknown = (args.profiles ?? []).filter((p) => !(PROFILE_NAMES as string[]).includes(p));
  if (unknown.length > 0) throw new ConfigError(configFile, [{ path: '--profile', message: `got ${unknown.join(', ')}, expected one of: ${PROFILE_NAMES.join(', ')}` }]);
  const profiles = (args.profiles ?? PROFILE_NAMES).filter((p) => loaded.config.profiles[p as (typeof PROFILE_NAMES)[number]].enabled);
  if (profiles.length === 0) throw new ConfigError(configFile, [{ path: 'profiles', message: 'every selected profile is disabled (enabled: false)' }]);

  if (args.baseline && !existsSync(path.join(outputDir(loaded.config, configFile), args.baseline, 'scoreboard.json'))) {
    throw new ConfigError(configFile, [{ path: '--baseline', message: `no run ${args.baseline} with a scoreboard.json under ${outputDir(loaded.config, configFile)}` }]);
  }
  if (args.resume !== undefined) {
    try {
      resumeRunDir(outputDir(loaded.config, configFile), args.resume);
    } catch (e) {
      throw new ConfigError(configFile, [{ path: '--resume', message: (e as Error).message }]);
    }
    if (process.env.BENCH_RUN_ID && process.env.BENCH_RUN_ID !== args.resume) {
      throw new ConfigError(configFile, [{ path: '--resume', message: `got ${args.resume}, but BENCH_RUN_ID=${process.env.BENCH_RUN_ID} names another run` }]);
    }
  }
  if (args.dryRun) {
    const report = await prepareDryRun(loaded);
    process.stdout.write(`${renderDryRun(report).join('\n')}\n`);
    for (const d of report.downloads.filter((x) => x.error)) process.stderr.write(`cannot download model "${d.model}" ${d.quant}: ${d.error}\n`);
    return dryRunExitCode(report);
  }
  const runId = args.resume || process.env.BENCH_RUN_ID || newRunId();
  stderrProgress(`${args.resume ? 'resuming run' : 'run'} ${runId}: config ${configFile}`);
  const plan = await preparePlan({ configFile, runId });
  stderrProgress(
    `llama-server ${plan.llama.version} (${plan.llama.commit}) from ${plan.llama.source}; ${plan.cells.length} cell(s) × ${profiles.length} profile(s): ${profiles.join(', ')}`,
  );

  const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const child = spawn(process.execPath, [vitest, 'run', ...profiles.flatMap((p) => ['--project', p]), ...args.passthrough], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BENCH_CONFIG: configFile, BENCH_RUN_ID: runId, ...(args.baseline ? { BENCH_BASELINE: args.baseline } : {}), ...(args.resume ? { BENCH_RESUME: args.resume } : {}) },
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
    if (e instanceof ConfigError || e instanceof ToolchainError || e instanceof DownloadError || e instanceof DiskFullError || e instanceof LockTimeoutError) {
      process.stderr.write(`\n${e.message}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    process.stderr.write(`\nllm-budget-bench crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT_HARNESS_CRASH);
  },
);
