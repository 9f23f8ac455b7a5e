import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { Plan } from '../harness/plan.ts';
import type { CellMeasurement, Verdict } from '../harness/measurement/schema.ts';
import { PERCENTILE_METHOD } from '../harness/stats/summary.ts';
import type { CellReport, RunReport, TestOutcome } from '../harness/report/model.ts';
import { terminalTable } from '../harness/report/table.ts';
import { readRunReport, writeRunReport } from '../harness/report/write.ts';
import { enrichReport } from '../harness/report/enrich.ts';

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

  onTestCaseResult(testCase: TestCase): void {
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

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): void {
    for (const module of modules) for (const test of module.children.allTests()) this.onTestCaseResult(test);
    const report = this.write(reason !== 'passed' && reason !== 'failed', `the run ended: ${reason}`, true);
    if (report && report.cells.length > 0) {
      process.stdout.write(`${terminalTable(report)}\n\n`);
      process.stdout.write(`Scoreboard: ${path.join(this.runDir()!, 'report.html')}\n`);
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

  private runDir(): string | undefined {
    return process.env.BENCH_RUN_DIR;
  }

  private write(partial: boolean, endReason: string, html: boolean): RunReport | null {
    const runDir = this.runDir();
    if (!runDir || this.seen.size === 0 || !existsSync(path.join(runDir, 'plan.json'))) return null;
    const plan = JSON.parse(readFileSync(path.join(runDir, 'plan.json'), 'utf8')) as Plan;
    const report: RunReport = {
      schemaVersion: 1,
      runId: plan.runId,
      createdAt: plan.createdAt,
      finishedAt: new Date().toISOString(),
      partial,
      endReason,
      host: { ...plan.host },
      llama: { version: plan.llama.version, commit: plan.llama.commit, serverPath: plan.llama.serverPath, source: plan.llama.source },
      config: { file: plan.configFile, hash: plan.configHash },
      models: plan.config.models.map((m) =>
        m.builtin
          ? { name: m.name, kind: 'builtin' as const, detail: `the generated ${m.builtin} default model (random weights)` }
          : { name: m.name, kind: 'file' as const, detail: m.path ?? Object.values(m.files ?? {}).join(', ') },
      ),
      percentileMethod: PERCENTILE_METHOD,
      // Cells left out by a filter such as -t Q4_K_M were not run on purpose: they are not part of this run's report.
      cells: [...this.seen.values()].filter((g) => !g.tests.every(wasFilteredOut)).map((g) => cellReport(g, runDir, plan)),
    };
    const enriched = enrichReport(report, plan.config, this.baseline(runDir));
    writeRunReport(runDir, enriched, { html });
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
  const verdicts: Verdict[] = [];
  for (const t of group.tests) {
    const meta = t.meta();
    if (meta.measurement) measurement = meta.measurement;
    if (meta.verdict) verdicts.push(meta.verdict);
    representative ??= meta.representative;
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
    metrics: measurement?.metrics ?? {},
    verdicts: verdicts.sort((a, b) => a.metric.localeCompare(b.metric)),
    counts,
    ...(measurement ? { measurement } : {}),
    tests: group.tests.map(outcome).sort((a, b) => a.name.localeCompare(b.name)),
    sampleResponses: measurement ? sampleResponses(path.join(runDir, measurement.files.responses ?? '')) : [],
  };
}

function sampleResponses(file: string, count = 3, maxChars = 600): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { warmup?: boolean; text?: string })
      .filter((r) => !r.warmup && typeof r.text === 'string')
      .slice(0, count)
      .map((r) => r.text!.slice(0, maxChars));
  } catch {
    return [];
  }
}
