/// <reference lib="dom" />
// The report's extras on a real run of tiny (two quantizations, so the size charts have two file sizes to draw):
// hostname, run and cell durations, model files and GPU facts in scoreboard.json; the resource extras in the
// metrics and the samples file; scoreboard-summary.csv; and report.html in headless Chromium with its size charts,
// the quality chart's skip sentence and the collapsed appendices. A screenshot is kept beside the page.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import { CHROMIUM_ARGS, findOrInstallChromium } from './browser.ts';
import { ROOT, childEnv, runVitest, tinyConfig } from './helpers.ts';
import { execFileSync } from 'node:child_process';
import { commandArgs } from '../../harness/cli/launcher.ts';

describe('report extras on tiny', () => {
  let runDir = '';
  let report: RunReport;
  let code: number | null = null;
  let output = '';
  let configFile = '';

  beforeAll(async () => {
    // 128-token answers (not 16): the summary's decode figure and the size chart's decode points need the client to see
    // the tokens apart, and a client starved on a loaded machine reads a 16-token answer in one piece (no decode time).
    const { file, outDir } = tinyConfig('', (t) => t.replace('quants: [Q4_K_M]', 'quants: [Q4_K_M, Q8_0]').replace('    repetitions: 6', '    repetitions: 3'));
    configFile = file;
    ({ code, output } = await runVitest(['--project', 'interactive'], file).done);
    const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
    runDir = path.join(outDir, runId);
    report = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
  }, 600_000);

  test('scoreboard.json: hostname, run duration, per-cell duration, model files, GPU facts', () => {
    expect(report.cells, output).toHaveLength(2);
    expect(code, output).not.toBeNull();
    expect(report.host.hostname).toBeTypeOf('string');
    expect(String(report.host.hostname).length).toBeGreaterThan(0);
    expect(report.durationMs).toBeGreaterThan(0);
    const started = Date.parse(report.createdAt);
    expect(report.durationMs).toBeLessThanOrEqual(Date.parse(report.finishedAt) - started + 1);
    for (const c of report.cells) {
      expect(c.state, c.error).toBe('completed');
      expect(c.measurement!.durationMs).toBeGreaterThan(0);
      expect(c.measurement!.durationMs).toBeLessThan(report.durationMs!);
    }
    expect(report.modelFiles!.map((f) => f.quant)).toEqual(['Q4_K_M', 'Q8_0']);
    const [q4, q8] = report.modelFiles!;
    expect(q8!.bytes).toBeGreaterThan(q4!.bytes);
    expect(q4!.parameters).toBeGreaterThan(0);
    expect(q4!.fileDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    // This machine has no GPU: said so, never an empty list.
    expect(report.gpu).toBeDefined();
    if (report.gpu!.status === 'skipped') expect(report.gpu!.reason).toMatch(/^no GPU/);
    else expect(report.gpu!.devices.length).toBeGreaterThan(0);
  });

  test('resource extras: VSZ above RSS, system CPU p99 ≤ peak, disk read over the load, samples carry vsz and an epoch anchor', () => {
    for (const c of report.cells) {
      const m = c.metrics;
      expect(m.vsz_peak_mb!.status).toBe('ok');
      expect(m.vsz_peak_mb!.value!).toBeGreaterThan(m.rss_peak_mb!.value!);
      expect(m.system_cpu_peak_pct!.status).toBe('ok');
      expect(m.system_cpu_p99_pct!.value!).toBeLessThanOrEqual(m.system_cpu_peak_pct!.value! + 1e-9);
      expect(m.system_cpu_peak_pct!.value!).toBeLessThanOrEqual(100 + 1e-9);
      // Machine-wide: at least what the server tree used at its busiest tick, give or take a tick's skew.
      expect(m.system_cpu_peak_pct!.value!).toBeGreaterThan(0);
      const disk = m.disk_read_load_mb_s!;
      expect(['ok', 'skipped']).toContain(disk.status);
      if (disk.status === 'ok') expect(disk.value!).toBeGreaterThanOrEqual(0);
      expect(disk.reason).toBeTruthy();
      const samples = readFileSync(path.join(runDir, c.measurement!.files.samples!), 'utf8').trim().split('\n');
      const cols = samples[0]!.split(',');
      expect(cols).toContain('vsz_mb');
      const epoch = Number(samples[1]!.split(',')[cols.indexOf('epoch_ms')]);
      expect(Math.abs(epoch - Date.parse(c.measurement!.startedAt))).toBeLessThan(120_000);
    }
  });

  test('scoreboard-summary.csv: one row per cell with key figures, verdict and rating', () => {
    const [header, ...rows] = readFileSync(path.join(runDir, 'scoreboard-summary.csv'), 'utf8').trim().split('\n');
    const cols = header!.split(',');
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(rows[0]!.split(',').map((v, i) => [cols[i], v]));
    expect(row.cell).toBe(report.cells.map((c) => c.cell.id).sort()[0]);
    // The cell's own decode speed, or empty when it has none (a loaded machine can leave every request of a cell
    // without a client-side decode time; the scoreboard then says why): never a 0 standing in for it.
    const first = report.cells.find((c) => c.cell.id === row.cell && c.profile === 'interactive')!;
    const decode = first.metrics.decode_tps_mean!;
    if (decode.status === 'ok') {
      expect(Number(row.decode_tps)).toBeGreaterThan(0);
      expect(Number(row.decode_tps)).toBeCloseTo(decode.value!, 5);
    } else {
      expect(decode, JSON.stringify(decode)).toMatchObject({ status: 'error', reason: expect.stringMatching(/^none of the \d+ successful request\(s\) had a client-side decode time/) });
      expect(row.decode_tps).toBe('');
    }
    expect(Number(row.vsz_peak_mb)).toBeGreaterThan(Number(row.rss_peak_mb));
    expect(row.quality_score).toBe(''); // the quality profile did not run: empty, not 0
    expect(['pass', 'fail', 'inconclusive', 'incomplete', 'error']).toContain(row.verdict);
    expect(['excellent', 'good', 'acceptable', 'poor', 'failed']).toContain(row.rating);
  });

  test('report.html in Chromium: size charts drawn, the quality chart says why not, appendices collapsed and escaped', async ({ skip }) => {
    const chromiumPath = findOrInstallChromium();
    if ('reason' in chromiumPath) skip(chromiumPath.reason);
    const browser = await chromium.launch({ executablePath: (chromiumPath as { path: string }).path, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      tab.on('pageerror', (e) => problems.push(e.message));
      const page = path.join(runDir, 'report.html');
      await tab.goto(`file://${page}`);
      expect(problems).toEqual([]);
      const charts = tab.locator('.size-chart svg[aria-label="decode tok/s against model size (GB)"], .size-chart svg[aria-label="peak RSS (MB) against model size (GB)"]');
      expect(await charts.count()).toBe(2);
      // Each drawn chart has a point per cell, and the browser laid it out at a real size.
      for (const svg of await charts.all()) {
        expect(await svg.locator('circle title').count()).toBe(2);
        const box = await svg.boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        expect(box!.height).toBeGreaterThan(100);
      }
      expect(await tab.locator('.size-chart', { hasText: 'No chart: no cell of this run measured overall quality score' }).count()).toBe(1);
      // Appendices: collapsed until opened; the config, each cell's server log and the raw metrics.
      expect(await tab.locator('#appendices details.appendix:not([open])').count()).toBe(3);
      await tab.evaluate(() => document.querySelectorAll<HTMLDetailsElement>('#appendices details').forEach((d) => (d.open = true)));
      expect(await tab.locator('#appendix-config pre', { hasText: 'interactive:' }).count()).toBe(1);
      expect(await tab.locator('#appendix-logs details pre').count()).toBe(2);
      expect(await tab.locator('#appendix-logs pre', { hasText: 'llama' }).count()).toBeGreaterThan(0);
      expect(await tab.locator('#appendix-metrics pre', { hasText: '"vsz_peak_mb"' }).count()).toBe(1);
      await tab.evaluate(() => document.querySelectorAll<HTMLDetailsElement>('#appendices details').forEach((d) => (d.open = false)));
      await tab.locator('.size-chart').first().scrollIntoViewIfNeeded();
      const shot = path.join(runDir, 'report-extras.png');
      await tab.locator('.size-chart').first().locator('xpath=ancestor::section').screenshot({ path: shot });
      await tab.screenshot({ path: path.join(runDir, 'report-extras-full.png'), fullPage: true });
      process.stderr.write(`[report-extras] screenshots: ${shot}\n`);
    } finally {
      await browser.close();
    }
  }, 300_000);

  test('npm run report -- --energy-benchmark: another coefficient, estimated and labelled, budgets judged again, a note says so', () => {
    const before = report.cells.map((c) => c.metrics.idle_power_w!);
    expect(before.every((m) => m.method === 'estimated' || m.method === 'measured' || m.status === 'skipped')).toBe(true);
    const out = execFileSync(process.execPath, commandArgs('report', [report.runId, '--energy-benchmark', 'ccf_gcp_vcpu', '--config', configFile]), {
      cwd: ROOT,
      env: childEnv(configFile),
      encoding: 'utf8',
    });
    expect(out).toContain('scoreboard.json');
    const after = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
    expect(after.notes!.some((n) => n.includes('re-estimated after the run with the coefficient ccf_gcp_vcpu'))).toBe(true);
    for (const c of after.cells) {
      const idle = c.metrics.idle_power_w!;
      expect(idle.method).toBe('estimated');
      expect(idle.reason).toMatch(/^estimated with ccf_gcp_vcpu: .*; re-estimated after the run \(npm run report -- --energy-benchmark ccf_gcp_vcpu\)/);
      // GCP's per-vCPU coefficient: vCPUs × (0.71 + busy × 3.55) W, between all idle and all busy.
      expect(idle.value!).toBeGreaterThanOrEqual(0.71 * 2 - 1e-9);
      expect(idle.value!).toBeLessThanOrEqual(4.26 * os.availableParallelism() + 1e-9);
      for (const [name, m] of Object.entries(c.metrics)) if (/_wh|co2|_w$/.test(name) && m.status === 'ok') expect(m.method, name).not.toBe('measured');
    }
  });
});
