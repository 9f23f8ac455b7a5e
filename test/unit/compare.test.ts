import { expect, test } from 'vitest';
import { ok } from '../../harness/measurement/schema.ts';
import { compareRuns } from '../../harness/report/compare.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';

const ci = (low: number, high: number) => ({ low, high, level: 0.95, resamples: 1000 });

function run(id: string, latency: number, latencyCi: ReturnType<typeof ci> | undefined, tps: number): RunReport {
  const cell: CellReport = {
    profile: 'interactive',
    cell: { id: 'm Q4 t1 c512 nice10', slug: 'x', model: 'm', quant: 'Q4', threads: 1, ctx: 512, priority: 'nice10' },
    state: 'completed',
    metrics: { latency_p95_s: ok(latency, 's', undefined, latencyCi), decode_tps_mean: ok(tps, 'tok/s', undefined, ci(tps - 1, tps + 1)) },
    verdicts: [],
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
  };
  return { runId: id, cells: [cell] } as unknown as RunReport;
}

test('a change beyond the interval in the worse direction is a regression; within it is noise', () => {
  const c = compareRuns(run('new', 2.0, ci(1.8, 2.2), 10), run('old', 1.5, undefined, 10.5));
  const latency = c.rows.find((r) => r.metric === 'latency_p95_s')!;
  expect(latency).toMatchObject({ before: 1.5, after: 2.0, regression: true, improvement: false });
  expect(latency.deltaPct).toBeCloseTo(33.33, 1);
  // 10.5 lies inside [9, 11]: not flagged either way
  expect(c.rows.find((r) => r.metric === 'decode_tps_mean')).toMatchObject({ regression: false, improvement: false });
});

test('faster is an improvement; no interval means no flag', () => {
  expect(compareRuns(run('new', 1.0, ci(0.9, 1.1), 10), run('old', 1.5, undefined, 10)).rows[1]).toMatchObject({ metric: 'latency_p95_s', improvement: true });
  expect(compareRuns(run('new', 3.0, undefined, 10), run('old', 1.0, undefined, 10)).rows.find((r) => r.metric === 'latency_p95_s')!.regression).toBe(false);
});
