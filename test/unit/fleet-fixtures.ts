// Scoreboards of two fake hosts (and helpers to make more), built from real budgets and verdicts.
import { evaluateBudget, makeBudget } from '../../harness/budgets/budget.ts';
import { ok } from '../../harness/measurement/schema.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { runReport } from './report-fixtures.ts';

const LATENCY = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2');
const RSS = makeBudget('rss_peak_mb', { label: 'peak RSS', unit: 'MB' }, '<= 3000');

/** An interactive cell judged on p95 latency ≤ 2 s and peak RSS ≤ 3000 MB. */
export function cell(id: string, latency: number, rss: number, state: CellReport['state'] = 'completed', profile = 'interactive'): CellReport {
  const metrics = { latency_p95_s: ok(latency, 's'), rss_peak_mb: ok(rss, 'MB') };
  const verdicts = state === 'completed' ? [evaluateBudget(LATENCY, metrics.latency_p95_s), evaluateBudget(RSS, metrics.rss_peak_mb)] : [];
  const counts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 };
  for (const v of verdicts) counts[v.status]++;
  const [model, quant, threads] = id.split(' ');
  return {
    profile,
    cell: { id, slug: id.replace(/ /g, '_'), model: model!, quant: quant!, threads: Number(threads!.slice(1)), ctx: 2048, priority: 'nice10' },
    state,
    ...(state === 'errored' ? { error: 'llama-server exited with code 1' } : {}),
    metrics,
    verdicts,
    counts,
    tests: verdicts.map((v) => ({ name: v.label, state: v.status === 'pass' ? ('passed' as const) : ('failed' as const) })),
    sampleResponses: [],
  };
}

export function run(runId: string, host: { cpu: string; cores: number; memoryGb: number }, cells: CellReport[], extra: Partial<RunReport> = {}): RunReport {
  return runReport(cells, {
    runId,
    createdAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:30:00.000Z',
    endReason: 'the run ended: passed',
    host: { ...host, os: 'Debian 13', kernel: '6.12', arch: 'x64', node: 'v20.20.2' },
    llama: { version: 'b7000', commit: 'abc1234', serverPath: '/usr/bin/llama-server', source: 'cache' },
    config: { file: 'bench.config.yaml', hash: 'f'.repeat(64) },
    percentileMethod: 'R-7',
    ...extra,
  });
}

export const X = 'small Q4_K_M t1';
export const Y = 'small Q4_K_M t2';
export const Z = 'small Q8_0 t2';

/** A 4-core laptop where every cell passes; a 2-core edge box where two threads are too slow and Q8_0 too big. */
export const LAPTOP = run('20261201-100000-aaaaaa', { cpu: 'Intel Core i7-1260P', cores: 4, memoryGb: 16 }, [cell(X, 1.0, 900), cell(Y, 0.5, 1000), cell(Z, 0.4, 2500)]);
export const EDGE = run('20261201-110000-bbbbbb', { cpu: 'ARM Cortex-A76', cores: 2, memoryGb: 4 }, [cell(X, 1.8, 900), cell(Y, 2.6, 1000), cell(Z, 1.5, 3500)]);
