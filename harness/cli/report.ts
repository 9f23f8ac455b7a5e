#!/usr/bin/env node
// `npm run report -- <run-id> [--format html|table]`: rebuilds a run's outputs from its scoreboard.json.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { outputDir } from '../plan.ts';
import { configSchema } from '../config/schema.ts';
import { enrichReport } from '../report/enrich.ts';
import { runReportSchema } from '../report/model.ts';
import { terminalTable } from '../report/table.ts';
import { writeRunReport } from '../report/write.ts';

const args = process.argv.slice(2);
const format = args.includes('--format') ? args[args.indexOf('--format') + 1] : 'html';
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--format');
const configFile = configPathFromEnv();
const dir = existsSync(configFile) ? outputDir(loadConfig(configFile).config, configFile) : path.resolve('results');
const runs = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, 'scoreboard.json'))).sort() : [];
const runId = positional[0] ?? runs.at(-1);
if (!runId || !runs.includes(runId)) {
  process.stderr.write(`no run ${runId ?? ''} with a scoreboard.json under ${dir}; runs: ${runs.join(', ') || 'none'}\n`);
  process.exit(2);
}
const runDir = path.join(dir, runId);
const stored = runReportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')));
// The run's own config (from its plan.json) drives the decisions, so a regenerated report uses current rules.
const planFile = path.join(runDir, 'plan.json');
const runConfig = existsSync(planFile) ? configSchema.safeParse((JSON.parse(readFileSync(planFile, 'utf8')) as { config?: unknown }).config) : null;
const report = runConfig?.success ? enrichReport(stored, runConfig.data) : stored;
if (format === 'table') {
  process.stdout.write(`${terminalTable(report)}\n`);
} else {
  for (const file of writeRunReport(runDir, report)) process.stdout.write(`wrote ${file}\n`);
}
