// `npm run bench:report`: the report pipeline on 1,000 synthetic cells (500 configurations × interactive and
// idle), timelines included. Budget: scoreboard + HTML in ≤ 2 s and HTML ≤ 5 MB on this machine.
import { writeFileSync } from 'node:fs';
import { configSchema } from '../harness/config/schema.ts';
import { evaluateBudget, makeBudget } from '../harness/budgets/budget.ts';
import { metricDefinition } from '../harness/budgets/catalogue.ts';
import { ok } from '../harness/measurement/schema.ts';
import { scoreboardCsv } from '../harness/report/csv.ts';
import { enrichReport } from '../harness/report/enrich.ts';
import { reportHtml, type Timeline } from '../harness/report/html.ts';
import type { CellReport, RunReport } from '../harness/report/model.ts';
import { mulberry32 } from '../harness/stats/prng.ts';

const TIME_BUDGET_MS = 2000;
const SIZE_BUDGET_BYTES = 5 * 1024 * 1024;
const rand = mulberry32(42);
const quants = ['Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q3_K_M', 'Q2_K'];
const budgets = {
  interactive: ['latency_p95_s <= 2.5', 'cpu_p99_pct <= 50', 'decode_tps_mean >= 2', 'rss_peak_mb <= 6000'],
  idle: ['cpu_mean_pct <= 2', 'rss_peak_mb <= 6000'],
};

function syntheticCell(i: number, profile: 'interactive' | 'idle'): CellReport {
  const model = `model${Math.floor(i / 60)}`;
  const quant = quants[i % quants.length]!;
  const threads = 1 + (Math.floor(i / 6) % 10);
  const id = `${model} ${quant} t${threads} c2048 nice10`;
  const figures: Record<string, number> =
    profile === 'interactive'
      ? { latency_p50_s: 0.5 + rand(), latency_p95_s: 1 + 2 * rand(), latency_p99_s: 2 + 2 * rand(), decode_tps_mean: 1 + 30 * rand(), cpu_mean_pct: 60 * rand(), cpu_p99_pct: 100 * rand(), rss_peak_mb: 500 + 7000 * rand(), ttft_p50_s: rand() }
      : { cpu_mean_pct: 3 * rand(), cpu_p99_pct: 5 * rand(), rss_peak_mb: 500 + 7000 * rand(), load_s: 5 * rand() };
  const metrics = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, ok(v, metricDefinition(profile, k)?.unit ?? '')]));
  const verdicts = budgets[profile].map((text) => {
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

const cells = Array.from({ length: 500 }, (_, i) => [syntheticCell(i, 'interactive'), syntheticCell(i, 'idle')]).flat();
const timelines = new Map<string, Timeline>(
  cells.map((c) => [`${c.cell.slug}/${c.profile}`, { cpu: Array.from({ length: 60 }, (_, t) => ({ x: t, y: 100 * rand() })), rss: Array.from({ length: 60 }, (_, t) => ({ x: t, y: 500 + t })) }]),
);
const report: RunReport = {
  schemaVersion: 1,
  runId: 'synthetic',
  createdAt: new Date(0).toISOString(),
  finishedAt: new Date(0).toISOString(),
  partial: false,
  endReason: 'synthetic',
  host: { cpu: 'synthetic', cores: 2, memoryGb: 24, os: 'synthetic', kernel: '0' },
  llama: { version: '0', commit: '0000000', serverPath: '', source: 'cache' },
  config: { file: 'synthetic', hash: '0'.repeat(64) },
  models: [],
  percentileMethod: 'type 7',
  cells,
};
const config = configSchema.parse({ models: [{ name: 'x', builtin: 'tiny' }], matrix: { models: ['x'], quants: ['Q4_K_M'], threads: [1], ctx: [512] } });

const t0 = performance.now();
const enriched = enrichReport(report, config);
const json = JSON.stringify(enriched);
const csv = scoreboardCsv(enriched);
const html = reportHtml(enriched, timelines);
const ms = performance.now() - t0;
const bytes = Buffer.byteLength(html);
const result = {
  cells: cells.length,
  ms: Math.round(ms),
  htmlBytes: bytes,
  jsonBytes: Buffer.byteLength(json),
  csvBytes: Buffer.byteLength(csv),
  withinTime: ms <= TIME_BUDGET_MS,
  withinSize: bytes <= SIZE_BUDGET_BYTES,
};
console.table([result]);
console.log(`scoreboard + HTML for ${cells.length} cells: ${result.ms} ms (budget ${TIME_BUDGET_MS} ms), HTML ${(bytes / 1024 / 1024).toFixed(2)} MB (budget 5 MB)`);
writeFileSync('bench-report.json', `${JSON.stringify(result, null, 2)}\n`);
process.exit(result.withinTime && result.withinSize ? 0 : 1);
