// What export and serve read of a finished run: its plan.json (config, resolved budgets, cells with their model files,
// host, llama.cpp) and its scoreboard.json (verdicts, recommendations). Parsed once here, as plain data.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema } from '../config/schema.ts';
import { cellSchema } from '../measurement/schema.ts';
import { runReportSchema, type CellReport, type RunReport } from '../report/model.ts';
import { USE_CASES } from '../report/recommend.ts';

const planFileSchema = z.object({
  runId: z.string(),
  configFile: z.string(),
  configHash: z.string(),
  createdAt: z.string(),
  config: configSchema,
  budgets: z.record(z.string(), z.array(z.object({ metric: z.string(), source: z.string(), aggregation: z.unknown() }))),
  // Host facts are figures and names; the GPU facts (an object) sit beside them since the report carries them.
  host: z.object({ gpu: z.unknown().optional() }).catchall(z.union([z.string(), z.number()])),
  llama: z.object({ serverPath: z.string(), version: z.string(), commit: z.string() }),
  cells: z.array(z.object({ cell: cellSchema, model: z.object({ path: z.string(), sha256: z.string(), bytes: z.number() }) })),
});
export type RunPlan = z.infer<typeof planFileSchema>;

export interface RunFiles {
  runDir: string;
  plan: RunPlan;
  report: RunReport;
}

/** Reads a run's plan.json and scoreboard.json; a missing or malformed one is an Error naming the file. */
export function readRunFiles(runDir: string): RunFiles {
  const read = <T>(name: string, schema: z.ZodType<T>): T => {
    const file = path.join(runDir, name);
    if (!existsSync(file)) throw new Error(`${file} does not exist: the run has no ${name} (did it finish?)`);
    const r = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!r.success) throw new Error(`${file} could not be read: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return r.data;
  };
  return { runDir, plan: read('plan.json', planFileSchema), report: read('scoreboard.json', runReportSchema) };
}

/** `always-on` is the background use case under the name a person looking for a service uses. */
export const USE_CASE_ALIASES: Record<string, string> = { 'always-on': 'background' };
export const USE_CASE_IDS = ['overall', ...USE_CASES.map((u) => u.id), ...Object.keys(USE_CASE_ALIASES)];
export const DEFAULT_USE_CASE = 'always-on';

export function useCaseId(name: string): string {
  return USE_CASE_ALIASES[name] ?? name;
}

export interface ChosenCell {
  cellId: string;
  useCase: string | null;
  selection: 'recommended' | 'provisional' | 'chosen';
  score: number | null;
  reasons: string[];
  reports: CellReport[];
}

/**
 * The cell to run: `cellId` when given (any cell the run measured), else the use case's recommendation. A use case
 * with no pick is an Error that says why and which use cases do have one.
 */
export function chooseCell(run: RunFiles, useCase: string, cellId: string | null): ChosenCell {
  const reports = (id: string) => run.report.cells.filter((c) => c.cell.id === id && c.state !== 'not-run');
  if (cellId !== null) {
    const got = reports(cellId);
    if (got.length === 0) {
      const ids = [...new Set(run.report.cells.map((c) => c.cell.id))];
      throw new Error(`run ${run.report.runId} has no cell "${cellId}"; its cells: ${ids.map((i) => `"${i}"`).join(', ')}`);
    }
    return { cellId, useCase: null, selection: 'chosen', score: null, reasons: [`chosen with --cell`], reports: got };
  }
  const id = useCaseId(useCase);
  const recs = run.report.decisions?.recommendations ?? [];
  const rec = recs.find((r) => r.useCase === id);
  if (!rec) throw new Error(`run ${run.report.runId} has no recommendation for "${useCase}" (its scoreboard has no decisions; rebuild it with npm run report -- ${run.report.runId})`);
  if (!rec.cellId || (rec.status !== 'recommended' && rec.status !== 'provisional')) {
    const others = recs.filter((r) => r.cellId).map((r) => `${r.useCase} (${r.cellId})`);
    throw new Error(
      `run ${run.report.runId} recommends no cell for "${useCase}": ${rec.status}: ${rec.reasons.join('; ')}` +
        `${rec.ruledOut.length ? `; ruled out: ${rec.ruledOut.map((r) => `${r.cellId}: ${r.because}`).join('; ')}` : ''}` +
        `. ${others.length ? `Use cases with a pick: ${others.join(', ')}.` : 'No use case has a pick in this run.'} To take a cell anyway: --cell "<cell id>".`,
    );
  }
  return { cellId: rec.cellId, useCase: id, selection: rec.status, score: rec.score, reasons: rec.reasons, reports: reports(rec.cellId) };
}
