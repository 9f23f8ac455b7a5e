// The load test of a deploy: the interactive profile in quick mode, through `npm run bench`, against the server the
// deploy started from the bundle (a remote-llama target with its pid, so CPU and RSS are sampled on it), judged by
// the bundle's own budgets. Its exit status is the verdict: 0 every budget met, 1 a budget missed.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_BUDGETS } from '../budgets/defaults.ts';
import { commandArgs } from '../cli/launcher.ts';
import { writeFileAtomic } from '../paths.ts';
import { formatShort } from '../units.ts';
import { configBudgets, type Manifest } from './manifest.ts';

export interface LoadTestInput {
  manifest: Manifest;
  modelPath: string;
  url: string;
  pid: number;
  /** Where the config, the bench output and its results go. */
  dir: string;
  repoRoot: string;
}

export interface LoadTestResult {
  exitCode: number | null;
  verdict: 'pass' | 'fail' | 'error';
  resultsDir: string;
  /** Budgets missed (or errored), as "interactive: decode speed mean 12 tok/s, limit >= 1000000". */
  failed: string[];
  reason: string | null;
}

/** The config of the load test: one remote-llama cell, the interactive profile's quick settings and the bundle's budgets. */
export function loadTestConfig(input: LoadTestInput): Record<string, unknown> {
  const m = input.manifest;
  const bundleBudgets = m.budgets.interactive;
  return {
    models: [{ name: m.model.name, path: input.modelPath, quant: m.model.quant }],
    matrix: { models: [m.model.name], quants: [m.model.quant], threads: [m.server.threads], ctx: [m.server.ctx], priority: [m.server.priority] },
    profiles: {
      interactive: {
        prompts: path.join(input.repoRoot, 'prompts/interactive.jsonl'),
        ...m.loadTest,
        // Without interactive budgets in the bundle (a run without that profile) the profile's defaults judge it.
        ...(bundleBudgets ? { budgets: configBudgets(bundleBudgets, DEFAULT_BUDGETS.interactive) } : {}),
      },
    },
    planner: { mode: 'quick' },
    output: { dir: path.join(input.dir, 'results') },
    target: { kind: 'remote-llama', url: input.url, pid: input.pid },
  };
}

/** The child's environment: this process's, without another run's id or output directory. */
function benchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) if (key.startsWith('BENCH_') || key.startsWith('VITEST') || key === 'NODE_ENV' || key === 'TEST') delete env[key];
  return env;
}

interface Verdictish {
  status: string;
  label: string;
  aggregation?: string;
  value: number | null;
  unit: string;
  op: string;
  limit: number;
  reason?: string;
}

function missed(resultsDir: string): string[] {
  if (!existsSync(resultsDir)) return [];
  const run = readdirSync(resultsDir).find((d) => existsSync(path.join(resultsDir, d, 'scoreboard.json')));
  if (!run) return [];
  const report = JSON.parse(readFileSync(path.join(resultsDir, run, 'scoreboard.json'), 'utf8')) as { cells: { profile: string; state: string; error?: string; verdicts: Verdictish[] }[] };
  return report.cells.flatMap((c) => [
    ...(c.state !== 'completed' ? [`${c.profile}: ${c.state}${c.error ? ` (${c.error.split('\n')[0]})` : ''}`] : []),
    ...c.verdicts
      .filter((v) => v.status === 'fail' || v.status === 'error')
      .map((v) => `${c.profile}: ${v.label}${v.aggregation ? ` ${v.aggregation}` : ''} ${v.value === null ? (v.reason ?? "no value") : formatShort(v.value)} ${v.value === null ? '' : v.unit}, limit ${v.op} ${v.limit} (${v.status})`.replace(/\s+,/, ',')),
  ]);
}

/** Runs the load test; `onChild` gets the bench process so a Ctrl+C can stop it. Output goes to `<dir>/bench.log` and `echo`. */
export async function runLoadTest(input: LoadTestInput, echo: (chunk: string) => void, onChild?: (kill: () => void) => void): Promise<LoadTestResult> {
  const configFile = path.join(input.dir, 'bench.config.yaml');
  writeFileAtomic(configFile, stringify(loadTestConfig(input)));
  const resultsDir = path.join(input.dir, 'results');
  const log = createWriteStream(path.join(input.dir, 'bench.log'));
  const child = spawn(process.execPath, commandArgs('bench', ['--config', configFile, '--profile', 'interactive'], path.join(input.repoRoot, 'harness/cli/launch.mjs')), {
    cwd: input.repoRoot,
    env: benchEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onChild?.(() => child.kill('SIGTERM'));
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d: Buffer) => {
      log.write(d);
      echo(d.toString());
    });
  }
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise((resolve) => log.end(resolve));
  const failed = missed(resultsDir);
  if (exitCode === 0) return { exitCode, verdict: 'pass', resultsDir, failed, reason: null };
  if (exitCode === 1) return { exitCode, verdict: 'fail', resultsDir, failed, reason: `the load test missed ${failed.length || 'a'} budget(s)${failed.length ? `: ${failed.join('; ')}` : ''}` };
  return { exitCode, verdict: 'error', resultsDir, failed, reason: `the load test did not finish (bench exit code ${exitCode}); see ${path.join(input.dir, 'bench.log')}` };
}
