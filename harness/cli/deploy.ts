#!/usr/bin/env node
// `npm run deploy -- <bundle> --target DIR [--dry-run]`, `--target DIR --rollback`, `--target DIR --history`
// Verifies every checksum of an exported bundle (.tar.gz or directory), unpacks it into <target>/deployments/<id>,
// starts its llama-server on a free loopback port, load-tests it (interactive, quick) against its own budgets and
// only then switches <target>/current to it. The command line is checked whole first: bad input exits 2 naming the
// flag, and nothing is created before it is valid.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/errors.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { deploy, rollback, type Outcome } from '../deploy/deploy.ts';
import { currentDeployment, readHistory } from '../deploy/history.ts';
import { killAllServers } from '../llama/guard.ts';
import { resolveLlama } from '../llama/resolve.ts';
import { LockTimeoutError } from '../llama/lock.ts';
import { ToolchainError } from '../llama/toolchain.ts';
import { defaultModelDir } from '../models/hub-models.ts';
import { stderrProgress } from '../progress.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { runCommand, type CommandLine } from './run-cli.ts';

const FLAGS = {
  target: { type: 'string', value: 'DIR' },
  'dry-run': { type: 'boolean' },
  rollback: { type: 'boolean' },
  history: { type: 'boolean' },
  config: { type: 'string', value: 'FILE' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

const HELP = `usage: npm run deploy -- BUNDLE --target DIR [--dry-run]
       npm run deploy -- --target DIR --rollback
       npm run deploy -- --target DIR --history

  BUNDLE        a bundle from npm run export: its .tar.gz or its directory
  --target DIR  where deployments live: DIR/deployments/<id>, DIR/current (a symlink), DIR/deployment_history,
                DIR/systemd (units for DIR/current), DIR/loadtest/<id> (each load test's config, log and results)
  --dry-run     every check and the load test, but switch nothing (the unpacked copy is removed again)
  --rollback    point DIR/current back at the previous passing deployment
  --history     list every attempt (deploys, dry runs, rollbacks) with its verdict
  --config FILE for llama.server_path and the load timeouts (default: $BENCH_CONFIG, else ./bench.config.yaml if present)

Exit codes: 0 deployed (or the dry run passed, or rolled back), 1 load test failed or errored / nothing to roll back
to (current unchanged), 2 bad input (command line, a bundle that fails its checks: the file is named), 3 crash.`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `<target>/current` must be absent or the symlink deploy switches; anything else is the user's to move away. */
function currentProblem(target: string): string | null {
  try {
    currentDeployment(path.resolve(target));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function printHistory(target: string): number {
  const { records, unreadable } = readHistory(target);
  const current = currentDeployment(target);
  if (records.length === 0) process.stdout.write(`no deployment history under ${target}\n`);
  else {
    console.table(
      records.map((r) => ({
        id: r.id,
        action: r.dryRun ? 'dry-run' : r.action,
        verdict: r.verdict,
        switched: r.switched,
        current: r.switched && r.current === current ? '← current' : '',
        bundle: r.bundle?.name ?? '',
        by: r.by,
        reason: (r.reason ?? '').slice(0, 100),
      })),
    );
  }
  for (const name of unreadable) process.stdout.write(`unreadable history record: ${name}\n`);
  process.stdout.write(`current: ${current ?? 'none'}\n`);
  return 0;
}

async function main({ values: v, positionals, problems }: CommandLine<typeof FLAGS>): Promise<number> {
  const bundle = positionals[0];
  const modes = [bundle !== undefined, v.rollback === true, v.history === true].filter(Boolean).length;
  if (v.target === undefined) problems.push(cl('--target', 'missing; expected the directory deployments live in, e.g. --target ~/.local/share/llm-budget-bench'));
  if (modes === 0) problems.push(cl('BUNDLE', 'missing; expected a bundle (.tar.gz or directory from npm run export), or --rollback, or --history'));
  if (modes > 1) problems.push(cl(v.rollback ? '--rollback' : '--history', 'expected one of BUNDLE, --rollback, --history'));
  if (v['dry-run'] && bundle === undefined) problems.push(cl('--dry-run', 'applies to a deploy of a BUNDLE'));
  if (bundle !== undefined) {
    if (!existsSync(bundle)) problems.push(cl(bundle, 'does not exist; expected a bundle .tar.gz or directory from npm run export'));
    else if (!statSync(bundle).isDirectory() && !/\.(tar\.gz|tgz)$/.test(bundle)) problems.push(cl(bundle, 'is neither a directory nor a .tar.gz; expected a bundle from npm run export'));
  }
  if (v.target !== undefined && existsSync(v.target) && !statSync(v.target).isDirectory()) problems.push(cl('--target', `${v.target} exists and is not a directory`));
  if (v.target !== undefined && currentProblem(v.target)) problems.push(cl('--target', currentProblem(v.target)!));
  if (v.target !== undefined && (v.rollback || v.history) && !existsSync(v.target)) problems.push(cl('--target', `${v.target} does not exist: nothing was deployed there`));
  const configFile = configPathFromEnv(v.config);
  let config = null;
  if (v.config !== undefined || existsSync(configFile)) {
    try {
      config = loadConfig(configFile).config;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(configFile, problems);
  const target = path.resolve(v.target!);
  if (v.history) return printHistory(target);

  const modelCacheDir = config?.model_dir ?? defaultModelDir();
  const llama = await resolveLlama(config?.llama.server_path ?? null, stderrProgress);
  const common = { target, serverPath: llama.serverPath, repoRoot: ROOT, nodePath: process.execPath, modelCacheDir };
  let outcome: Outcome;
  if (v.rollback) outcome = await rollback(common, stderrProgress);
  else {
    let stopLoadTest: (() => void) | null = null;
    let interrupted: NodeJS.Signals | null = null;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (interrupted) {
          killAllServers();
          process.exit(130);
        }
        interrupted = signal;
        process.stderr.write(`\n${signal}: stopping the load test; nothing is switched\n`);
        stopLoadTest?.();
      });
    }
    outcome = await deploy({
      ...common,
      bundle: path.resolve(bundle!),
      dryRun: v['dry-run'] ?? false,
      loadTimeoutMs: (config?.llama.load_timeout_s ?? 300) * 1000,
      stopGraceMs: (config?.llama.stop_grace_s ?? 5) * 1000,
      echo: (chunk) => process.stderr.write(chunk.endsWith('\n') ? chunk : `${chunk}\n`),
      onChild: (kill) => (stopLoadTest = kill),
    });
    if (interrupted) {
      process.stderr.write(`deploy ${outcome.record.id} interrupted by ${interrupted}: ${outcome.record.switched ? 'it had already switched' : 'current unchanged'}\n`);
      return 130;
    }
  }
  const r = outcome.record;
  const lines = [
    `${r.action} ${r.id}${r.dryRun ? ' (dry run)' : ''}: ${r.verdict}${r.reason ? `: ${r.reason}` : ''}`,
    r.switched ? `current → deployments/${r.current} (was ${r.previous ?? 'none'})` : `current unchanged (${r.current ?? 'none'})`,
    ...(r.loadTest ? [`load test results: ${r.loadTest.resultsDir}`] : []),
    ...(r.switched ? [`run it: npm run serve -- --bundle ${path.join(target, 'current')}   (or the systemd unit: ${path.join(target, 'systemd', 'INSTALL.txt')})`] : []),
    `history: ${path.join(target, 'deployment_history', `${r.id}.json`)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return outcome.exitCode;
}

runCommand('deploy', { flags: FLAGS, help: HELP, positionals: { max: 1, what: 'bundle' }, errors: { badInput: [ToolchainError], failure: { type: LockTimeoutError, prefix: 'deploy' } } }, main);
