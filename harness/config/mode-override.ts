// `--quick` / `--full` stand in for `planner.mode`. They reach the plan (prepared by `npm run bench`) and Vitest's
// global setup (which loads the config again) as BENCH_PLANNER_MODE, the way --url reaches them as BENCH_TARGET_URL.
import type { ConfigProblem } from './errors.ts';

export const PLANNER_MODE_VAR = 'BENCH_PLANNER_MODE';
export const PLANNER_MODES = ['quick', 'full'] as const;
export type PlannerMode = (typeof PLANNER_MODES)[number];

export interface ModeOverride {
  mode: PlannerMode | null;
  /** Where the mode came from, for messages that would otherwise name planner.mode. */
  source: { path: string; source: ConfigProblem['source'] } | null;
  problems: ConfigProblem[];
}

/** The mode given on the command line (already checked by the flag parser), else in BENCH_PLANNER_MODE, else none. */
export function modeOverrideFrom(cli: PlannerMode | undefined, env: NodeJS.ProcessEnv): ModeOverride {
  if (cli) return { mode: cli, source: { path: `--${cli}`, source: 'command line' }, problems: [] };
  const text = env[PLANNER_MODE_VAR];
  if (!text) return { mode: null, source: null, problems: [] };
  if ((PLANNER_MODES as readonly string[]).includes(text)) return { mode: text as PlannerMode, source: { path: PLANNER_MODE_VAR, source: 'environment' }, problems: [] };
  return { mode: null, source: null, problems: [{ path: PLANNER_MODE_VAR, source: 'environment', message: `got "${text}", expected quick or full` }] };
}

/** The config document with `planner.mode` set to the override (other planner keys kept as written). */
export function applyModeOverride(data: unknown, mode: PlannerMode | null): unknown {
  if (mode === null || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const doc = data as Record<string, unknown>;
  const planner = doc.planner !== null && typeof doc.planner === 'object' && !Array.isArray(doc.planner) ? (doc.planner as Record<string, unknown>) : {};
  return { ...doc, planner: { ...planner, mode } };
}
