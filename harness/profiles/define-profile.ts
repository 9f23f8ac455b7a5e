/**
 * A profile declared once: its settings (with defaults and quick overrides), the metrics it emits (with their
 * direction and bands), its default budgets, the setup time its workload needs, the report charts of what it
 * records along the way, and, loaded only when a cell runs, its workload. The registry (registry.ts) lists the
 * profiles; the config schema, the Vitest projects, the default budgets, the key metrics and the report's sections
 * are derived from it. The declaration is data: it imports no engine code, so config and report can read it.
 */
import type { z } from 'zod';
import type { FamilyName, MetricDefinition, MetricFamily } from '../budgets/metric.ts';
import type { Metric } from '../measurement/schema.ts';
import type { ServerOverrides } from '../server/backend.ts';
import type { Capability } from '../server/capabilities.ts';

/** A chart of a series table the workload recorded (see `series` in the measurement): one line per cell. */
export interface SeriesChart {
  kind: 'series';
  table: string;
  x: string;
  y: string;
  xLabel: string;
  yLabel: string;
  /** Draw the limit of this metric's budget as a line, where the metric has one. */
  limitOf?: string;
}

/**
 * Discrete outcomes along one axis, one strip per cell: each row of `table` is a mark at `x`, coloured by the
 * outcome whose index is in column `outcome` (the first outcome is the good one); `hollow` names a 0/1 column.
 */
export interface OutcomeStrip {
  kind: 'outcome-strip';
  title: string;
  note: string;
  table: string;
  x: string;
  outcome: string;
  outcomes: readonly string[];
  hollow?: string;
  xLabel: string;
}

/** A series table shown as it is, one small table per cell; `names` turn a column's codes (0, 1, …) into words. */
export interface TableView {
  kind: 'table';
  title: string;
  note: string;
  table: string;
  columns: readonly { key: string; label: string; names?: readonly string[] }[];
}

/** Report sections a profile asks for: a block of series charts, or one of the report's own views. */
export type ProfileChart =
  | { kind: 'block'; title: string; note: string; charts: readonly SeriesChart[] }
  | OutcomeStrip
  | TableView
  | { kind: 'latency-percentiles' }
  | { kind: 'quality-speed' }
  | { kind: 'quality-degradation' }
  | { kind: 'paired-comparison' }
  | { kind: 'middleware-comparison' }
  | { kind: 'crossover' }
  | { kind: 'variability' };

/** What a server must offer for a profile to run on it (harness/server/capabilities.ts, pure data); missing ones skip the profile with the reason. */
export type { Capability } from '../server/capabilities.ts';

export interface SetupContext {
  /** llama.load_timeout_s: every launch of a server may take this long. */
  loadTimeoutS: number;
}

/** The part of a profile that runs: loaded lazily, so the declaration stays free of engine code. */
export interface ProfileRuntime {
  workload: (ctx: never) => Promise<Partial<Record<string, Metric>>>;
  /** Cell selection beyond the matrix (a duplicate's stand-in, one cell only); see define-suite.ts. */
  suite?: unknown;
  /** Runs once after every cell's describe is defined (e.g. invisibility's paired comparison). */
  afterCells?: () => void;
}

export interface ProfileDefinition<
  N extends string = string,
  S extends z.ZodType = z.ZodType,
  M extends Record<string, MetricDefinition> = Record<string, MetricDefinition>,
  F extends readonly MetricFamily[] = readonly MetricFamily[],
> {
  name: N;
  /** One sentence: what the profile does, for the README and the report. */
  summary: string;
  /** The profile's block under `profiles:` in the config, with its defaults (and `quick` overrides if it has them). */
  settings: S;
  metrics: M;
  families?: F;
  /** The figures its tables show first, in that order. */
  key: readonly (keyof M & string)[];
  /** Default budgets, each overridable or "off" in the config. */
  budgets: Readonly<Partial<Record<keyof M & string, string | readonly string[]>>>;
  /**
   * What the server must offer, or a function of the settings in force (batch's no-cache pass needs a relaunch);
   * a backend without it skips the profile's cells with the reason.
   */
  needs?: readonly Capability[] | ((settings: z.output<S>) => readonly Capability[]);
  /** Server settings the profile's server starts with, on top of the cell's (sleep-race: --sleep-idle-seconds). */
  server?: (settings: z.output<S>) => ServerOverrides;
  /** How long one cell's setup may take (server launches, the workload, its timeouts), from the settings in force. */
  setupTimeoutS: (settings: z.output<S>, ctx: SetupContext) => number;
  charts?: readonly ProfileChart[];
  /** Sends chat requests through the prompt middleware (matrix.middleware); other profiles measure such cells once. */
  usesMiddleware?: boolean;
  load: () => Promise<ProfileRuntime>;
}

/** Identity at run time; its job is the type: a profile's metric names, keys and budgets are checked against each other. */
export function defineProfile<
  const N extends string,
  S extends z.ZodType,
  const M extends Record<string, MetricDefinition>,
  const F extends readonly MetricFamily[] = readonly [],
>(profile: ProfileDefinition<N, S, M, F>): ProfileDefinition<N, S, M, F> {
  return profile;
}

/** The metric names a profile may emit: its declared metrics and the members of its families. */
export type MetricNameOf<D> = D extends ProfileDefinition<string, z.ZodType, infer M, infer F> ? (keyof M & string) | FamilyName<F[number]> : never;

/** What readers of any profile need (the config schema, the report): the parts whose types do not depend on its metrics. */
export type DeclaredProfile = Pick<ProfileDefinition, 'name' | 'summary' | 'settings' | 'charts'>;

/** The capabilities a profile needs under `settings` (its settings in force, quick overrides applied). */
export function profileNeeds(profile: { needs?: readonly Capability[] | ((settings: never) => readonly Capability[]) }, settings: unknown): readonly Capability[] {
  const needs = profile.needs;
  if (needs === undefined) return [];
  return typeof needs === 'function' ? (needs as (s: unknown) => readonly Capability[])(settings) : needs;
}
