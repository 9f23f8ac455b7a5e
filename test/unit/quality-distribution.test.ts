// Issue 20 item 18 (score distribution per category beside the mean) and the HTML of items 8, 9 and 18.
import { describe, expect, test } from 'vitest';
import { itemScoreSeries, type GoldenOutcome } from '../../harness/profiles/quality/goldens.ts';
import { degradation } from '../../harness/report/degradation.ts';
import { reportHtml } from '../../harness/report/html.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { runReport } from './report-fixtures.ts';
import { runReportSchema } from '../../harness/report/model.ts';
import { qualityDistribution, scoreBin } from '../../harness/report/quality-distribution.ts';
import { gradedQuants, interpretQuality } from '../../harness/report/quality-interpretation.ts';
import { histogramChart } from '../../harness/report/svg.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

function qualityCell(model: string, quant: string, scores: Record<string, (number | null)[]>, means: Record<string, number>): CellReport {
  const id = `${model} ${quant} t1 c512 nice10`;
  return {
    profile: 'quality',
    cell: { id, slug: id.replaceAll(' ', '_'), model, quant, threads: 1, ctx: 512, priority: 'nice10' },
    state: 'completed',
    metrics: Object.fromEntries(Object.entries(means).map(([k, v]) => [k, { value: v, unit: 'score', status: 'ok' as const }])),
    verdicts: [],
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
    measurement: {
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      modelPath: '/m.gguf',
      serverPort: null,
      files: {},
      series: Object.fromEntries(Object.entries(scores).map(([k, v]) => [`item_scores.${k}`, v.map((score) => ({ score, weight: 1 }))])),
    },
  };
}

describe('score bins', () => {
  test('ten bins of 0.1, 1 in the last, outside [0, 1] in none', () => {
    expect([0, 0.05, 0.1, 0.3, 0.7, 0.9, 0.99, 1].map(scoreBin)).toEqual([0, 0, 1, 3, 7, 9, 9, 9]);
    expect([-0.01, 1.01, NaN].map(scoreBin)).toEqual([null, null, null]);
  });
});

describe('qualityDistribution', () => {
  test('hand-checked: min, max, counts per bin, errored items apart, the mean as the cell reports it', () => {
    const c = qualityCell('m', 'Q4_K_M', { score_math: [1, 0, 0.5, 1, null] }, { score_math: 0.625 });
    const [d] = qualityDistribution([c]);
    expect(d).toMatchObject({ metric: 'score_math', n: 4, errored: 1, mean: 0.625, min: 0, max: 1, outOfRange: 0 });
    expect(d!.bins).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
  });
  test('a category whose metric is not ok has no mean (never 0); a grader bug outside 0–1 is counted apart', () => {
    const c = qualityCell('m', 'Q4_K_M', { score_format: [1.5, 0.2] }, {});
    c.metrics.score_format = { value: null, unit: 'score', status: 'error', reason: 'x' };
    const [d] = qualityDistribution([c]);
    expect(d).toMatchObject({ mean: null, outOfRange: 1, n: 2, min: 0.2 });
    expect(d!.bins.reduce((a, b) => a + b, 0)).toBe(1);
  });
  test('all items errored: no min, empty bins', () => {
    const [d] = qualityDistribution([qualityCell('m', 'Q4_K_M', { score_math: [null, null] }, {})]);
    expect(d).toMatchObject({ n: 0, errored: 2, min: null, max: null });
  });
  test('other profiles, skipped cells and other series are ignored', () => {
    const c = qualityCell('m', 'Q4_K_M', { score_math: [1] }, {});
    c.measurement!.series!.ladder = [{ tokens: 1 }];
    expect(qualityDistribution([{ ...c, profile: 'interactive' }, { ...c, state: 'skipped' }])).toEqual([]);
    expect(qualityDistribution([c]).map((d) => d.metric)).toEqual(['score_math']);
  });
});

describe('itemScoreSeries (the workload side)', () => {
  test('one row per graded or errored item, by category and mode; not-applicable items are left out', () => {
    const o = (category: string, mode: 'free' | 'constrained', state: GoldenOutcome['state'], score: number | null): GoldenOutcome => ({ category, mode, state, score, weight: 2, error: null });
    const s = itemScoreSeries([o('math', 'free', 'graded', 1), o('math', 'free', 'error', null), o('math', 'constrained', 'graded', 0), o('format', 'constrained', 'not-applicable', null), o('endpoint-security', 'free', 'graded', 0.5)]);
    expect(Object.fromEntries(s)).toEqual({
      'item_scores.score_math': [{ score: 1, weight: 2 }, { score: null, weight: 2 }],
      'item_scores.score_math_constrained': [{ score: 0, weight: 2 }],
      'item_scores.score_endpoint_security': [{ score: 0.5, weight: 2 }],
    });
  });
});

describe('histogramChart', () => {
  test('a bar per non-empty bin with its count in the title, the mean line and the minimum marker', () => {
    const svg = histogramChart({ bins: [1, 0, 0, 0, 0, 1, 0, 0, 0, 2], title: 'score_math', mean: 0.625, min: 0 });
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('<title>score_math: 2 item(s) scored 0.90–1.00 (1 included)</title>');
    expect(svg).toContain('<title>mean 0.63</title>');
    // The mean line at 0.625 of the plot width: 34.5 + 0.625 × (212 − 34.5) = 145.44.
    expect(svg).toContain('x1="145.44"');
    expect(svg).toContain('<title>minimum 0</title>');
  });
  test('no items: says so; a hostile title is escaped', () => {
    expect(histogramChart({ bins: new Array(10).fill(0), title: 'x' })).toContain('no graded items');
    const svg = histogramChart({ bins: [1], title: HOSTILE });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img');
  });
});

describe('the HTML report: interpretation, distribution and bands', () => {
  const cells = [
    qualityCell(HOSTILE, 'Q8_0', { score_math: [1, 1, 0.5] }, { score_math: 0.8, score_overall: 0.8 }),
    qualityCell(HOSTILE, 'Q3_K_M', { score_math: [1, 0, 0.5, 0.2] }, { score_math: 0.56, score_overall: 0.56 }),
  ];
  const rows = degradation(cells, 5);
  const base: RunReport = runReport(cells, {
    quality: {
      thresholdPoints: 5,
      degradation: rows,
      interpretation: interpretQuality(rows, gradedQuants(cells), { safeRetentionPct: 95, floorPct: 90 }),
      distribution: qualityDistribution(cells),
    },
  });
  test('the report with its new parts still satisfies the scoreboard schema', () => {
    expect(runReportSchema.safeParse({ ...base, bands: 'small-machine' }).success).toBe(true);
    expect(runReportSchema.safeParse({ ...base, bands: 'laptop' }).success).toBe(false);
  });
  test('sentences and safe levels, escaped; a histogram per category with mean and minimum beside it', () => {
    const html = reportHtml(base);
    expect(html).not.toContain('<img');
    expect(html).toContain('<h3>What the quality loss means</h3>');
    expect(html).toContain('Q3_K_M drops to 70 % on math: avoid for financial work');
    expect(html).toContain('<th>safe quantization levels</th>');
    // Only math was graded: the baseline is not known to answer the other categories accuracy-critical work relies on.
    expect(html).toContain('<td>Accuracy-critical (financial work)</td><td>— <small>none known: the baseline did not answer in every category this use relies on</small></td>');
    expect(html).toContain('<h3>Score distribution per category</h3>');
    expect(html).toContain('mean 0.56 · min 0 · n 4');
    expect(html).toContain('aria-label="score_math: histogram of item scores"');
  });
  test('the band set reaches the figures', () => {
    const withRss = (bands?: 'design' | 'small-machine'): RunReport => ({
      ...base,
      ...(bands ? { bands } : {}),
      cells: [{ ...cells[0]!, metrics: { ...cells[0]!.metrics, rss_peak_mb: { value: 150, unit: 'MB', status: 'ok' } } }],
    });
    expect(reportHtml(withRss())).toContain('under 6 GB: fits an 8 GB machine');
    expect(reportHtml(withRss('small-machine'))).toContain('negligible on most machines');
    expect(reportHtml(withRss('small-machine'))).not.toContain('under 6 GB: fits an 8 GB machine');
  });
});
