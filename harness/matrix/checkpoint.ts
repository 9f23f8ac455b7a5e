// Checkpoint and resume: each finished cell × profile is stored in its summary.json with a key over everything that
// decides what it measured, so a resumed run reuses a measurement only when it would measure the same thing again.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { measurementSchema, verdictSchema, type CellMeasurement, type Verdict } from '../measurement/schema.ts';
import type { Plan, PlannedCell } from '../plan.ts';

/** What a measurement was taken under. Anything in here that changes makes a stored measurement stale. */
export interface KeyParts {
  /** The whole cell object, so a matrix axis added later is part of the key without touching this file. */
  cell: unknown;
  profile: string;
  /** The profile's settings (`profiles.<name>` in the config) and its resolved budgets. */
  settings: unknown;
  budgets: unknown;
  /** Settings outside the profile that change the figures: llama-server flags, sampler interval, verdict statistics. */
  conditions: unknown;
  modelSha256: string;
  llama: { version: string; commit: string };
}

/** Stored beside the measurement in summary.json: the key and the parts a person needs to see why it changed. */
export const resumeStampSchema = z.object({
  key: z.string(),
  modelSha256: z.string(),
  llama: z.object({ version: z.string(), commit: z.string() }),
  /** sha256 of the cell, profile, settings, budgets and conditions alone. */
  configKey: z.string(),
  /** A short hash of each of those, so a changed key can name what changed. */
  parts: z.record(z.string(), z.string()).optional(),
});
export type ResumeStamp = z.infer<typeof resumeStampSchema>;

export const storedSummarySchema = z.object({
  resume: resumeStampSchema.optional(),
  measurement: measurementSchema,
  verdicts: z.array(verdictSchema),
});

/** JSON with object keys sorted at every level, so the key does not depend on field order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function resumeStampOf(parts: KeyParts): ResumeStamp {
  const configKey = sha256(canonicalJson({ cell: parts.cell, profile: parts.profile, settings: parts.settings, budgets: parts.budgets, conditions: parts.conditions }));
  const key = sha256(canonicalJson({ configKey, modelSha256: parts.modelSha256, llama: { version: parts.llama.version, commit: parts.llama.commit } }));
  const named = { cell: parts.cell, profile: parts.profile, 'profile settings': parts.settings, budgets: parts.budgets, 'llama/sampler/verdict settings': parts.conditions };
  const short = Object.fromEntries(Object.entries(named).map(([name, v]) => [name, sha256(canonicalJson(v)).slice(0, 16)]));
  return { key, modelSha256: parts.modelSha256, llama: { version: parts.llama.version, commit: parts.llama.commit }, configKey, parts: short };
}

export function keyParts(plan: Plan, planned: PlannedCell, profile: string): KeyParts {
  const { server_path: _path, ...llama } = plan.config.llama; // where the binary lives is not what it is: commit and version are
  // A server started elsewhere: which one (kind, URL, model names) is a condition, and its version is what it
  // reported (/props, /api/version, /version), in place of the llama.cpp build.
  const remote = plan.target && plan.target.kind !== 'local-llama' ? plan.target : null;
  const target = remote ? { kind: remote.kind, url: remote.url, model: plan.config.target.model ?? null, api: remote.api } : undefined;
  return {
    cell: planned.cell,
    profile,
    settings: (plan.config.profiles as Record<string, unknown>)[profile],
    budgets: (plan.budgets as Record<string, unknown>)[profile],
    // Quick mode applies the profiles' quick blocks: a full-mode measurement is not a quick one (keys of full runs unchanged).
    conditions: { llama, sampler: plan.config.sampler, verdicts: plan.config.verdicts, ...(target ? { target } : {}), ...(plan.config.planner?.mode === 'quick' ? { plannerMode: 'quick' } : {}) },
    modelSha256: planned.model.sha256,
    llama: remote ? { version: remote.facts?.reported ?? 'unreported', commit: remote.facts?.commit ?? '' } : { version: plan.llama.version, commit: plan.llama.commit },
  };
}

export function resumeStamp(plan: Plan, planned: PlannedCell, profile: string): ResumeStamp {
  return resumeStampOf(keyParts(plan, planned, profile));
}

export type ResumeDecision =
  | { action: 'reuse'; measurement: CellMeasurement; verdicts: Verdict[] }
  | { action: 'measure'; reason: string };

/**
 * Whether a stored summary stands for this cell now. `stored` is the parsed summary.json, `null` when there is
 * none, or an Error when it could not be read or parsed. Only a completed measurement under the same key is reused;
 * an errored one is measured again.
 */
export function decideResume(stored: unknown, current: ResumeStamp): ResumeDecision {
  if (stored === null || stored === undefined) return { action: 'measure', reason: 'not measured yet' };
  if (stored instanceof Error) return { action: 'measure', reason: `summary.json unreadable (${stored.message})` };
  const parsed = storedSummarySchema.safeParse(stored);
  if (!parsed.success) return { action: 'measure', reason: `summary.json does not match the current format (${parsed.error.issues[0]?.path.join('.') || 'root'})` };
  const { resume, measurement } = parsed.data;
  if (!resume) return { action: 'measure', reason: 'summary.json has no resume key (written before checkpoints existed)' };
  if (resume.key !== current.key) return { action: 'measure', reason: `measured under other conditions: ${keyDifference(resume, current)}` };
  if (measurement.state !== 'completed') return { action: 'measure', reason: `it errored last time: ${(measurement.error ?? 'no reason').split('\n')[0]}` };
  // The stored objects as written, not the parsed copies: parsing drops fields this version does not know.
  const raw = stored as { measurement: CellMeasurement; verdicts: Verdict[] };
  return { action: 'reuse', measurement: raw.measurement, verdicts: raw.verdicts };
}

function keyDifference(stored: ResumeStamp, current: ResumeStamp): string {
  const out: string[] = [];
  if (stored.modelSha256 !== current.modelSha256) out.push(`model file sha256 ${stored.modelSha256.slice(0, 12)} → ${current.modelSha256.slice(0, 12)}`);
  if (stored.llama.commit !== current.llama.commit || stored.llama.version !== current.llama.version) {
    // A server started elsewhere that reported no commit: its reported version alone.
    const build = (l: ResumeStamp['llama']) => (l.commit ? `${l.version} (${l.commit})` : l.version);
    out.push(`${stored.llama.commit && current.llama.commit ? 'llama.cpp' : 'server'} ${build(stored.llama)} → ${build(current.llama)}`);
  }
  if (stored.configKey !== current.configKey) {
    const changed = Object.keys(current.parts ?? {}).filter((name) => stored.parts?.[name] !== current.parts?.[name]);
    out.push(stored.parts && changed.length ? `${changed.join(', ')} changed` : 'the cell, profile settings, budgets or llama/sampler/verdict settings changed');
  }
  return out.join('; ') || 'the key changed';
}

/** A cell × profile the run was meant to measure and did not. */
export interface NotRun {
  cell: string;
  profile: string;
}

/**
 * Planned cells × selected profiles with no result in the report: what a resume still has to measure. `included`
 * drops cells a filter such as `-t Q4_K_M` left out on purpose.
 */
export function notRunCells(
  cellIds: readonly string[],
  profiles: readonly string[],
  done: ReadonlyArray<{ profile: string; cellId: string }>,
  included: (profile: string, cellId: string) => boolean = () => true,
): NotRun[] {
  const finished = new Set(done.map((d) => `${d.profile}\0${d.cellId}`));
  const out: NotRun[] = [];
  for (const profile of [...profiles].sort()) {
    for (const cell of [...cellIds].sort()) {
      if (!finished.has(`${profile}\0${cell}`) && included(profile, cell)) out.push({ cell, profile });
    }
  }
  return out;
}

/**
 * Whether a `-t` pattern keeps a cell in the run: Vitest matches it against "<describe title> <test title>", and
 * the describe title is the cell id, so the cell runs when one of its tests' names matches.
 */
export function selectedByPattern(pattern: RegExp | undefined, cellId: string, testTitles: readonly string[]): boolean {
  return !pattern || testTitles.some((title) => `${cellId} ${title}`.match(pattern) !== null);
}
