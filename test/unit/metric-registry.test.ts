// Every metric declared once: walk the registry and every default budget against it.
import { describe, expect, test } from 'vitest';
import { aggregationProblem, parseBudgetExpression } from '../../harness/budgets/budget.ts';
import { KEY_METRICS, PROFILE_NAMES, betterOf, betterOfKey, declaredMetrics, metricDefinition, metricFamilies, type ProfileMetrics } from '../../harness/budgets/catalogue.ts';
import { ok } from '../../harness/measurement/schema.ts';
import { undeclaredMetrics, type Workload } from '../../harness/profiles/run-cell.ts';
import { DEFAULT_BUDGETS } from '../../harness/budgets/defaults.ts';
import { USE_CASES } from '../../harness/report/recommend.ts';
import { PROFILE_PROJECTS } from '../../vitest.workspace.ts';

describe('metric registry', () => {
  test('every declared metric has a label, a unit and a direction', () => {
    const all = declaredMetrics();
    expect(all.length).toBeGreaterThan(100);
    for (const { profile, metric, definition } of all) {
      expect(definition.label, `${profile}.${metric}`).not.toBe('');
      expect(definition.unit, `${profile}.${metric}`).not.toBe('');
      expect(['lower', 'higher', 'neither'], `${profile}.${metric}`).toContain(definition.better);
      for (const [i, band] of (definition.bands ?? []).entries()) {
        if (i > 0) expect(band.below, `${profile}.${metric} bands ascend`).toBeGreaterThan(definition.bands![i - 1]!.below);
      }
      if (definition.bands) expect(definition.bands.at(-1)!.below).toBe(Infinity);
    }
  });

  test('the directions that were guessed wrong before the registry', () => {
    for (const metric of ['foreground_slowdown_pct', 'timer_lateness_p99_ms', 'timer_lateness_idle_p99_ms', 'foreground_idle_ms', 'foreground_active_ms']) {
      expect(betterOf('invisibility', metric), metric).toBe('lower');
    }
    expect(betterOf('stress', 'health_failures')).toBe('lower');
    expect(betterOf('quality', 'cove_extra_tokens_mean')).toBe('lower');
    expect(betterOf('interactive', 'decode_tps_mean')).toBe('higher');
    expect(betterOfKey('invisibility.foreground_slowdown_pct')).toBe('lower');
  });

  test('unknown profiles and metrics have no definition and no direction (hostile scoreboards carry both)', () => {
    expect(metricDefinition('no-such-profile', 'cpu_mean_pct')).toBeUndefined();
    expect(metricDefinition('idle', 'toString')).toBeUndefined();
    expect(metricDefinition('__proto__', 'x')).toBeUndefined();
    expect(betterOf('idle', 'made_up')).toBe('neither');
    expect(betterOfKey('no-dot')).toBe('neither');
  });

  test('every default budget names a declared metric (never an older alias), parses, and fits the metric', () => {
    for (const profile of PROFILE_NAMES) {
      for (const [metric, sources] of Object.entries(DEFAULT_BUDGETS[profile])) {
        const definition = metricDefinition(profile, metric);
        expect(definition, `${profile}.${metric}`).toBeDefined();
        expect(definition!.alias, `${profile}.${metric} is an alias`).toBeUndefined();
        for (const source of typeof sources === 'string' ? [sources] : sources) {
          const parsed = parseBudgetExpression(source);
          expect(parsed, `${profile}.${metric}: ${source}`).not.toBeNull();
          expect(aggregationProblem(definition!.sampled !== undefined, metric, parsed!.aggregation), `${profile}.${metric}: ${source}`).toBeNull();
        }
      }
    }
  });

  test('every alias names a sampled metric of its profile and a valid aggregation', () => {
    for (const { profile, metric, definition } of declaredMetrics()) {
      if (!definition.alias) continue;
      expect(metricDefinition(profile, definition.alias.of)?.sampled, `${profile}.${metric} → ${definition.alias.of}`).toBeDefined();
      expect(parseBudgetExpression(`${definition.alias.aggregation} <= 1`)?.aggregation, metric).not.toBeNull();
    }
  });

  test('requests are made, so failed requests are budgeted', () => {
    for (const profile of ['interactive', 'quality', 'stress', 'concurrency'] as const) expect(DEFAULT_BUDGETS[profile].requests_failed).toBe('<= 0');
  });

  test('key metrics and use-case weights name declared metrics with a better side', () => {
    for (const profile of PROFILE_NAMES) for (const metric of KEY_METRICS[profile]) expect(metricDefinition(profile, metric), `${profile}.${metric}`).toBeDefined();
    for (const u of USE_CASES) {
      for (const key of Object.keys(u.weights)) expect(betterOfKey(key), `${u.id}: ${key}`).not.toBe('neither');
    }
  });

  test('the Vitest projects are the registry\'s profiles', () => {
    expect([...PROFILE_PROJECTS].sort()).toEqual([...PROFILE_NAMES].sort());
  });
});

describe('metric families and undeclared metrics', () => {
  test('quality scores per golden category and idle CPU per poll level are declared by their families', () => {
    expect(metricDefinition('quality', 'score_phishing')).toMatchObject({ label: 'phishing score', better: 'higher', unit: 'score' });
    expect(metricDefinition('quality', 'score_log_triage_constrained')).toMatchObject({ label: 'log triage score, constrained answers', better: 'higher' });
    expect(metricDefinition('wake', 'idle_cpu_poll25_pct')).toMatchObject({ label: 'idle CPU at --poll 25', better: 'lower', unit: '% of machine' });
    // the family's middle part is checked: nothing else slips in under its prefix
    expect(metricDefinition('wake', 'idle_cpu_pollx_pct')).toBeUndefined();
    expect(metricDefinition('quality', 'score_')).toBeUndefined();
    expect(metricDefinition('quality', 'score_Bad-Name')).toBeUndefined();
    expect(metricFamilies('quality').length).toBe(2);
  });

  test('a workload that emits an undeclared metric does not type-check, and fails its cell at run time', () => {
    // Workloads build their figures in a ProfileMetrics<profile> object: an undeclared name is a type error there.
    const metrics: ProfileMetrics<'idle'> = { cpu_mean_pct: ok(1, '% of machine') };
    // @ts-expect-error — not_a_metric is not declared for idle
    metrics.not_a_metric = ok(1, 'x');
    // @ts-expect-error — a metric of another profile is not idle's
    const literal: ProfileMetrics<'idle'> = { ttft_p95_s: ok(1, 's') };
    const typed: Workload<'idle'> = async () => metrics;
    expect([typed, literal]).toHaveLength(2);
    expect(undeclaredMetrics('idle', { cpu_mean_pct: ok(1, '%'), not_a_metric: ok(1, 'x'), ttft_p95_s: ok(1, 's') })).toEqual(['not_a_metric', 'ttft_p95_s']);
    expect(undeclaredMetrics('wake', { idle_cpu_poll7_pct: ok(1, '%') })).toEqual([]);
  });
});
