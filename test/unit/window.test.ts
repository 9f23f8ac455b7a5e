// A measurement window's process figures: a row where the server could not be read is missing data, not idle time.
import type { Metric } from '../../harness/measurement/schema.ts';
import { describe, expect, test } from 'vitest';
import { resourceMetrics, unreadRows } from '../../harness/profiles/window.ts';
import type { SampleRow } from '../../harness/sampler/sampler.ts';

const BOOTSTRAP = { resamples: 200, level: 0.95, seed: 1 };

function row(at: number, cpu: number | null, rss: number | null, pids = cpu === null && rss === null ? 0 : 1): SampleRow {
  return {
    at,
    since: at - 100,
    cpuCorePct: cpu === null ? null : cpu * 2,
    cpuMachinePct: cpu,
    rssMb: rss,
    pids,
    systemCpuPct: 10,
    swapUsedMb: 0,
    psiCpuPct: null,
    psiMemoryPct: null,
    psiIoPct: null,
    temperatureC: null,
    frequencyMhz: null,
    energyJ: null,
  };
}

describe('resourceMetrics with unread rows', () => {
  test('every row read: CPU and RSS are ok', () => {
    const rows = [row(1, 1, 100), row(2, 3, 110), row(3, 2, 105)];
    const m = resourceMetrics(rows, rows, {}, BOOTSTRAP);
    expect(m.cpu_mean_pct).toMatchObject({ status: 'ok', value: 2 });
    expect(m.cpu_peak_pct).toMatchObject({ status: 'ok', value: 3 });
    expect(m.rss_peak_mb).toMatchObject({ status: 'ok', value: 110 });
  });

  test('two of three rows saw no process (the server died): CPU and RSS are errors, not the third row alone', () => {
    const rows = [row(1, 0.5, 100), row(2, null, null), row(3, null, null)];
    const m = resourceMetrics(rows, rows, {}, BOOTSTRAP);
    for (const k of ['cpu_mean_pct', 'cpu_p99_pct', 'cpu_peak_pct', 'rss_peak_mb', 'rss_mean_mb']) {
      expect((m as Record<string, unknown>)[k]).toMatchObject({ status: 'error', value: null });
      expect((m as Record<string, Metric>)[k]!.reason).toBe(
        "the server's process could not be read in 2 of 3 samples of the measurement window (it was gone: it had exited, or /proc hides it)",
      );
    }
    // System-wide figures do not depend on the server's process.
    expect(m.system_cpu_mean_pct).toMatchObject({ status: 'ok', value: 10 });
  });

  test('a process found whose CPU time could not be read is not 0 %', () => {
    const rows = [row(1, 1, 100), row(2, null, 100, 1)];
    const m = resourceMetrics(rows, rows, {}, BOOTSTRAP);
    expect(m.cpu_mean_pct!.status).toBe('error');
    expect(m.cpu_mean_pct!.reason).toMatch(/could not be read in 1 of 2 samples .*its CPU figures were unreadable/);
    expect(m.rss_peak_mb).toMatchObject({ status: 'ok', value: 100 });
  });

  test('an empty window keeps the interval reason, which only fits there', () => {
    expect(unreadRows([], (r) => r.cpuMachinePct, 'CPU')).toMatch(/no CPU samples in the measurement window \(is the window shorter than the sampler interval\?\)/);
    const m = resourceMetrics([], [], {}, BOOTSTRAP);
    expect(m.cpu_mean_pct).toMatchObject({ status: 'error' });
    expect(m.rss_peak_mb!.reason).toMatch(/no RSS samples/);
  });
});
