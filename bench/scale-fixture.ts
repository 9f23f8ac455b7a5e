// Synthetic scoreboards for the scaling figures (docs/scaling.md): `configurations` cells × interactive and idle,
// real budgets and verdicts, a 60-point timeline each. Seeded, so every size is the same data, only more of it.
import { evaluateBudget, makeBudget } from '../harness/budgets/budget.ts';
import { metricDefinition } from '../harness/budgets/catalogue.ts';
import { configSchema } from '../harness/config/schema.ts';
import { ok } from '../harness/measurement/schema.ts';
import type { Timeline } from '../harness/report/html.ts';
import type { CellReport, RunReport } from '../harness/report/model.ts';
import { mulberry32 } from '../harness/stats/prng.ts';

const QUANTS = ['Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q3_K_M', 'Q2_K'];
const BUDGETS = {
  interactive: ['latency_p95_s <= 2.5', 'cpu_p99_pct <= 50', 'decode_tps_mean >= 2', 'rss_peak_mb <= 6000'],
  idle: ['cpu_mean_pct <= 2', 'rss_peak_mb <= 6000'],
};

export const SCALE_CONFIG = configSchema.parse({ models: [{ name: 'x', builtin: 'tiny' }], matrix: { models: ['x'], quants: ['Q4_K_M'], threads: [1], ctx: [512] } });

function syntheticCell(rand: () => number, i: number, profile: 'interactive' | 'idle', jitter = 0): CellReport {
  const model = `model${Math.floor(i / 60)}`;
  const quant = QUANTS[i % QUANTS.length]!;
  const threads = 1 + (Math.floor(i / 6) % 10);
  const id = `${model} ${quant} t${threads} c2048 nice10`;
  const j = () => 1 + jitter * (rand() - 0.5);
  const figures: Record<string, number> =
    profile === 'interactive'
      ? { latency_p50_s: (0.5 + rand()) * j(), latency_p95_s: (1 + 2 * rand()) * j(), latency_p99_s: 2 + 2 * rand(), decode_tps_mean: (1 + 30 * rand()) * j(), cpu_mean_pct: 60 * rand(), cpu_p99_pct: 100 * rand(), rss_peak_mb: 500 + 7000 * rand(), ttft_p50_s: rand() }
      : { cpu_mean_pct: 3 * rand(), cpu_p99_pct: 5 * rand(), rss_peak_mb: 500 + 7000 * rand(), load_s: 5 * rand() };
  const metrics = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, ok(v, metricDefinition(profile, k)?.unit ?? '')]));
  const verdicts = BUDGETS[profile].map((text) => {
    const [metric, op, limit] = text.split(' ');
    return evaluateBudget(makeBudget(metric!, metricDefinition(profile, metric!)!, `${op} ${limit}`), metrics[metric!]);
  });
  const counts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 };
  for (const v of verdicts) counts[v.status]++;
  return {
    profile,
    cell: { id, slug: id.replace(/\s+/g, '_'), model, quant, threads, ctx: 2048, priority: 'nice10' },
    state: 'completed',
    metrics,
    verdicts,
    counts,
    tests: [],
    sampleResponses: ['<b>not bold</b> sample answer'],
  };
}

export function syntheticRun(configurations: number, runId = 'synthetic', seed = 42, createdAt = new Date(0).toISOString()): RunReport {
  const rand = mulberry32(seed);
  const cells = Array.from({ length: configurations }, (_, i) => [syntheticCell(rand, i, 'interactive', 0.2), syntheticCell(rand, i, 'idle', 0.2)]).flat();
  return {
    schemaVersion: 1,
    runId,
    createdAt,
    finishedAt: createdAt,
    partial: false,
    endReason: 'synthetic',
    host: { cpu: 'synthetic', cores: 2, memoryGb: 24, os: 'synthetic', kernel: '0' },
    llama: { version: '0', commit: '0000000', serverPath: '', source: 'cache' },
    config: { file: 'synthetic', hash: '0'.repeat(64) },
    models: [],
    percentileMethod: 'type 7',
    cells,
  };
}

export function syntheticTimelines(report: RunReport, seed = 7): Map<string, Timeline> {
  const rand = mulberry32(seed);
  return new Map(
    report.cells.map((c) => [`${c.cell.slug}/${c.profile}`, { cpu: Array.from({ length: 60 }, (_, t) => ({ x: t, y: 100 * rand() })), rss: Array.from({ length: 60 }, (_, t) => ({ x: t, y: 500 + t })) }]),
  );
}
