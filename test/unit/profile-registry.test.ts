// The profile as the unit: the registry is the one list, and everything else follows from it. An example profile
// kept in a fixture shows that a new profile reaches the config, the Vitest projects and the report without
// touching other files.
import { describe, expect, test } from 'vitest';
import { configSchema, profilesSchemaFor } from '../../harness/config/schema.ts';
import { DEFAULT_BUDGETS } from '../../harness/budgets/defaults.ts';
import { KEY_METRICS, metricDefinition } from '../../harness/budgets/catalogue.ts';
import { aggregationProblem, parseBudgetExpression } from '../../harness/budgets/budget.ts';
import { PROFILES, PROFILE_NAMES } from '../../harness/profiles/registry.ts';
import { reportHtml } from '../../harness/report/html.ts';
import type { CellReport } from '../../harness/report/model.ts';
import { cellReport, matrixCell, runReport } from './report-fixtures.ts';
import projects, { PROFILE_PROJECTS, profileProject } from '../../vitest.workspace.ts';
import { ping } from '../fixtures/ping-profile/profile.ts';

describe('the registry is the one list of profiles', () => {
  test('the Vitest projects, the config and the default budgets follow it, in its order', () => {
    expect([...PROFILE_PROJECTS]).toEqual(PROFILES.map((p) => p.name));
    const names = (projects as { test?: { name?: string } }[]).map((p) => p.test?.name);
    expect(names.slice(0, PROFILES.length)).toEqual([...PROFILE_NAMES]);
    const parsed = configSchema.shape.profiles.parse({});
    expect(Object.keys(parsed)).toEqual([...PROFILE_NAMES]);
    expect(Object.keys(DEFAULT_BUDGETS)).toEqual([...PROFILE_NAMES]);
  });

  test('every profile: its key metrics and budgets name its declared metrics, its budgets parse, its setup time is positive', () => {
    for (const p of PROFILES) {
      for (const m of p.key) expect(metricDefinition(p.name, m), `${p.name}.${m}`).toBeDefined();
      for (const [m, sources] of Object.entries(p.budgets)) {
        const definition = metricDefinition(p.name, m);
        expect(definition, `${p.name}.${m}`).toBeDefined();
        expect(definition!.alias, `${p.name}.${m} is an older name`).toBeUndefined();
        for (const source of typeof sources === 'string' ? [sources] : (sources as string[])) {
          const parsed = parseBudgetExpression(source);
          expect(parsed, `${p.name}.${m}: ${source}`).not.toBeNull();
          expect(aggregationProblem(definition!.sampled !== undefined, m, parsed!.aggregation), `${p.name}.${m}: ${source}`).toBeNull();
        }
      }
      expect(KEY_METRICS[p.name]).toEqual([...p.key]);
      const settings = p.settings.parse({});
      const timeout = (p.setupTimeoutS as (s: unknown, ctx: { loadTimeoutS: number }) => number)(settings, { loadTimeoutS: 300 });
      expect(timeout, p.name).toBeGreaterThan(300);
      expect(Number.isFinite(timeout), p.name).toBe(true);
    }
  });

  test('each workload loads lazily and exports a workload function', async () => {
    for (const p of PROFILES) expect(typeof (await p.load()).workload, p.name).toBe('function');
  });
});

describe('an example profile in a fixture', () => {
  test('appears in the config (settings with defaults, strict), the projects and the report', () => {
    const schema = profilesSchemaFor([...PROFILES, ping]);
    const parsed = schema.parse({ ping: { requests: 5 } }) as Record<string, { requests: number; enabled: boolean; budgets: object }>;
    expect(parsed.ping).toMatchObject({ requests: 5, enabled: true, budgets: {} });
    expect((schema.parse({}) as Record<string, { requests: number }>).ping!.requests).toBe(20);
    expect(schema.safeParse({ ping: { request: 5 } }).success).toBe(false);

    expect(profileProject('ping', PROFILES.length).test?.include).toEqual(['harness/profiles/ping/ping.test.ts']);

    const report = runReport([
      cellReport('ping', matrixCell(), {
        metrics: { health_rtt_p95_ms: { value: 3, unit: 'ms', status: 'ok' } },
        measurement: { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1000, modelPath: '/x/tiny.gguf', serverPort: 8080, files: {}, series: { pings: [{ i: 0, ms: 2 }, { i: 1, ms: 3 }] } },
      }),
    ]);
    const html = reportHtml(report, new Map(), new Map(), [...PROFILES, ping]);
    expect(html).toContain('<h2>Ping</h2>');
    expect(html).toContain('<h3>Health round trips</h3>');
    // without the declaration the section is still there, only its charts are not
    expect(reportHtml(report)).not.toContain('Health round trips');
  });
});
