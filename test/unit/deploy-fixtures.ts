// A finished run as plain data, for the deploy unit tests: two cells of tiny (t1 passes every budget, t2 misses the
// interactive CPU mean), the idle and interactive profiles, the budgets resolved as loadConfig resolves them, and the
// decisions computed by the real recommend(). Nothing is read from disk.
import { configSchema } from '../../harness/config/schema.ts';
import type { RunFiles } from '../../harness/deploy/run-files.ts';
import type { Cell, Verdict } from '../../harness/measurement/schema.ts';
import { enrichReport } from '../../harness/report/enrich.ts';
import { runReportSchema, type CellReport } from '../../harness/report/model.ts';

export const CONFIG = configSchema.parse({
  models: [{ name: 'tiny', builtin: 'tiny' }],
  matrix: { models: ['tiny'], quants: ['Q4_K_M'], threads: [1, 2], ctx: [1024], priority: ['nice10'] },
});

const cell = (threads: number): Cell => ({ id: `tiny Q4_K_M t${threads}`, slug: `tiny_Q4_K_M_t${threads}`, model: 'tiny', quant: 'Q4_K_M', threads, ctx: 1024, priority: 'nice10' });
export const T1 = cell(1);
export const T2 = cell(2);

function verdict(metric: string, aggregation: string | undefined, op: Verdict['op'], limit: number, value: number, unit: string): Verdict {
  const pass = op === '<=' ? value <= limit : op === '<' ? value < limit : op === '>=' ? value >= limit : value > limit;
  const source = `${aggregation ? `${aggregation} ` : ''}${op} ${limit}`;
  return { metric, ...(aggregation ? { aggregation } : {}), label: metric, source, op, limit, unit, value, status: pass ? 'pass' : 'fail', margin: op.startsWith('<') ? limit - value : value - limit, used: op.startsWith('<') ? value / limit : limit / value };
}

function cellReport(profile: 'idle' | 'interactive', c: Cell, cpuMean: number): CellReport {
  const verdicts =
    profile === 'idle'
      ? [verdict('cpu_pct', 'mean', '<=', 2, 0.5, '% of machine'), verdict('rss_peak_mb', undefined, '<=', 6000, 50, 'MB')]
      : [
          verdict('cpu_pct', 'mean', '<=', 35, cpuMean, '% of machine'),
          verdict('cpu_pct', 'p(99)', '<=', 50, cpuMean + 5, '% of machine'),
          verdict('rss_peak_mb', undefined, '<=', 6000, 51, 'MB'),
          verdict('decode_tps', 'mean', '>=', 2, 300, 'tok/s'),
        ];
  const fails = verdicts.filter((v) => v.status === 'fail').length;
  const metrics: CellReport['metrics'] = profile === 'idle' ? { cpu_mean_pct: { value: 0.5, unit: '%', status: 'ok' as const } } : { cpu_mean_pct: { value: cpuMean, unit: '%', status: 'ok' as const }, latency_p95_s: { value: 0.5, unit: 's', status: 'ok' as const } };
  return { profile, cell: c, state: 'completed', metrics, verdicts, counts: { pass: verdicts.length - fails, fail: fails, inconclusive: 0, skipped: 0, error: 0 }, tests: [], sampleResponses: [] };
}

export const BUDGETS = {
  idle: [
    { metric: 'cpu_pct', source: 'mean <= 2', aggregation: { kind: 'mean' } },
    { metric: 'rss_peak_mb', source: '<= 6000', aggregation: null },
  ],
  interactive: [
    { metric: 'cpu_pct', source: 'mean <= 35', aggregation: { kind: 'mean' } },
    { metric: 'cpu_pct', source: 'p(99) <= 50', aggregation: { kind: 'p', q: 99 } },
    { metric: 'rss_peak_mb', source: '<= 6000', aggregation: null },
    { metric: 'decode_tps', source: 'mean >= 2', aggregation: { kind: 'mean' } },
  ],
};

export function fixtureRun(options: { t1CpuMean?: number } = {}): RunFiles {
  const t1 = options.t1CpuMean ?? 30;
  const cells = [cellReport('idle', T1, 0), cellReport('interactive', T1, t1), cellReport('idle', T2, 0), cellReport('interactive', T2, 40)];
  const stored = runReportSchema.parse({
    schemaVersion: 1,
    runId: '20261201-120000-abcdef',
    createdAt: '2026-12-01T12:00:00.000Z',
    finishedAt: '2026-12-01T12:05:00.000Z',
    partial: false,
    endReason: 'finished',
    host: { cores: 2, cpu: 'test CPU' },
    llama: { version: '0.5.0-dev', commit: 'de3ff81', serverPath: '/opt/llama/llama-server', source: 'cache' },
    config: { file: '/tmp/bench.config.yaml', hash: 'f'.repeat(64) },
    percentileMethod: 'nearest-rank',
    cells,
  });
  const model = { path: '/models/tiny-Q4_K_M.gguf', sha256: 'e'.repeat(64), bytes: 14_115_584 };
  return {
    runDir: '/tmp/results/20261201-120000-abcdef',
    report: enrichReport(stored, CONFIG),
    plan: {
      runId: stored.runId,
      configFile: '/tmp/bench.config.yaml',
      configHash: 'f'.repeat(64),
      createdAt: stored.createdAt,
      config: CONFIG,
      budgets: BUDGETS,
      host: { cores: 2, cpu: 'test CPU' },
      llama: { serverPath: '/opt/llama/llama-server', version: '0.5.0-dev', commit: 'de3ff81' },
      cells: [
        { cell: T1, model },
        { cell: T2, model },
      ],
    },
  };
}
