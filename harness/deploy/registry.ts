// results/registry.json: per model and quantization, when it was last tested, in which run, and which use cases that
// run recommended it for. Written after every run (report/write.ts) so "which model is best for X" is one lookup:
// `npm run report -- --best [--use-case X]`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../paths.ts';
import type { RunReport } from '../report/model.ts';
import type { Manifest } from './manifest.ts';

export const REGISTRY_FILE = 'registry.json';

const pickSchema = z.object({ cellId: z.string(), score: z.number().nullable(), status: z.enum(['recommended', 'provisional']) });

export const registryModelSchema = z.object({
  model: z.string(),
  quant: z.string(),
  lastTestedAt: z.string(),
  lastRunId: z.string(),
  /** When the model file came to this machine (its mtime: downloaded, or generated for the built-in models). */
  downloadedAt: z.string().optional(),
  /** Some use case of the last run that tested it recommended it outright. */
  recommended: z.boolean(),
  /** Per use case the last run picked it for: the cell, its score and how sure the pick is. */
  recommendedFor: z.record(z.string(), pickSchema),
  /** Cells of this model and quantization the last run completed. */
  cells: z.array(z.string()),
});
export const registrySchema = z.object({ schemaVersion: z.literal(1), models: z.array(registryModelSchema) });
export type Registry = z.infer<typeof registrySchema>;
export type RegistryModel = z.infer<typeof registryModelSchema>;

const key = (model: string, quant: string) => `${model}\u0000${quant}`;

/**
 * The registry after `report`: every model and quantization the run completed a cell of gets the run's date and its
 * picks (an older run's picks for it are replaced: the registry says what the latest test said). Others stay.
 * A partial run still counts for what it completed. Pure.
 */
export function mergeRun(registry: Registry, report: RunReport): Registry {
  const tested = new Map<string, RegistryModel>();
  for (const c of report.cells) {
    if (c.state !== 'completed') continue;
    const k = key(c.cell.model, c.cell.quant);
    const entry = tested.get(k) ?? { model: c.cell.model, quant: c.cell.quant, lastTestedAt: report.finishedAt, lastRunId: report.runId, recommended: false, recommendedFor: {}, cells: [] };
    if (!entry.cells.includes(c.cell.id)) entry.cells.push(c.cell.id);
    const file = report.modelFiles?.find((f) => f.model === c.cell.model && f.quant === c.cell.quant);
    if (file?.fileDate) entry.downloadedAt = file.fileDate;
    tested.set(k, entry);
  }
  const byId = new Map(report.cells.map((c) => [c.cell.id, c.cell]));
  for (const r of report.decisions?.recommendations ?? []) {
    if (!r.cellId || (r.status !== 'recommended' && r.status !== 'provisional')) continue;
    const cell = byId.get(r.cellId);
    const entry = cell && tested.get(key(cell.model, cell.quant));
    if (!entry) continue;
    entry.recommendedFor[r.useCase] = { cellId: r.cellId, score: r.score, status: r.status };
    if (r.status === 'recommended') entry.recommended = true;
  }
  for (const e of tested.values()) e.cells.sort();
  const kept = registry.models.filter((m) => !tested.has(key(m.model, m.quant)) || m.lastTestedAt > report.finishedAt);
  // A rerun of an older run (npm run report -- <old id>) must not overwrite what a newer run said.
  const newer = new Set(kept.map((m) => key(m.model, m.quant)));
  const models = [...kept, ...[...tested.entries()].filter(([k]) => !newer.has(k)).map(([, e]) => e)];
  models.sort((a, b) => a.model.localeCompare(b.model) || a.quant.localeCompare(b.quant));
  return { schemaVersion: 1, models };
}

export function readRegistry(outputDir: string): Registry {
  try {
    const r = registrySchema.safeParse(JSON.parse(readFileSync(path.join(outputDir, REGISTRY_FILE), 'utf8')));
    return r.success ? r.data : { schemaVersion: 1, models: [] };
  } catch {
    return { schemaVersion: 1, models: [] };
  }
}

export function updateRegistry(outputDir: string, report: RunReport): void {
  writeFileAtomic(path.join(outputDir, REGISTRY_FILE), `${JSON.stringify(mergeRun(readRegistry(outputDir), report), null, 2)}\n`);
}

export interface Best {
  entry: RegistryModel;
  pick: z.infer<typeof pickSchema>;
}

/** The model the latest tests recommend for `useCase`: outright picks before provisional ones, then the newest, then the higher score. */
export function bestFor(registry: Registry, useCase: string): Best | null {
  const picks = registry.models.flatMap((entry) => (entry.recommendedFor[useCase] ? [{ entry, pick: entry.recommendedFor[useCase]! }] : []));
  picks.sort(
    (a, b) =>
      Number(b.pick.status === 'recommended') - Number(a.pick.status === 'recommended') ||
      b.entry.lastTestedAt.localeCompare(a.entry.lastTestedAt) ||
      (b.pick.score ?? -Infinity) - (a.pick.score ?? -Infinity),
  );
  return picks[0] ?? null;
}

/** The registry entry a bundle carries: what it is and whether its run recommended it. */
export function registryEntry(m: Manifest, testedAt: string) {
  return {
    name: m.model.name,
    quant: m.model.quant,
    cellId: m.cell.id,
    score: m.score,
    recommended: m.selection === 'recommended',
    useCase: m.useCase,
    runId: m.run.id,
    lastTestedAt: testedAt,
  };
}
