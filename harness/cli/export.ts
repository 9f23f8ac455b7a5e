#!/usr/bin/env node
// `npm run export -- --run <id> [--use-case NAME | --cell ID] [--no-model] [--output-dir DIR] [--port N]`
// A finished run's recommended cell (or the one named) as a bundle directory and a .tar.gz: model, manifest.json,
// the llama-server command, registry entry, run summary, systemd units and SHA256SUMS. The command line is checked
// whole first: bad input exits 2 naming the flag, and nothing is created before it is valid.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/errors.ts';
import { DEFAULT_PORT, exportBundle } from '../deploy/export.ts';
import { DEFAULT_USE_CASE, readRunFiles, USE_CASE_IDS, chooseCell } from '../deploy/run-files.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { finishedRuns, runDirFor, runsDir } from './run-dir.ts';
import { portProblem } from './port.ts';
import { runCommand, type CommandLine } from './run-cli.ts';

const FLAGS = {
  run: { type: 'string', value: 'RUN-ID' },
  'use-case': { type: 'string', value: 'NAME' },
  cell: { type: 'string', value: 'CELL-ID' },
  'no-model': { type: 'boolean' },
  'output-dir': { type: 'string', value: 'DIR' },
  port: { type: 'string', value: 'PORT' },
  config: { type: 'string', value: 'FILE' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

const HELP = `usage: npm run export -- [--run RUN-ID] [--use-case NAME | --cell CELL-ID] [--no-model] [--output-dir DIR] [--port PORT]

  --run ID          the run to export from (default: the latest run with a scoreboard.json)
  --use-case NAME   whose recommended cell to export: ${USE_CASE_IDS.join(', ')} (default ${DEFAULT_USE_CASE})
  --cell ID         export this cell instead (any cell the run measured, e.g. "tiny Q4_K_M t1 c1024 nice10")
  --no-model        leave the model file out: the manifest names it (hub reference or local path) with its SHA-256
  --output-dir DIR  where the bundle and its .tar.gz go (default: <output.dir>/bundles)
  --port PORT       the port the systemd unit serves on, on 127.0.0.1 (default ${DEFAULT_PORT})
  --config FILE     the config whose output.dir holds the runs (default: $BENCH_CONFIG, else ./bench.config.yaml)

Exit codes: 0 exported, 2 bad input (command line, config, unknown run, no recommended cell), 3 crash.`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main({ values: v, problems }: CommandLine<typeof FLAGS>): Promise<number> {
  if (v['use-case'] !== undefined && !USE_CASE_IDS.includes(v['use-case'])) problems.push(cl('--use-case', `got "${v['use-case']}", expected one of: ${USE_CASE_IDS.join(', ')}`));
  if (v['use-case'] !== undefined && v.cell !== undefined) problems.push(cl('--cell', 'names the cell itself; expected --use-case or --cell, not both'));
  const port = v.port === undefined ? DEFAULT_PORT : Number(v.port);
  if (v.port !== undefined) {
    const why = portProblem(v.port, false);
    if (why) problems.push(cl('--port', why));
  }
  const runs = runsDir(v.config, problems);
  let runDir: string | null = null;
  if (!problems.some((p) => p.source !== 'command line')) {
    if (v.run !== undefined) runDir = runDirFor('--run', v.run, runs.dir, problems);
    else {
      const latest = finishedRuns(runs.dir).at(-1);
      if (latest) runDir = path.join(runs.dir, latest);
      else problems.push(cl('--run', `no run with a scoreboard.json under ${runs.dir}; run npm run bench first`));
    }
  }
  let run = null;
  if (problems.length === 0 && runDir) {
    try {
      run = readRunFiles(runDir);
      chooseCell(run, v['use-case'] ?? DEFAULT_USE_CASE, v.cell ?? null);
    } catch (e) {
      problems.push(cl(v.cell !== undefined ? '--cell' : v['use-case'] !== undefined ? '--use-case' : '--run', (e as Error).message));
    }
  }
  if (problems.length > 0 || !run) throw new ConfigError(runs.configFile, problems);

  const outDir = path.resolve(v['output-dir'] ?? path.join(runs.dir, 'bundles'));
  const got = await exportBundle(run, {
    useCase: v['use-case'] ?? DEFAULT_USE_CASE,
    cellId: v.cell ?? null,
    noModel: v['no-model'] ?? false,
    outDir,
    port,
    nodePath: process.execPath,
    repoRoot: ROOT,
  });
  const m = got.manifest;
  process.stdout.write(
    [
      `exported ${m.selection === 'chosen' ? 'cell' : `the ${m.selection} cell for ${m.useCase}`}: ${m.cell.id} (run ${m.run.id})`,
      `bundle:  ${got.dir}`,
      `archive: ${got.archive}`,
      `sha256 of SHA256SUMS: ${got.hash}`,
      `next:    npm run deploy -- ${got.archive} --target <dir>`,
      '',
    ].join('\n'),
  );
  return 0;
}

runCommand('export', { flags: FLAGS, help: HELP }, main);
