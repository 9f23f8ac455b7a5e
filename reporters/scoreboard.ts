import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node';
import { budgetTitle } from '../harness/budgets/budget.ts';
import { notRunCells, selectedByPattern } from '../harness/matrix/checkpoint.ts';
import type { Plan } from '../harness/plan.ts';
import type { CellMeasurement, Verdict } from '../harness/measurement/schema.ts';
import type { PairedComparison } from '../harness/analysis/paired.ts';
import { measurementFacts, type CellReport, type RunReport, type TestOutcome } from '../harness/report/model.ts';
import { terminalTable } from '../harness/report/table.ts';
import { cellFile } from '../harness/report/cell-file.ts';
import { readRunReport, writeRunReport } from '../harness/report/write.ts';
import { enrichReport } from '../harness/report/enrich.ts';
import { sampleResponses } from './sample-responses.ts';
import { reportShell, shardNote } from '../harness/shard/run.ts';
import { recordInHistory } from '../harness/history/files.ts';
import { appendLearnings } from '../harness/history/learnings-file.ts';
import * as prepareRun from '../harness/vitest/prepare-run.ts';

// The profiles' global setup uses these very modules instead of loading its own copy (harness/vitest/global-setup.ts).
globalThis.__benchPrepareRun ??= Promise.resolve(prepareRun);

interface CellTests {
  profile: string;
  cellId: string;
  tests: TestCase[];
}

/**
 * Gathers the profile tests' measurements and verdicts (from test meta) into a plain RunReport and hands it to
 * the writers. It rewrites the scoreboard after every cell, so a run that dies still leaves its results.
 */
export default class ScoreboardReporter implements Reporter {
  private readonly seen = new Map<string, CellTests>();
  /** The invisibility profile's paired comparisons, by group. */
  private readonly paired = new Map<string, PairedComparison>();
  /** Projects in this run (each profile is one), from the specifications Vitest runs. */
  private projects: string[] | undefined;
  private namePattern: RegExp | undefined;
  /** Why the run was cut short (a signal, a cancelled run); every later write keeps saying so. */
  private interruption: string | undefined;
  /**
   * The run has ended and its scoreboard is final: a signal now (stopping `vitest --ui` or watch mode between runs)
   * interrupts nothing, and must not mark a finished run as interrupted.
   */
  private ended = false;
  /** The last scoreboard write's failure (a full disk), said once per distinct message; null after a good write. */
  private writeFailure: string | null = null;

  /**
   * `vitest run` does not call onTestRunEnd on SIGINT or SIGTERM: its own handler exits a millisecond later
   * (VITEST-NOTES.md). So the reporter writes the interrupted scoreboard itself, synchronously, from a handler
   * that runs before Vitest's.
   */
  onInit(vitest: Vitest): void {
    this.namePattern = vitest.config.testNamePattern;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.prependListener(signal, this.onSignal);
    vitest.onClose(() => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, this.onSignal);
    });
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.projects = [...new Set(specifications.map((s) => s.project.name))];
    this.ended = false;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.interruption) return; // a terminal Ctrl+C can arrive twice: from the terminal and from npm run bench
    if (this.ended) return this.passOn(signal);
    this.interruption = `interrupted by ${signal}`;
    try {
      const report = this.write(true, this.interruption, true);
      if (report) this.learn(report);
      if (report) {
        const notRun = report.notRun ?? [];
        process.stderr.write(
          `\n[llm-budget-bench] interrupted by ${signal}: partial scoreboard in ${this.runDir()}; ${notRun.length} cell × profile result(s) not run` +
            `${notRun.length ? `:\n${notRun.map((n) => `  ${n.profile} · ${n.cell}`).join('\n')}` : ''}\n` +
            `[llm-budget-bench] continue with: npm run bench -- --resume ${report.runId} (same config and profiles)\n`,
        );
      }
    } catch (e) {
      process.stderr.write(`[llm-budget-bench] could not write the interrupted scoreboard: ${(e as Error).message}\n`);
    }
    this.passOn(signal);
  };

  /** Only this handler left: nobody else will end the process, so let the signal do what it does by default. */
  private passOn(signal: NodeJS.Signals): void {
    if (process.listenerCount(signal) === 1) {
      process.off(signal, this.onSignal);
      process.kill(process.pid, signal);
    }
  }

  onTestCaseResult(testCase: TestCase): void {
    const comparison = testCase.meta().pairedComparison;
    if (comparison) this.paired.set(comparison.group, comparison);
    const parent = testCase.parent;
    if (parent.type !== 'suite' || !this.isProfileTest(testCase)) return;
    const key = `${testCase.project.name}\0${parent.name}`;
    const group = this.seen.get(key) ?? { profile: testCase.project.name, cellId: parent.name, tests: [] };
    group.tests = [...group.tests.filter((t) => t.id !== testCase.id), testCase];
    this.seen.set(key, group);
  }

  /** After each cell: the JSON and CSV only, cheap enough for a thousand cells; the HTML is written at the end. */
  onTestSuiteResult(): void {
    this.write(true, 'the run is still going', false);
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): Promise<void> {
    for (const module of modules) for (const test of module.children.allTests()) this.onTestCaseResult(test);
    if (reason === 'interrupted') this.interruption ??= 'interrupted: the Vitest run was cancelled';
    const report = this.write(reason !== 'passed' && reason !== 'failed', this.interruption ?? `the run ended: ${reason}`, true);
    if (report) this.learn(report);
    this.ended = true;
    // A run whose scoreboard could not be written has no result to show, whatever its tests said.
    if (this.writeFailure) process.exitCode = 1;
    // The run history (results/history.sqlite) gets every finished run; failing to record it never fails the run.
    if (report && !report.partial) {
      await recordInHistory(path.dirname(this.runDir()!), report).catch((e: unknown) =>
        process.stderr.write(`[llm-budget-bench] could not record the run in the history database: ${(e as Error).message}\n`),
      );
    }
    if (report && report.cells.length > 0) {
      process.stdout.write(`${terminalTable(report)}\n\n`);
      const formats = this.formats ?? ['html'];
      process.stdout.write(`Scoreboard: ${path.join(this.runDir()!, formats.includes('html') ? 'report.html' : 'scoreboard.json')}\n`);
    }
  }

  /** The run's entry in <output dir>/LEARNINGS.md (finished, partial or interrupted); a failure never fails the run. */
  private learn(report: RunReport): void {
    try {
      appendLearnings(path.dirname(this.runDir()!), report);
    } catch (e) {
      process.stderr.write(`[llm-budget-bench] could not add the run to the experiment log: ${(e as Error).message}\n`);
    }
  }

  private isProfileTest(t: TestCase): boolean {
    const meta = t.meta();
    return meta.measurement !== undefined || meta.verdict !== undefined || t.name === 'runs to completion';
  }

  /** The run named by BENCH_BASELINE (set by `npm run bench -- --baseline <run-id>`), for the comparison view. */
  private baseline(runDir: string): RunReport | undefined {
    const id = process.env.BENCH_BASELINE;
    if (!id) return undefined;
    try {
      return readRunReport(path.dirname(runDir), id);
    } catch (e) {
      process.stderr.write(`[llm-budget-bench] baseline ignored: ${(e as Error).message}\n`);
      return undefined;
    }
  }

  /** Planned cells × this run's enabled profiles (minus cells a -t filter leaves out) with no result yet. */
  private notRun(plan: Plan, report: RunReport): NonNullable<RunReport['notRun']> {
    const profiles = (this.projects ?? [...new Set([...this.seen.values()].map((g) => g.profile))]).filter(
      (p) => (plan.config.profiles as Record<string, { enabled?: boolean }>)[p]?.enabled,
    );
    const done = report.cells.filter((c) => c.state !== 'not-run').map((c) => ({ profile: c.profile, cellId: c.cell.id }));
    const pattern = this.namePattern;
    const budgets = plan.budgets as Record<string, Parameters<typeof budgetTitle>[0][]>;
    const included = (profile: string, cellId: string) =>
      selectedByPattern(pattern, cellId, ['runs to completion', ...(budgets[profile] ?? []).map(budgetTitle)]);
    return notRunCells(plan.cells.map((c) => c.cell.id), profiles, done, included);
  }

  private runDir(): string | undefined {
    return process.env.BENCH_RUN_DIR;
  }

  /** Writes the scoreboard; a failed write (a full disk) is said on stderr, not thrown into Vitest's reporting. */
  private write(partial: boolean, endReason: string, html: boolean): RunReport | null {
    try {
      const report = this.tryWrite(partial, endReason, html);
      this.writeFailure = null;
      return report;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (message !== this.writeFailure) process.stderr.write(`[llm-budget-bench] could not write the scoreboard in ${this.runDir()}: ${message}\n`);
      this.writeFailure = message;
      return null;
    }
  }

  /** The scoreboard files the run's config asks for (output.formats), known once the plan has been read. */
  private formats: readonly string[] | null = null;

  private tryWrite(partial: boolean, endReason: string, html: boolean): RunReport | null {
    const runDir = this.runDir();
    if (!runDir || (this.seen.size === 0 && !this.interruption) || !existsSync(path.join(runDir, 'plan.json'))) return null;
    const plan = JSON.parse(readFileSync(path.join(runDir, 'plan.json'), 'utf8')) as Plan;
    const report: RunReport = {
      ...reportShell(plan, partial, endReason),
      ...(plan.bandwidth && plan.bandwidth.error === undefined ? { bandwidth: { gbPerSec: plan.bandwidth.gbPerSec, method: plan.bandwidth.method } } : {}),
      // Cells left out by a filter such as -t Q4_K_M were not run on purpose: they are not part of this run's report.
      cells: [...this.seen.values()].filter((g) => !g.tests.every(wasFilteredOut)).map((g) => cellReport(g, runDir, plan)),
    };
    if (plan.shard) {
      report.shard = plan.shard;
      report.notes = [shardNote(plan.shard)];
    }
    if (this.paired.size > 0) report.pairedComparisons = [...this.paired.values()].sort((a, b) => a.group.localeCompare(b.group));
    if (this.interruption) {
      report.interrupted = true;
      report.partial = true;
      report.endReason = this.interruption;
    }
    report.notRun = this.notRun(plan, report);
    const enriched = enrichReport(report, plan.config, this.baseline(runDir));
    // output.formats (a plan written before the setting existed has none: every format)
    this.formats = plan.config.output.formats ?? ['json', 'csv', 'html'];
    writeRunReport(runDir, enriched, { html, formats: this.formats });
    return enriched;
  }
}

/** Left out by a filter such as -t, rather than skipped by the harness (which always gives a reason). */
function wasFilteredOut(t: TestCase): boolean {
  const r = t.result();
  return r.state === 'skipped' && !('note' in r && r.note) && t.meta().measurement === undefined && t.meta().verdict === undefined;
}

function outcome(t: TestCase): TestOutcome {
  const r = t.result();
  const error = r.errors?.[0]?.message;
  const note = 'note' in r ? r.note : undefined; // the reason given to skip()
  return { name: t.name, state: r.state, ...(note ? { note } : {}), ...(error ? { error } : {}) };
}

function cellReport(group: CellTests, runDir: string, plan: Plan): CellReport {
  let measurement: CellMeasurement | undefined;
  let representative: string | undefined;
  let reused = false;
  let repeat: CellReport['repeat'];
  const verdicts: Verdict[] = [];
  for (const t of group.tests) {
    const meta = t.meta();
    if (meta.measurement) measurement = meta.measurement;
    if (meta.verdict) verdicts.push(meta.verdict);
    representative ??= meta.representative;
    reused ||= meta.reused === true;
    repeat ??= meta.repeat;
  }
  const counts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 };
  for (const v of verdicts) counts[v.status]++;
  const cell = measurement?.cell ?? plan.cells.find((c) => c.cell.id === group.cellId)?.cell;
  const skipNote = group.tests.map((t) => t.result()).find((r) => r.state === 'skipped' && 'note' in r && r.note);
  const skippedWhole = !measurement && skipNote && group.tests.every((t) => t.result().state === 'skipped');
  const error = measurement?.error ?? (skippedWhole && skipNote && 'note' in skipNote ? skipNote.note : undefined);
  return {
    profile: group.profile,
    cell: cell ?? { id: group.cellId, slug: group.cellId, model: '', quant: '', threads: 0, ctx: 0, priority: '' },
    state: measurement?.state ?? (skippedWhole ? 'skipped' : 'not-run'),
    ...(error ? { error } : {}),
    ...(representative ? { representative } : {}),
    ...(reused ? { reused } : {}),
    ...(repeat ? { repeat } : {}),
    metrics: measurement?.metrics ?? {},
    verdicts: verdicts.sort((a, b) => a.metric.localeCompare(b.metric)),
    counts,
    ...(measurement ? { measurement: measurementFacts(measurement) } : {}),
    tests: group.tests.map(outcome).sort((a, b) => a.name.localeCompare(b.name)),
    sampleResponses: measurement ? sampleResponses(cellFile(runDir, measurement.files.responses)) : [],
  };
}
