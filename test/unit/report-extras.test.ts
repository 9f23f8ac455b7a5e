import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { summaryCsv, worstRating, worstVerdict } from '../../harness/report/csv-wide.ts';
import { appendixLogFile, appendixSection } from '../../harness/report/html/appendix.ts';
import { sizeChartsSection } from '../../harness/report/html/size-charts.ts';
import { reportHtml } from '../../harness/report/html.ts';
import { gpuText, modelFileFacts } from '../../harness/report/model-files.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { readLogExcerpt } from '../../harness/report/read-appendix.ts';
import { mergeRun } from '../../harness/deploy/registry.ts';
import { scatterChart } from '../../harness/report/svg.ts';
import { runReport } from './report-fixtures.ts';

const HOSTILE = '=HYPERLINK("http://x")<img src=x onerror=alert(1)>';

function cell(profile: string, quant: string, metrics: Record<string, number | null>, extra: Partial<CellReport> = {}, model = 'tiny'): CellReport {
  const id = `${model} ${quant} t1 c1024 nice10`;
  return {
    profile,
    cell: { id, slug: id.replaceAll(' ', '_'), model, quant, threads: 1, ctx: 1024, priority: 'nice10' },
    state: 'completed',
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v === null ? { value: null, unit: 'x', status: 'skipped', reason: 'no sensor' } : { value: v, unit: 'x', status: 'ok' }])),
    verdicts: [],
    counts: { pass: 1, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
    measurement: { startedAt: '2026-01-01T00:00:00Z', durationMs: 2500, modelPath: '/m', serverPort: 1, files: { serverLog: `${id.replaceAll(' ', '_')}/${profile}/server.log` } },
    ...extra,
  };
}

function run(cells: CellReport[], files: RunReport['modelFiles'] = []): RunReport {
  return runReport(cells, {
    durationMs: 60_000,
    host: { cpu: 'Test CPU', cores: 2, memoryGb: 24, os: 'Debian 12', kernel: '6.1', hostname: 'bench-box' },
    gpu: { status: 'skipped', reason: 'no GPU' },
    llama: { version: '1', commit: 'abc', serverPath: '/x', source: 'cache' },
    modelFiles: files,
  });
}

const FILES = [
  { model: 'tiny', quant: 'Q4_K_M', bytes: 14e6, parameters: 2e7 },
  { model: 'tiny', quant: 'Q8_0', bytes: 22e6, parameters: 2e7 },
];

describe('summary CSV (one row per cell)', () => {
  test('key figures across profiles, the worst verdict and rating; an unmeasured figure is empty, never 0', () => {
    const cells = [
      cell('interactive', 'Q4_K_M', { decode_tps_mean: 40, decode_tps: 39, rss_peak_mb: 50, vsz_peak_mb: 600 }, { rating: 'good' }),
      cell('idle', 'Q4_K_M', { cpu_mean_pct: 0.5, rss_peak_mb: 70, vsz_peak_mb: null }, { rating: 'poor', counts: { pass: 1, fail: 2, inconclusive: 0, skipped: 1, error: 0 } }),
      cell('idle', 'Q8_0', {}, { state: 'not-run' }),
    ];
    const [header, ...rows] = summaryCsv(run(cells)).trim().split('\n');
    expect(rows).toHaveLength(1); // the not-run cell is left to the long CSV
    const cols = header!.split(',');
    const row = Object.fromEntries(rows[0]!.split(',').map((v, i) => [cols[i], v]));
    expect(row).toMatchObject({ cell: 'tiny Q4_K_M t1 c1024 nice10', profiles: 'idle interactive', decode_tps: '40', idle_cpu_mean_pct: '0.5' });
    expect(row.rss_peak_mb).toBe('70'); // the highest any profile saw
    expect(row.vsz_peak_mb).toBe('600'); // idle's was skipped: interactive's stands
    expect(row.quality_score).toBe('');
    expect(row.cpu_mean_pct).toBe(''); // interactive measured none: idle's CPU is not its CPU
    expect(row).toMatchObject({ budgets_met: '2', budgets_missed: '2', budgets_unresolved: '1', duration_s: '5', verdict: 'fail', rating: 'poor' });
  });

  test('text that would run as a spreadsheet formula gets an apostrophe, like the long CSV', () => {
    const c = cell('interactive', 'Q4_K_M', {}, {}, HOSTILE);
    const text = summaryCsv(run([c]));
    expect(text).toContain(`"'=HYPERLINK(""http://x"")<img src=x onerror=alert(1)> Q4_K_M t1 c1024 nice10"`);
    expect(text.split('\n').slice(1).join('\n')).not.toMatch(/(^|,)[=+@-]/m);
  });

  test('worst rating and verdict: failed beats poor, error beats fail; a skipped profile says nothing', () => {
    const c = (rating: CellReport['rating']) => cell('idle', 'Q4_K_M', {}, rating ? { rating } : {});
    expect(worstRating([c('excellent'), c('failed'), c('poor')])).toBe('failed');
    expect(worstRating([c('not rated'), c(undefined)])).toBe('not rated');
    expect(worstRating([c('not rated'), c('good')])).toBe('good');
    const errored = cell('idle', 'Q4_K_M', {}, { state: 'errored' });
    const failing = cell('idle', 'Q4_K_M', {}, { counts: { pass: 0, fail: 1, inconclusive: 0, skipped: 0, error: 0 } });
    const skipped = cell('idle', 'Q4_K_M', {}, { state: 'skipped' });
    expect(worstVerdict([failing, errored])).toBe('error');
    expect(worstVerdict([skipped, cell('idle', 'Q4_K_M', {})])).toBe('pass');
    expect(worstVerdict([skipped])).toBe('skipped');
  });
});

describe('size and quantization charts', () => {
  test('tok/s and memory against model size: a point per cell, a colour per quantization', () => {
    const html = sizeChartsSection(run([cell('interactive', 'Q4_K_M', { decode_tps: 40, rss_peak_mb: 50 }), cell('interactive', 'Q8_0', { decode_tps: 20, rss_peak_mb: 80 })], FILES));
    expect(html).toContain('aria-label="decode tok/s against model size (GB)"');
    expect(html).toContain('aria-label="peak RSS (MB) against model size (GB)"');
    expect(html).toContain('tiny Q8_0 t1 c1024 nice10: model size (GB) 0.022, decode tok/s 20');
    expect(html).toContain('No chart: no cell of this run measured overall quality score.');
  });

  test('one model file: a sentence instead of a one-dot chart; no model files (older runs): the same', () => {
    const one = sizeChartsSection(run([cell('interactive', 'Q4_K_M', { decode_tps: 40, rss_peak_mb: 50 })], FILES));
    expect(one).not.toContain('<svg');
    expect(one.match(/No chart: every measured cell uses a model file of the same size/g)).toHaveLength(2);
    const older = sizeChartsSection(run([cell('interactive', 'Q4_K_M', { decode_tps: 40 })], undefined));
    expect(older).toContain('No chart: no cell of this run measured decode tok/s.');
  });

  test('quality against bits per weight, a line per model; one quantization graded: a sentence', () => {
    const two = sizeChartsSection(run([cell('quality', 'Q4_K_M', { score_overall: 0.6 }), cell('quality', 'Q8_0', { score_overall: 0.8 })]));
    expect(two).toContain('aria-label="overall quality score against bits per weight"');
    expect(two).toMatch(/<polyline[^>]*points="[^"]+ [^"]+"/);
    const one = sizeChartsSection(run([cell('quality', 'Q4_K_M', { score_overall: 0.6 })]));
    expect(one).toContain('No chart: the quality profile graded one quantization level only.');
  });

  test('scatterChart escapes labels and drops non-finite points', () => {
    const svg = scatterChart({ series: [{ label: HOSTILE, points: [{ x: 1, y: 2, label: HOSTILE }, { x: Number.NaN, y: 1, label: 'nan' }] }, { label: 'b', points: [{ x: 2, y: 3, label: 'b' }] }], xLabel: 'x', yLabel: 'y' });
    expect(svg).not.toContain('<img');
    expect(svg.match(/<circle [^>]*><title>/g)).toHaveLength(2); // the legend swatches have no title
    expect(svg).not.toContain('nan:');
    expect(scatterChart({ series: [], xLabel: 'x', yLabel: 'y' })).toContain('no points');
  });
});

describe('appendices', () => {
  test('the log shown: a launched server’s stderr, else the note of a server started elsewhere, else its stdout', () => {
    expect(appendixLogFile({ serverStdout: 'c/p/server.stdout.log', serverStderr: 'c/p/server.stderr.log' })).toBe('c/p/server.stderr.log');
    expect(appendixLogFile({ serverLog: 'c/p/server.log' })).toBe('c/p/server.log');
    expect(appendixLogFile({ serverStdout: 'c/p/server.stdout.log' })).toBe('c/p/server.stdout.log');
    expect(appendixLogFile({ summary: 'c/p/summary.json' })).toBeUndefined();
    expect(appendixLogFile(undefined)).toBeUndefined();
  });

  test('config, server logs and raw metrics, collapsed; a log is escaped; a missing one says why', () => {
    const a = cell('interactive', 'Q4_K_M', { decode_tps: 40 });
    const b = cell('idle', 'Q4_K_M', {});
    const html = appendixSection([a, b], {
      config: { models: [{ name: HOSTILE }] },
      logs: new Map([
        [`${a.cell.slug}/interactive`, { text: `main: ${HOSTILE}`, totalBytes: 100_000, omittedBytes: 60_000 }],
        [`${b.cell.slug}/idle`, { missing: 'server.log could not be read (ENOENT)' }],
      ]),
    });
    expect(html).not.toContain('<img');
    expect(html.match(/<details class="appendix"/g)).toHaveLength(3);
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain('name: =HYPERLINK(&quot;http://x&quot;)&lt;img');
    expect(html).toContain('59 KiB of 98 KiB left out here');
    expect(html).toContain('Server log not shown: server.log could not be read (ENOENT).');
    expect(html).toContain('&quot;decode_tps&quot;');
    expect(appendixSection([], { config: null, configMissing: 'plan.json could not be read (ENOENT)', logs: new Map() })).toContain('Configuration not shown: plan.json could not be read (ENOENT).');
  });

  test('a long log keeps its head and tail with the gap said; a short one is whole; an unreadable one is named', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'log-'));
    const long = path.join(dir, 'long.log');
    writeFileSync(long, `HEAD${'x'.repeat(1000)}TAIL`);
    const cut = readLogExcerpt(long, 10, 10);
    expect(cut).toMatchObject({ totalBytes: 1008, omittedBytes: 988 });
    expect('text' in cut && cut.text).toBe(`HEADxxxxxx\n… [988 bytes left out] …\nxxxxxxTAIL`);
    const short = path.join(dir, 'short.log');
    writeFileSync(short, 'ready');
    expect(readLogExcerpt(short, 10, 10)).toEqual({ text: 'ready', totalBytes: 5, omittedBytes: 0 });
    expect(readLogExcerpt(path.join(dir, 'absent.log'))).toEqual({ missing: 'absent.log could not be read (ENOENT)' });
  });

  test('the page: hostname, duration and GPU in the header, the appendices when given', () => {
    const r = run([cell('interactive', 'Q4_K_M', { decode_tps: 40 })], FILES);
    const html = reportHtml(r, undefined, undefined, undefined, { config: { a: 1 }, logs: new Map() });
    expect(html).toContain('bench-box: Test CPU');
    expect(html).toContain('<b>Duration:</b> 60.0 s');
    expect(html).toContain('<b>GPU:</b> skipped: no GPU');
    expect(html).toContain('id="appendix-config"');
    expect(reportHtml(r)).not.toContain('id="appendices"');
  });
});

describe('model files and the registry', () => {
  test('one entry per model × quant with a file, sorted; no file (quick mode, remote): none', () => {
    const planned = [
      { cell: { model: 'tiny', quant: 'Q8_0' }, model: { path: '/m/q8', bytes: 22, metadata: { parameterCount: 7 } } },
      { cell: { model: 'tiny', quant: 'Q4_K_M' }, model: { path: '/m/q4', bytes: 14, metadata: null } },
      { cell: { model: 'tiny', quant: 'Q4_K_M' }, model: { path: '/m/q4', bytes: 14, metadata: null } },
      { cell: { model: 'tiny', quant: 'Q2_K' }, model: { path: '', bytes: 0 } },
    ];
    expect(modelFileFacts(planned, (f) => (f === '/m/q8' ? '2026-01-02T00:00:00.000Z' : undefined))).toEqual([
      { model: 'tiny', quant: 'Q4_K_M', bytes: 14, parameters: null },
      { model: 'tiny', quant: 'Q8_0', bytes: 22, parameters: 7, fileDate: '2026-01-02T00:00:00.000Z' },
    ]);
  });

  test('the registry keeps the file date as downloadedAt beside lastTestedAt', () => {
    const r = run([cell('interactive', 'Q4_K_M', {})], [{ ...FILES[0]!, fileDate: '2025-12-24T10:00:00.000Z' }]);
    const [entry] = mergeRun({ schemaVersion: 1, models: [] }, r).models;
    expect(entry).toMatchObject({ model: 'tiny', quant: 'Q4_K_M', lastTestedAt: r.finishedAt, downloadedAt: '2025-12-24T10:00:00.000Z' });
  });

  test('GPU text: the devices, or skipped with the reason', () => {
    expect(gpuText({ status: 'skipped', reason: 'no GPU' })).toBe('skipped: no GPU');
    expect(gpuText({ status: 'ok', devices: [{ address: '0000:01:00.0', vendor: 'NVIDIA', ids: '10de:2204', kind: '3D controller', driver: 'nvidia', vramMb: null, model: 'GeForce RTX 3090' }] })).toBe(
      'GeForce RTX 3090 [10de:2204] at 0000:01:00.0, driver nvidia',
    );
  });
});
