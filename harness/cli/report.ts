#!/usr/bin/env node
// `npm run report -- [<run-id>] [--format html|table] [--baseline <run-id>] [--list]`
// Rebuilds a run's outputs from its scoreboard.json (decisions recomputed with the run's own config), prints it as a
// terminal table, or lists past runs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { configSchema } from '../config/schema.ts';
import { outputDir } from '../plan.ts';
import { enrichReport } from '../report/enrich.ts';
import { terminalTable } from '../report/table.ts';
import { readRunReport, writeRunReport, type RunIndexEntry } from '../report/write.ts';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const args = process.argv.slice(2);
const format = option(args, '--format') ?? 'html';
const baselineId = option(args, '--baseline');
const positional = args.filter((a, i) => !a.startsWith('--') && !['--format', '--baseline'].includes(args[i - 1] ?? ''));
const configFile = configPathFromEnv();
const dir = existsSync(configFile) ? outputDir(loadConfig(configFile).config, configFile) : path.resolve(process.env.BENCH_OUTPUT_DIR ?? 'results');
const runs = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, 'scoreboard.json'))).sort() : [];

if (args.includes('--list')) {
  let index: RunIndexEntry[] = [];
  try {
    index = (JSON.parse(readFileSync(path.join(dir, 'scoreboard.json'), 'utf8')) as { runs: RunIndexEntry[] }).runs;
  } catch {
    // no index yet: list the folders alone
  }
  const rows = runs.map((id) => {
    const e = index.find((r) => r.runId === id);
    return e
      ? { run: id, llama: e.llama, pass: e.counts.pass, fail: e.counts.fail, inconclusive: e.counts.inconclusive ?? 0, error: e.counts.error, skipped: e.counts.skipped, partial: e.partial }
      : { run: id };
  });
  if (rows.length === 0) process.stdout.write(`no runs under ${dir}\n`);
  else console.table(rows);
  process.exit(0);
}

const runId = positional[0] ?? runs.at(-1);
if (!runId || !runs.includes(runId)) {
  process.stderr.write(`no run ${runId ?? ''} with a scoreboard.json under ${dir}; runs: ${runs.join(', ') || 'none'}\n`);
  process.exit(2);
}
const runDir = path.join(dir, runId);
const stored = readRunReport(dir, runId);
let baseline;
try {
  baseline = baselineId ? readRunReport(dir, baselineId) : undefined;
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
// The run's own config (from its plan.json) drives the decisions, so a regenerated report uses current rules.
const planFile = path.join(runDir, 'plan.json');
const runConfig = existsSync(planFile) ? configSchema.safeParse((JSON.parse(readFileSync(planFile, 'utf8')) as { config?: unknown }).config) : null;
const report = runConfig?.success ? enrichReport(stored, runConfig.data, baseline) : stored;
if (format === 'table') {
  process.stdout.write(`${terminalTable(report)}\n`);
} else {
  for (const file of writeRunReport(runDir, report)) process.stdout.write(`wrote ${file}\n`);
}
