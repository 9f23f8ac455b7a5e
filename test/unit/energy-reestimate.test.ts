import { describe, expect, test } from 'vitest';
import { hasMeasuredEnergy, requestMarksOf, samplesOnEpoch } from '../../harness/energy/reestimate.ts';
import { energyMetrics } from '../../harness/energy/metrics.ts';
import type { CellReport } from '../../harness/report/model.ts';

describe('re-estimating a stored run\'s energy', () => {
  test('samples go on the wall clock from epoch_ms; each tick covers the time since the one before', () => {
    const rows = samplesOnEpoch('t_ms,cpu_machine_pct,system_cpu_pct,epoch_ms\n0,5,40,1000\n100,,60,1100\n200,7,80,1200\n', 'm.csv');
    expect(rows.map((r) => [r.since, r.at, r.cpuMachinePct, r.systemCpuPct])).toEqual([
      [1000, 1000, 5, 40],
      [1000, 1100, null, 60], // an empty field is no reading, not 0
      [1100, 1200, 7, 80],
    ]);
  });

  test('a samples file without the epoch_ms anchor (an older run) is a clear error, not a guess', () => {
    expect(() => samplesOnEpoch('t_ms,cpu_machine_pct,system_cpu_pct\n0,5,40\n', 'cell/metrics_samples.csv')).toThrow(
      'cell/metrics_samples.csv has no epoch_ms column: the run predates the samples\' time anchor, so its energy cannot be re-estimated (run the cell again)',
    );
  });

  test('request marks: measured answered requests only; a request without a first token has no split', () => {
    const line = (o: object) => JSON.stringify(o);
    const jsonl = [
      line({ warmup: true, ok: true, energy: { start_epoch_ms: 1, split_epoch_ms: 2, end_epoch_ms: 3 }, output_tokens: 4 }),
      line({ warmup: false, ok: false, energy: { start_epoch_ms: 1, split_epoch_ms: null, end_epoch_ms: null } }),
      line({ warmup: false, ok: true, energy: { start_epoch_ms: 10, split_epoch_ms: 20, end_epoch_ms: 50 }, prompt_tokens: 7, output_tokens: 16, timings: { prompt_ms: 5, predicted_ms: 25 } }),
      line({ warmup: false, ok: true, energy: { start_epoch_ms: 60, split_epoch_ms: null, end_epoch_ms: null }, output_tokens: 0, timings: null }),
      line({ warmup: false, ok: true, output_tokens: 3 }), // energy was off
      '',
    ].join('\n');
    expect(requestMarksOf(jsonl)).toEqual([
      { start: { at: 10, packageJ: null }, split: { at: 20, packageJ: null }, end: { at: 50, packageJ: null }, inputTokens: 7, outputTokens: 16, serverActiveMs: 30 },
      { start: { at: 60, packageJ: null }, split: null, end: null, inputTokens: null, outputTokens: 0, serverActiveMs: null },
    ]);
  });

  test('a cell with measured figures is recognised (and kept by the re-estimate); an estimated one is not', () => {
    const input = (method: 'measured' | 'estimated') =>
      energyMetrics({
        method,
        basis: 'b',
        requests: [{ startAt: 0, splitAt: 100, endAt: 1000, prefillJ: 1, decodeJ: 9, inputTokens: 10, outputTokens: 20, share: 0.5, serverActiveMs: 900 }],
        idle: { none: 'no baseline' },
        noAttribution: null,
        window: { joules: 10, seconds: 1 },
        grid: { gPerKwh: 400, source: 's' },
      });
    const cell = (metrics: object) => ({ metrics }) as unknown as CellReport;
    expect(hasMeasuredEnergy(cell(input('measured')))).toBe(true);
    expect(hasMeasuredEnergy(cell(input('estimated')))).toBe(false);
    expect(hasMeasuredEnergy(cell({}))).toBe(false);
  });
});
