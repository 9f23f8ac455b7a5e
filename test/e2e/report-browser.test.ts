/// <reference lib="dom" />
// report.html of a real run, opened in headless Chromium as a person would: no console errors, the tables and
// the answer are there, and hostile model output stays text.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reportHtml } from '../../harness/report/html.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { CHROMIUM_ARGS, findOrInstallChromium } from './browser.ts';
import { runVitest, tinyConfig } from './helpers.ts';

const HOSTILE = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>', '"><svg onload="window.__xss=3">'];

describe('report.html in Chromium', () => {
  const chromiumPath = findOrInstallChromium();
  let browser: Browser;
  let page: string;

  beforeAll(async () => {
    if ('reason' in chromiumPath) return;
    const { file, outDir } = tinyConfig('', (t) => t.replace('    max_tokens: 128', '    max_tokens: 16'));
    await runVitest(['--project', 'idle', '--project', 'interactive'], file).done;
    const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
    const report = JSON.parse(readFileSync(path.join(outDir, runId, 'scoreboard.json'), 'utf8')) as RunReport;
    // A model answering with markup, as an untrusted model may.
    const inter = report.cells.find((c) => c.profile === 'interactive')!;
    inter.sampleResponses = [...HOSTILE, ...inter.sampleResponses];
    page = path.join(mkdtempSync(path.join(os.tmpdir(), 'report-')), 'report.html');
    writeFileSync(page, reportHtml(report));
    browser = await chromium.launch({ executablePath: chromiumPath.path, args: CHROMIUM_ARGS });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
  });

  test('renders without console errors; the answer and a table per profile are there; markup in answers stays text', async ({ skip }) => {
    if ('reason' in chromiumPath) skip(chromiumPath.reason);
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await tab.goto(`file://${page}`);
    await tab.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    expect(problems).toEqual([]);
    expect(await tab.locator('h2', { hasText: 'Idle' }).count()).toBe(1);
    expect(await tab.locator('h2', { hasText: 'Interactive' }).count()).toBe(1);
    expect(await tab.locator('.answer').count()).toBe(1);
    // the idle and interactive tables, the all-cells table (once per profile) and the scores table
    expect(await tab.locator('td.id', { hasText: 'tiny Q4_K_M t1 c1024 nice10' }).count()).toBeGreaterThanOrEqual(4);
    // a verdict heat map per profile, recommendation cards, and the hashed script allowed by the CSP: sorting works
    expect(await tab.locator('svg[aria-label$="verdict per cell"]').count()).toBe(2);
    expect(await tab.locator('.card').count()).toBeGreaterThanOrEqual(4);
    const header = tab.locator('#all-cells th', { hasText: 'profile' });
    await header.click();
    expect(await header.getAttribute('data-dir')).toBe('asc');
    await tab.locator('input.filter').fill('interactive');
    expect(await tab.locator('#all-cells tbody tr:not([hidden])').count()).toBe(1);
    // The page's CSP forbids scripts too; the element checks below are what catch a missing escape.
    expect(await tab.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await tab.locator('pre.response img, pre.response script, pre.response svg').count()).toBe(0);
    expect(await tab.locator('pre.response', { hasText: '<img src=x onerror=' }).count()).toBe(1);
    await tab.screenshot({ path: page.replace(/\.html$/, '.png'), fullPage: true });
  }, 1_200_000);
});
