// The modes of `npm run report` that look beyond one run: --merge (the shard runs of one sharded run into one
// scoreboard), --fleet (scoreboards of several hosts side by side) and --history (a cell's figures across runs, from
// the run history database). Their flags are checked with the rest of the command line, before anything is read.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ConfigProblem } from '../config/errors.ts';
import { ConfigError } from '../config/errors.ts';
import { newRunId } from '../plan.ts';
import { mergedExitCode } from '../shard/merge.ts';
import { mergeShardDir } from '../shard/merge-files.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { readFleetInput, writeFleet } from '../fleet/files.ts';
import { fleetTable } from '../fleet/render.ts';
import type { FleetInput } from '../fleet/compare.ts';
import { writeFileAtomic } from '../paths.ts';
import { readHistory, historyFile } from '../history/db.ts';
import { HistoryVersionError } from '../history/schema.ts';
import { backfillHistory } from '../history/files.ts';
import { runCount, trend } from '../history/query.ts';
import { historyCsv, historyHtml, historyTable } from '../history/render.ts';

export const REPORT_MODE_FLAGS = {
  merge: { type: 'string', value: 'DIR' },
  fleet: { type: 'string', multiple: true, value: 'RUN[,RUN]' },
  history: { type: 'boolean' },
  out: { type: 'string', value: 'DIR' },
  testNamePattern: { type: 'string', short: 't', value: 'PATTERN' },
  metric: { type: 'string', multiple: true, value: 'NAME[,NAME]' },
  export: { type: 'string', value: 'csv' },
} as const satisfies FlagSpecs;

export const REPORT_MODES_HELP = `  --merge DIR       merge the shard runs under DIR (npm run bench -- --shard I/N) into one run (scoreboard, CSV,
                    HTML); exits 1 when the merged verdict fails; --out DIR to choose where (default DIR/<id>-merged)
  --fleet RUNS      compare runs of several hosts (run directories or scoreboard.json files, comma-separated or
                    repeated): same cells side by side, each host's recommendation, the portable pick; writes
                    fleet.json and fleet.html to --out DIR (default <output dir>/fleet)
  --history         the trend of cells' figures across runs, from <output dir>/history.sqlite, with drift flags;
                    -t PATTERN (cell ids), --metric NAME[,NAME], --export csv (CSV on stdout), --out DIR for the HTML`;

export type ReportMode = 'merge' | 'fleet' | 'history';

export interface ModeValues {
  merge?: string;
  fleet?: string[];
  history?: boolean;
  out?: string;
  testNamePattern?: string;
  metric?: string[];
  export?: string;
  list?: boolean;
  baseline?: string;
  format?: string;
}


/** Which mode the flags ask for (null: the plain re-render), with their problems added to `problems`. */
export function checkModeFlags(v: ModeValues, ctx: { runArg: string | undefined; problems: ConfigProblem[] }): ReportMode | null {
  const { problems } = ctx;
  const asked = (['merge', 'fleet', 'history'] as const).filter((m) => v[m] !== undefined);
  if (asked.length > 1) problems.push(cl(`--${asked[1]}`, `cannot be combined with --${asked[0]}; expected one of --merge, --fleet, --history`));
  const mode = asked[0] ?? null;
  if (mode !== null) {
    const others = [ctx.runArg !== undefined ? ctx.runArg : '', v.list ? '--list' : '', v.baseline !== undefined ? '--baseline' : '', v.format !== undefined ? '--format' : ''].filter(Boolean);
    for (const o of others) problems.push(cl(o, `not used with --${mode}`));
  }
  if (mode !== 'history') {
    for (const [flag, given] of [['-t', v.testNamePattern], ['--metric', v.metric], ['--export', v.export]] as const) {
      if (given !== undefined) problems.push(cl(flag, 'selects what --history shows; expected --history with it'));
    }
  }
  if (v.out !== undefined && mode === null) problems.push(cl('--out', 'says where --merge, --fleet or --history write; expected one of them with it'));
  if (v.merge !== undefined && (!existsSync(v.merge) || !statSync(v.merge).isDirectory())) problems.push(cl('--merge', `got "${v.merge}", expected a directory holding the shard runs`));
  if (v.out !== undefined && existsSync(v.out) && !statSync(v.out).isDirectory()) problems.push(cl('--out', `got "${v.out}", a file; expected a directory`));
  if (v.fleet !== undefined) {
    const args = v.fleet.flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
    if (args.length < 2) problems.push(cl('--fleet', `got ${args.length} run(s), expected at least two (one per host)`));
    for (const a of args) {
      const got = readFleetInput(a);
      if ('problem' in got) problems.push(cl('--fleet', got.problem));
    }
  }
  if (v.export !== undefined && v.export !== 'csv') problems.push(cl('--export', `got "${v.export}", expected csv`));
  if (v.testNamePattern !== undefined) {
    try {
      new RegExp(v.testNamePattern);
    } catch (e) {
      problems.push(cl('-t', `got "${v.testNamePattern}", not a valid regular expression: ${(e as Error).message}`));
    }
  }
  return mode;
}

export async function runReportMode(mode: ReportMode, v: ModeValues, ctx: { dir: string; configFile: string }): Promise<number> {
  if (mode === 'merge') return runMerge(v.merge!, v.out, ctx.configFile);
  if (mode === 'fleet') return runFleet(v.fleet!, v.out ?? path.join(ctx.dir, 'fleet'));
  if (mode === 'history') return runHistory(v, ctx);
  throw new Error(`report mode ${mode} is not built yet`);
}

function runMerge(dir: string, out: string | undefined, configFile: string): number {
  const runId = `${newRunId()}-merged`;
  const outDir = path.resolve(out ?? path.join(dir, runId));
  const { outcome, written } = mergeShardDir(path.resolve(dir), outDir, out ? path.basename(outDir) : runId);
  if (!outcome.ok) throw new ConfigError(configFile, outcome.problems.map((m) => cl('--merge', m)));
  for (const file of written) process.stdout.write(`wrote ${file}\n`);
  const { report, missing } = outcome;
  const code = mergedExitCode(report);
  process.stdout.write(
    `merged ${report.shards?.length ?? 0} shard run(s), ${new Set(report.cells.map((c) => c.cell.id)).size} cell(s), into ${outDir}` +
      `${missing.length ? `; missing shard(s): ${missing.join(', ')}` : ''}; merged verdict: ${code === 0 ? 'every budget met' : report.partial ? `partial (${report.endReason})` : 'a budget missed or a cell errored'}\n`,
  );
  return code;
}

function runFleet(args: string[], outDir: string): number {
  const inputs = args.flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean).map((a) => readFleetInput(a) as FleetInput);
  const { view, written } = writeFleet(path.resolve(outDir), inputs);
  process.stdout.write(`${fleetTable(view)}\n\n`);
  for (const file of written) process.stdout.write(`wrote ${file}\n`);
  return 0;
}

async function runHistory(v: ModeValues, ctx: { dir: string; configFile: string }): Promise<number> {
  const file = historyFile(ctx.dir);
  try {
    // Runs finished before the database existed (or copied in) join it first; the JSON index is left as it is.
    const added = await backfillHistory(ctx.dir);
    if (added > 0) process.stderr.write(`recorded ${added} earlier run(s) in ${file}\n`);
    const metrics = v.metric?.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
    const { series, runs } = await readHistory(file, (db) => ({
      series: trend(db, { ...(v.testNamePattern !== undefined ? { cellPattern: new RegExp(v.testNamePattern) } : {}), ...(metrics?.length ? { metrics } : {}) }),
      runs: runCount(db),
    }));
    if (v.export === 'csv') {
      process.stdout.write(historyCsv(series));
      return 0;
    }
    if (series.length === 0) {
      process.stdout.write(`no series in ${file} (${runs} finished run(s))${v.testNamePattern !== undefined || metrics ? ' match -t / --metric' : ''}\n`);
      return 0;
    }
    const drifts = series.reduce((n, s) => n + s.drift.drifts.length, 0);
    process.stdout.write(`${runs} finished run(s) in ${file}; ${series.length} series, ${drifts} drift(s)${historyTable(series)}\n\n`);
    const html = path.resolve(v.out ?? ctx.dir, 'history.html');
    writeFileAtomic(html, historyHtml(series));
    process.stdout.write(`wrote ${html}\n`);
    return 0;
  } catch (e) {
    if (e instanceof HistoryVersionError) throw new ConfigError(ctx.configFile, [{ path: file, message: e.message, source: 'command line' }]);
    throw e;
  }
}
