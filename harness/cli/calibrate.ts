#!/usr/bin/env node
// `npm run calibrate -- --name rapl_calibrated_<model> [--runs 30] [--config FILE] [-t PATTERN]`
// Runs the interactive profile with RAPL (energy.mode: measured) for `--runs` measured requests on the one cell the
// pattern keeps, fits a per-token coefficient with its interval (harness/energy/calibrate.ts) and saves it under
// `--name` in the config's energy.benchmarks_file (default energy-calibrated.yaml beside the config), where
// `energy: { mode: estimated, estimate: <name>, benchmarks_file: … }` can use it on machines without RAPL.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, EXIT_BAD_INPUT } from '../config/errors.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { energySource } from '../energy/recorder.ts';
import { fitCoefficient, type CalibrationRequest } from '../energy/calibrate.ts';
import { readBenchmarks } from '../energy/benchmarks.ts';
import { writeFileAtomic } from '../paths.ts';
import { newRunId, outputDir } from '../plan.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { commandArgs } from './launcher.ts';
import { runCommand, type CommandLine } from './run-cli.ts';

const FLAGS = {
  name: { type: 'string', value: 'NAME' },
  runs: { type: 'string', value: 'N' },
  config: { type: 'string', value: 'FILE' },
  testNamePattern: { type: 'string', short: 't', value: 'PATTERN' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

const HELP = `usage: npm run calibrate -- --name NAME [--runs N] [--config FILE] [-t PATTERN]

  --name NAME     the coefficient's name, e.g. rapl_calibrated_tiny (letters, digits, ".", "_", "-")
  --runs N        measured requests (default 30, at least 2)
  --config FILE   the config (default: $BENCH_CONFIG, else ./bench.config.yaml); -t must keep exactly one cell
  -t PATTERN      the cell to calibrate on, as for npm run bench

Needs readable RAPL counters. Exit codes: 0 saved, 1 the measurement failed, 2 bad input, 3 crash.`;


function main({ values: v, problems }: CommandLine<typeof FLAGS>): number {
  if (v.name === undefined) problems.push(cl('--name', 'missing; expected a coefficient name such as rapl_calibrated_tiny'));
  else if (!/^[A-Za-z0-9._-]+$/.test(v.name)) problems.push(cl('--name', `got "${v.name}", expected letters, digits, ".", "_" or "-"`));
  const runs = v.runs === undefined ? 30 : Number(v.runs);
  if (!Number.isInteger(runs) || runs < 2 || runs > 10_000) problems.push(cl('--runs', `got "${v.runs}", expected a whole number from 2 to 10000`));
  const configFile = configPathFromEnv(v.config);
  let loaded: ReturnType<typeof loadConfig> | null = null;
  try {
    loaded = loadConfig(configFile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  if (loaded) {
    const source = energySource({ ...loaded.config.energy, mode: 'measured' }, configFile, null);
    if (source.kind !== 'rapl') problems.push({ path: 'energy', source: 'environment', message: `calibration needs measured energy: ${source.kind === 'none' ? source.reason : 'no RAPL'}` });
  }
  if (problems.length > 0 || !loaded) throw new ConfigError(configFile, problems);

  // The same config, with the interactive profile's repetitions and measured energy; beside it, so its relative paths hold.
  const text = parse(readFileSync(configFile, 'utf8')) as Record<string, any>;
  text.profiles ??= {};
  text.profiles.interactive = { ...(text.profiles.interactive ?? {}), repetitions: runs };
  text.energy = { ...(text.energy ?? {}), mode: 'measured' };
  const tmpConfig = path.join(path.dirname(configFile), `.calibrate-${process.pid}.yaml`);
  writeFileSync(tmpConfig, stringify(text));
  const runId = `calibrate-${newRunId()}`;
  let status: number | null;
  try {
    const args = commandArgs('bench', ['--config', tmpConfig, '--profile', 'interactive', ...(v.testNamePattern ? ['-t', v.testNamePattern] : [])]);
    status = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, BENCH_RUN_ID: runId } }).status;
  } finally {
    rmSync(tmpConfig, { force: true });
  }
  if (status === 2) return EXIT_BAD_INPUT;
  const runDir = path.join(outputDir(loaded.config, configFile), runId);
  const cells = existsSync(runDir) ? readdirSync(runDir).filter((d) => existsSync(path.join(runDir, d, 'interactive', 'responses.jsonl'))) : [];
  if (cells.length !== 1) {
    process.stderr.write(`calibration needs exactly one interactive cell; the run ${runId} measured ${cells.length} (use -t to keep one)\n`);
    return cells.length === 0 ? 1 : EXIT_BAD_INPUT;
  }
  const cellDir = path.join(runDir, cells[0]!, 'interactive');
  const summary = JSON.parse(readFileSync(path.join(cellDir, 'summary.json'), 'utf8')) as { measurement: { cell: { id: string }; metrics: Record<string, { value: number | null; status: string; reason?: string }> } };
  const idle = summary.measurement.metrics.idle_power_w;
  if (idle?.status !== 'ok' || idle.value === null) {
    process.stderr.write(`no idle baseline measured (${idle?.reason ?? 'missing'}): calibration needs energy.idle_baseline_s > 0\n`);
    return 1;
  }
  const requests: CalibrationRequest[] = [];
  for (const line of readFileSync(path.join(cellDir, 'responses.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { warmup: boolean; ok: boolean; prompt_tokens: number | null; output_tokens: number; energy?: Record<string, number | null> };
    const e = r.energy;
    if (r.warmup || !r.ok || !e || e.prefill_j == null || e.decode_j == null || e.split_epoch_ms == null || e.end_epoch_ms == null) continue;
    requests.push({
      prefillJ: e.prefill_j,
      decodeJ: e.decode_j,
      prefillS: (e.split_epoch_ms - e.start_epoch_ms!) / 1000,
      decodeS: (e.end_epoch_ms - e.split_epoch_ms) / 1000,
      inputTokens: r.prompt_tokens ?? 0,
      outputTokens: r.output_tokens,
    });
  }
  const { name: _name, ...coefficient } = fitCoefficient({ name: v.name!, requests, idleW: idle.value, what: `${summary.measurement.cell.id}, run ${runId}` });
  const out = path.resolve(path.dirname(configFile), loaded.config.energy.benchmarks_file ?? 'energy-calibrated.yaml');
  const existing = existsSync(out) ? ((parse(readFileSync(out, 'utf8')) as Record<string, unknown> | null) ?? {}) : {};
  writeFileAtomic(out, stringify({ ...existing, [v.name!]: coefficient }));
  readBenchmarks(out); // what was written reads back
  process.stdout.write(
    `saved ${v.name} in ${out}: prefill ${coefficient.prefill_wh_per_1000.toPrecision(3)} Wh / 1000 input tokens, decode ${coefficient.decode_wh_per_1000.toPrecision(3)} Wh / 1000 output tokens` +
      `${coefficient.ci ? ` (${Math.round(coefficient.ci.level * 100)} % CI ${coefficient.ci.low.toPrecision(3)}–${coefficient.ci.high.toPrecision(3)})` : ''}, idle ${coefficient.idle_w.toFixed(2)} W, ${coefficient.runs} requests\n` +
      `use it with energy: { mode: estimated, estimate: ${v.name}${loaded.config.energy.benchmarks_file ? '' : `, benchmarks_file: ${path.basename(out)}`} }\n`,
  );
  return status === 0 || status === 1 ? 0 : 1;
}

runCommand('calibrate', { flags: FLAGS, help: HELP, positionals: { max: 0, what: 'argument' } }, main);
