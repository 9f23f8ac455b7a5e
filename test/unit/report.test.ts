import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { scoreboardCsv } from '../../harness/report/csv.ts';
import { escapeHtml, reportHtml } from '../../harness/report/html.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { terminalTable } from '../../harness/report/table.ts';
import { cellReport, matrixCell, runReport } from './report-fixtures.ts';

const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'&';

const report: RunReport = runReport(
  [
    cellReport('interactive', matrixCell({ threads: 2 }), {
      metrics: {
        latency_p95_s: { value: 3, unit: 's', status: 'ok' },
        cpu_mean_pct: { value: 20, unit: '% of machine', status: 'ok' },
      },
      verdicts: [
        { metric: 'latency_p95_s', label: 'p95 latency', source: '<= 2.5', op: '<=', limit: 2.5, unit: 's', value: 3, status: 'fail', margin: -0.5, used: 1.2 },
      ],
      counts: { pass: 0, fail: 1, inconclusive: 0, skipped: 0, error: 0 },
      sampleResponses: [HOSTILE],
    }),
  ],
  { models: [{ name: 'tiny', kind: 'builtin', detail: 'the generated tiny default model (random weights)' }] },
);

describe('report exporters', () => {
  test('HTML escapes model output; its one script is allowed by hash, nothing else can run', () => {
    const html = reportHtml(report);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(HOSTILE));
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    const scriptSrc = /script-src ([^;"]*)/.exec(html)![1]!;
    expect(scriptSrc).toBe(`'sha256-${hash}'`);
  });
  test('CSV: one row per metric with its budget verdict', () => {
    const lines = scoreboardCsv(report).trim().split('\n');
    expect(lines[0]).toBe('run_id,profile,cell,model,quant,threads,ctx,priority,poll,batch_size,ubatch_size,threads_batch,mlock,mmap,flash_attn,affinity,cell_state,metric,value,unit,status,reason,budget,verdict,margin,budget_used,better,ci_low,ci_high,ci_level,method');
    expect(lines).toContain('20260101-000000-abcdef,interactive,tiny Q4_K_M t2 c1024 nice10,tiny,Q4_K_M,2,1024,nice10,,,,,,,,,completed,latency_p95_s,3,s,ok,,<= 2.5,fail,-0.5,1.2,lower,,,,');
    expect(lines).toHaveLength(3);
  });
  test('CSV: a budget on an aggregation sits on the row of the figure it judges, or on a row of its own', () => {
    const cell = report.cells[0]!;
    const sampled: RunReport = {
      ...report,
      cells: [
        {
          ...cell,
          metrics: { latency_s: { value: 1.5, unit: 's', status: 'ok' }, latency_p95_s: { value: 3, unit: 's', status: 'ok' } },
          verdicts: [
            { metric: 'latency_s', aggregation: 'p(95)', label: 'latency', source: 'p(95) <= 2.5', op: '<=', limit: 2.5, unit: 's', value: 3, status: 'fail', margin: -0.5, used: 1.2 },
            { metric: 'ttft_s', aggregation: 'p(90)', label: 'TTFT', source: 'p(90) <= 1', op: '<=', limit: 1, unit: 's', value: 0.5, status: 'pass', margin: 0.5, used: 0.5 },
          ],
          counts: { pass: 1, fail: 1, inconclusive: 0, skipped: 0, error: 0 },
        },
      ],
    };
    const rows = scoreboardCsv(sampled).trim().split('\n').slice(1).map((l) => l.split(',').slice(17, 24).join(','));
    expect(rows).toEqual([
      'latency_p95_s,3,s,ok,,<= 2.5,fail',
      'latency_s,1.5,s,ok,,,',
      'ttft_s p(90),0.5,s,ok,,<= 1,pass',
    ]);
    expect(reportHtml(sampled)).toContain('latency p95 3.00 s (limit ≤ 2.5)');
  });
  test('a remote target is shown as the server it is, not as a local llama.cpp build', () => {
    const remote: RunReport = { ...report, llama: { version: 'b7000', commit: '', serverPath: 'http://127.0.0.1:8080', source: 'remote' } };
    const html = reportHtml(remote);
    expect(html).toContain('http://127.0.0.1:8080, b7000; not started by this run (remote target)');
    expect(html).not.toMatch(/<b>llama\.cpp:<\/b>/);
  });
  test('terminal table shows the failing cell', () => {
    expect(terminalTable(report)).toMatch(/tiny Q4_K_M t2 c1024 nice10 .*FAIL 1\/1/);
  });
  test('says plainly when no configuration met every budget, and why', () => {
    expect(reportHtml(report)).toMatch(/No configuration met every budget.*tiny Q4_K_M t2 c1024 nice10<\/b> missed 1: interactive: p95 latency 3.00 s \(limit ≤ 2.5\)/s);
  });
  test('escapeHtml', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});
