#!/usr/bin/env node
// `npm run report -- [<run-id>] [--format html|table] [--baseline <run-id>] [--list] [--config FILE]`
// Rebuilds a run's outputs from its scoreboard.json (decisions recomputed with the run's own config), prints it as a
// terminal table, or lists past runs. The command line is checked whole first: bad input exits 2 with every problem.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { configSchema } from '../config/schema.ts';
import { outputDir } from '../plan.ts';
import { enrichReport } from '../report/enrich.ts';
import { terminalTable } from '../report/table.ts';
import { readRunReport, writeRunReport, type RunIndexEntry } from '../report/write.ts';
import { isRunId, runIdProblem } from '../run-id.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { runCommand, type CommandLine } from './run-cli.ts';
import { bestFor, mergeRun, readRegistry, REGISTRY_FILE, type Registry } from '../deploy/registry.ts';
import { USE_CASE_IDS, useCaseId } from '../deploy/run-files.ts';
import { writeFileAtomic } from '../paths.ts';
import { learningsFile, readLearnings } from '../history/learnings-file.ts';
import { reestimateRun } from './report-energy.ts';
import type { Budget } from '../budgets/budget.ts';
import { REPORT_MODE_FLAGS, REPORT_MODES_HELP, checkModeFlags, runReportMode, type ModeValues } from './report-modes.ts';

const FORMATS = ['html', 'table'] as const;
const REPORT_FLAGS = {
  format: { type: 'string', value: 'html|table' },
  baseline: { type: 'string', value: 'RUN-ID' },
  list: { type: 'boolean' },
  config: { type: 'string', value: 'FILE' },
  best: { type: 'boolean' },
  'use-case': { type: 'string', value: 'NAME' },
  learnings: { type: 'boolean' },
  'energy-benchmark': { type: 'string', value: 'NAME' },
  help: { type: 'boolean', short: 'h' },
  ...REPORT_MODE_FLAGS,
} as const satisfies FlagSpecs;

const HELP = `usage: npm run report -- [RUN-ID] [--format html|table] [--baseline RUN-ID] [--list] [--config FILE]
       npm run report -- --best [--use-case NAME]
       npm run report -- --learnings
       npm run report -- --merge DIR [--out DIR] | --fleet RUN,RUN[,…] [--out DIR]
       npm run report -- --history [-t PATTERN] [--metric NAME[,NAME]] [--export csv] [--out DIR]

  RUN-ID            the run to rebuild (default: the latest run with a scoreboard.json)
  --format FORMAT   html (default): rewrite scoreboard.{json,csv} and report.html; table: print the scoreboard
  --baseline ID     compare with an earlier run
  --list            list past runs with their verdict counts
  --best            the model the latest tests recommend, from <output.dir>/registry.json (exit 1: none is)
  --use-case NAME   with --best: ${USE_CASE_IDS.join(', ')} (default overall)
  --learnings       print the experiment log, <output.dir>/LEARNINGS.md (each run adds its findings there)
  --config FILE     the config whose output.dir holds the runs (default: $BENCH_CONFIG, else ./bench.config.yaml)
  --energy-benchmark NAME  re-estimate the run's energy figures with coefficient NAME of energy/benchmarks.yaml
                    (estimated, labelled so; measured figures are kept)
${REPORT_MODES_HELP}

Exit codes: 0 done, 2 bad input (command line, config, unknown run), 3 crash; --merge: 1 when the merged verdict
fails (a budget missed, a cell errored, a shard missing or cut short).`;

/** The experiment log as the runs wrote it (escaped markdown: nothing in it came raw from a model). */
function printLearnings(dir: string): number {
  const text = readLearnings(dir);
  process.stdout.write(text ?? `no experiment log yet: ${learningsFile(dir)} is written by each run\n`);
  return 0;
}


/** The registry's pick for `useCase`; without a registry yet, one is built from the runs' scoreboards first. */
function printBest(dir: string, runs: readonly string[], useCase: string): number {
  let registry: Registry = readRegistry(dir);
  if (!existsSync(path.join(dir, REGISTRY_FILE)) && runs.length > 0) {
    for (const id of runs) registry = mergeRun(registry, readRunReport(dir, id));
    writeFileAtomic(path.join(dir, REGISTRY_FILE), `${JSON.stringify(registry, null, 2)}\n`);
  }
  const best = bestFor(registry, useCase);
  if (!best) {
    process.stdout.write(`no model is recommended for ${useCase} by its latest test (${registry.models.length} model(s) in ${path.join(dir, REGISTRY_FILE)})\n`);
    return 1;
  }
  const { entry: e, pick } = best;
  process.stdout.write(
    `best for ${useCase}: ${e.model} ${e.quant} (cell "${pick.cellId}", ${pick.status}${pick.score === null ? '' : `, score ${pick.score.toFixed(3)}`})\n` +
      `last tested ${e.lastTestedAt} in run ${e.lastRunId}\n` +
      `run it: npm run serve -- --from-run ${e.lastRunId}${useCase === 'overall' ? ' --use-case overall' : ` --use-case ${useCase}`}\n`,
  );
  return 0;
}

async function main({ values: v, positionals, problems }: CommandLine<typeof REPORT_FLAGS>): Promise<number> {
  const runArg = positionals[0];
  if (v.format !== undefined && !(FORMATS as readonly string[]).includes(v.format)) problems.push(cl('--format', `got "${v.format}", expected one of: ${FORMATS.join(', ')}`));
  if (runArg !== undefined && !isRunId(runArg)) problems.push(cl(runArg, runIdProblem(runArg)));
  if (v.baseline !== undefined && !isRunId(v.baseline)) problems.push(cl('--baseline', runIdProblem(v.baseline)));
  const mode = checkModeFlags(v, { runArg, problems });
  if (v.list && (runArg !== undefined || v.baseline !== undefined || v.format !== undefined)) problems.push(cl('--list', 'lists runs; expected no run id, --baseline or --format with it'));
  if (v.best && (v.list || runArg !== undefined || v.baseline !== undefined || v.format !== undefined)) problems.push(cl('--best', 'reads the registry; expected no run id, --list, --baseline or --format with it'));
  if (v.best && mode !== null) problems.push(cl('--best', 'reads the registry; expected no --merge, --fleet or --history with it'));
  if (v.learnings && (runArg !== undefined || v.list || v.best || v.baseline !== undefined || v.format !== undefined || mode !== null)) {
    problems.push(cl('--learnings', 'prints the experiment log; expected no run id, --list, --best, --baseline, --format, --merge, --fleet or --history with it'));
  }
  if (v['use-case'] !== undefined && !v.best) problems.push(cl('--use-case', 'applies to --best only'));
  if (v['use-case'] !== undefined && !USE_CASE_IDS.includes(v['use-case'])) problems.push(cl('--use-case', `got "${v['use-case']}", expected one of: ${USE_CASE_IDS.join(', ')}`));

  const configFile = configPathFromEnv(v.config);
  let dir = path.resolve(process.env.BENCH_OUTPUT_DIR ?? 'results');
  // The config only says where the runs are: without one (and without --config), ./results.
  if (!problems.some((p) => p.path === '--config') && (v.config !== undefined || existsSync(configFile))) {
    try {
      dir = outputDir(loadConfig(configFile).config, configFile);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (v.learnings && problems.length === 0) return printLearnings(dir);
  if (mode !== null && problems.length === 0) return runReportMode(mode, v, { dir, configFile });
  if (problems.length > 0 && mode !== null) throw new ConfigError(configFile, problems);
  const runs = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, 'scoreboard.json'))).sort() : [];
  if (problems.length === 0) {
    if (runArg !== undefined && !runs.includes(runArg)) problems.push(cl(runArg, `no run ${runArg} with a scoreboard.json under ${dir}; runs: ${runs.join(', ') || 'none'}`));
    if (runArg === undefined && !v.list && !v.best && runs.length === 0) problems.push(cl('RUN-ID', `no run with a scoreboard.json under ${dir}`));
    if (v.baseline !== undefined && !runs.includes(v.baseline)) problems.push(cl('--baseline', `no run ${v.baseline} with a scoreboard.json under ${dir}; runs: ${runs.join(', ') || 'none'}`));
  }
  if (problems.length > 0) throw new ConfigError(configFile, problems);

  if (v.best) return printBest(dir, runs, useCaseId(v['use-case'] ?? 'overall'));

  if (v.list) {
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
    return 0;
  }

  const runId = runArg ?? runs.at(-1)!;
  const runDir = path.join(dir, runId);
  const stored = readRunReport(dir, runId);
  const baseline = v.baseline !== undefined ? readRunReport(dir, v.baseline) : undefined;
  // The run's own config (from its plan.json) drives the decisions, so a regenerated report uses current rules.
  const planFile = path.join(runDir, 'plan.json');
  const runConfig = existsSync(planFile) ? configSchema.safeParse((JSON.parse(readFileSync(planFile, 'utf8')) as { config?: unknown }).config) : null;
  let source = stored;
  if (v['energy-benchmark'] !== undefined) {
    const plan = existsSync(planFile) ? (JSON.parse(readFileSync(planFile, 'utf8')) as { configFile?: string; budgets?: Record<string, Budget[]> }) : null;
    if (!runConfig?.success || !plan?.configFile) throw new ConfigError(configFile, [cl('--energy-benchmark', `run ${runId} has no readable plan.json to re-estimate its energy from`)]);
    try {
      source = reestimateRun(stored, runDir, { config: runConfig.data, configFile: plan.configFile, ...(plan.budgets ? { budgets: plan.budgets } : {}) }, v['energy-benchmark']);
    } catch (e) {
      throw new ConfigError(configFile, [cl('--energy-benchmark', (e as Error).message)]);
    }
  }
  const report = runConfig?.success ? enrichReport(source, runConfig.data, baseline) : source;
  if ((v.format ?? 'html') === 'table') {
    process.stdout.write(`${terminalTable(report)}\n`);
  } else {
    for (const file of writeRunReport(runDir, report)) process.stdout.write(`wrote ${file}\n`);
  }
  return 0;
}

runCommand('report', { flags: REPORT_FLAGS, help: HELP, positionals: { max: 1, what: 'run id' } }, main);
