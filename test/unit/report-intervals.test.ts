// The report names intervals at the level they were computed at (verdicts.confidence), and shows the paired
// invisibility comparison with its method.
import { expect, test } from 'vitest';
import { analyzePairedSession, type ProbePhase } from '../../harness/analysis/paired.ts';
import { reportHtml } from '../../harness/report/html.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { cellReport, matrixCell, runReport } from './report-fixtures.ts';

function report(level: number): RunReport {
  return runReport([
    cellReport('interactive', matrixCell({ priority: 'normal' }), {
      metrics: { latency_p50_s: { value: 2, unit: 's', status: 'ok' } },
      verdicts: [
        {
          metric: 'latency_p50_s', label: 'p50 latency', source: '<= 2.5', op: '<=', limit: 2.5, unit: 's', value: 2, status: 'pass', margin: 0.5, used: 0.8,
          ci: { low: 1.8, high: 2.2, level, method: 'order-statistic' },
        },
      ],
      counts: { pass: 1, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    }),
  ]);
}

test('a 90 % interval is labelled 90 %, never 95 %', () => {
  const html = reportHtml(report(0.9));
  expect(html).toContain('90 % CI');
  expect(html).toContain('its 90 % interval reaches past the limit');
  expect(html).not.toMatch(/95 %/);
  expect(reportHtml(report(0.95))).toContain('95 % CI');
});

test('the paired comparison appears under Invisibility with its method, level and explanation', () => {
  const idle = (taskMs: number): ProbePhase => ({ round: -1, cell: null, taskMs, latenessP99Ms: 1, cpuSharePct: 99, serverCpuPct: null });
  const phases: ProbePhase[] = [idle(10)];
  for (let r = 0; r < 4; r++) {
    phases.push({ round: r, cell: 'A <b>', taskMs: 12 + (r % 2) * 0.1, latenessP99Ms: 2, cpuSharePct: 97, serverCpuPct: 90 }, idle(10));
    phases.push({ round: r, cell: 'B', taskMs: 11, latenessP99Ms: 2, cpuSharePct: 97, serverCpuPct: 180 }, idle(10));
  }
  const comparison = analyzePairedSession({ group: 'tiny Q4_K_M c1024', phases, cells: ['A <b>', 'B'], pairs: [{ a: 'A <b>', b: 'B', axis: 'threads' }], level: 0.9, stopReason: 'max_rounds', loadAverage: { start: 1.5, end: 2 } });
  const r = report(0.9);
  r.cells[0]!.profile = 'invisibility';
  const html = reportHtml({ ...r, pairedComparisons: [comparison] });
  expect(html).toContain('Paired comparison: tiny Q4_K_M c1024');
  expect(html).toContain('Method: paired rounds in one probe session');
  expect(html).toContain('90 % intervals');
  expect(html).toContain('Load average 1.5 → 2.0');
  expect(html).toContain('A &lt;b&gt;');
  expect(html).not.toContain('A <b>');
  expect(html).toContain(comparison.pairs[0]!.explanation.slice(0, 30).replace(/</g, '&lt;').replace(/>/g, '&gt;'));
});
