import { describe, expect, test } from 'vitest';
import type { CellMeasurement } from '../../harness/measurement/schema.ts';
import { cellReportSchema, measurementFacts } from '../../harness/report/model.ts';

const cell = { id: 'tiny Q4_K_M t1 c1024 nice10', slug: 'tiny_Q4_K_M_t1_c1024_nice10', model: 'tiny', quant: 'Q4_K_M', threads: 1, ctx: 1024, priority: 'nice10' };
const metrics = { ttft_p50_s: { value: 0.4, unit: 's', status: 'ok' as const } };
const measurement: CellMeasurement = {
  profile: 'interactive',
  cell,
  state: 'errored',
  error: 'llama-server exited',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1200,
  modelPath: '/models/tiny.gguf',
  serverPort: 8080,
  metrics,
  series: { sizes: [{ tokens: 200, ttft_s: 0.1 }] },
  files: { summary: 'tiny_Q4_K_M_t1_c1024_nice10/interactive/summary.json' },
};

describe('a scoreboard cell keeps each figure once', () => {
  test('measurementFacts drops what the cell report already says and keeps the rest', () => {
    const facts = measurementFacts(measurement);
    expect(Object.keys(facts).sort()).toEqual(['durationMs', 'files', 'modelPath', 'series', 'serverPort', 'startedAt']);
    expect(facts.series).toBe(measurement.series);
  });

  test('an older scoreboard cell, with metrics stored twice, still reads, and comes out with them once', () => {
    const older = {
      profile: 'interactive',
      cell,
      state: 'errored',
      error: 'llama-server exited',
      metrics,
      verdicts: [],
      counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
      measurement,
      tests: [],
    };
    const parsed = cellReportSchema.parse(JSON.parse(JSON.stringify(older)));
    expect(parsed.metrics).toEqual(metrics);
    expect(parsed.measurement).toEqual(measurementFacts(measurement));
    expect(parsed.measurement).not.toHaveProperty('metrics');
  });

  test('a measurement that lacks one of its own facts is still refused', () => {
    const { files: _files, ...withoutFiles } = measurementFacts(measurement);
    const cellReport = { profile: 'interactive', cell, state: 'completed', metrics, verdicts: [], counts: { pass: 0, fail: 0, skipped: 0, error: 0 }, tests: [], measurement: withoutFiles };
    expect(cellReportSchema.safeParse(cellReport).success).toBe(false);
  });
});
