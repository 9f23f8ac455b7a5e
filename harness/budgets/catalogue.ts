/**
 * The metric registry: every figure a profile can emit is declared once, in its profile's definition
 * (harness/profiles/<name>/profile.ts), with its label, unit, the direction in which it is better, and the bands
 * that say what a value means to a person. This module reads those declarations for everyone else: budgets,
 * selection, recommendations, comparison, ratings, the CSV, the terminal table and the HTML. Nothing guesses a
 * direction from a metric's name. A budget on an undeclared metric is rejected when the config loads, and a
 * measurement carrying an undeclared metric fails its cell (run-cell.ts).
 */
import type { Metric } from '../measurement/schema.ts';
import type { MetricNameOf } from '../profiles/define-profile.ts';
import { PROFILES, PROFILE_NAMES, isProfileName, type ProfileName, type ProfileOf } from '../profiles/registry.ts';
import type { Better, MetricDefinition, MetricFamily } from './metric.ts';

export type { Better, CommonMetricName, MetricDefinition, MetricFamily } from './metric.ts';
export { PROFILE_NAMES, isProfileName, type ProfileName };

/** The metrics a profile may emit: a workload returning anything else does not type-check. */
export type MetricName<P extends ProfileName> = MetricNameOf<ProfileOf<P>>;
export type ProfileMetrics<P extends ProfileName> = Partial<Record<MetricName<P>, Metric>>;

interface Declared {
  metrics: Record<string, MetricDefinition>;
  families?: readonly MetricFamily[];
  key: readonly string[];
}
const declared = (profile: ProfileName): Declared => PROFILES.find((p) => p.name === profile)! as Declared;

/** Per profile, its declared metrics (name → definition). */
export const METRIC_CATALOGUE = Object.fromEntries(PROFILES.map((p) => [p.name, p.metrics])) as { [P in ProfileName]: ProfileOf<P>['metrics'] };

/** The figures each profile's tables show first, in order. */
export const KEY_METRICS = Object.fromEntries(PROFILES.map((p) => [p.name, [...p.key]])) as Record<ProfileName, string[]>;

/** The declaration of `metric` in `profile`; undefined for an unknown profile or metric (hostile scoreboards have both). */
export function metricDefinition(profile: string, metric: string): MetricDefinition | undefined {
  if (!isProfileName(profile)) return undefined;
  const entry = declared(profile);
  if (Object.hasOwn(entry.metrics, metric)) return entry.metrics[metric];
  for (const f of entry.families ?? []) {
    if (!metric.startsWith(f.prefix) || !metric.endsWith(f.suffix) || metric.length <= f.prefix.length + f.suffix.length) continue;
    const middle = metric.slice(f.prefix.length, metric.length - f.suffix.length);
    if (f.middle.test(middle)) return f.define(middle);
  }
  return undefined;
}

/** Which way `metric` of `profile` is better; `neither` for an undeclared one, so nothing is judged on a guess. */
export function betterOf(profile: string, metric: string): Better {
  return metricDefinition(profile, metric)?.better ?? 'neither';
}

/** A figure keyed `profile.metric` (as selection weights and candidates key them): its direction. */
export function betterOfKey(key: string): Better {
  const dot = key.indexOf('.');
  return dot < 0 ? 'neither' : betterOf(key.slice(0, dot), key.slice(dot + 1));
}

/** A profile's metric families, for messages and the tests that walk the registry. */
export function metricFamilies(profile: ProfileName): readonly MetricFamily[] {
  return declared(profile).families ?? [];
}

/** Every declared (profile, metric) pair, for the tests that walk the registry. */
export function declaredMetrics(): { profile: ProfileName; metric: string; definition: MetricDefinition }[] {
  return PROFILE_NAMES.flatMap((profile) =>
    Object.entries(declared(profile).metrics).map(([metric, definition]) => ({ profile, metric, definition })),
  );
}

/**
 * The metric whose figure a verdict judges, for tables that show one figure per metric: a verdict on a sampled
 * metric at an aggregation lands on the older metric that names that aggregation (`ttft_s` at p(95) → `ttft_p95_s`),
 * a plain verdict on its own metric, and an aggregation with no such metric on none (null): it gets a row of its own.
 */
export function verdictHome(profile: string, verdict: { metric: string; aggregation?: string | undefined }): string | null {
  if (!verdict.aggregation) return verdict.metric;
  if (!isProfileName(profile)) return null;
  for (const [name, definition] of Object.entries(declared(profile).metrics)) {
    if (definition.alias?.of === verdict.metric && definition.alias.aggregation === verdict.aggregation) return name;
  }
  return null;
}

/** The verdict shown beside `metric` in a table of one figure per metric, if a budget judged it. */
export function verdictFor<V extends { metric: string; aggregation?: string | undefined }>(profile: string, metric: string, verdicts: readonly V[]): V | undefined {
  return verdicts.find((v) => verdictHome(profile, v) === metric);
}
