/// <reference lib="dom" />
// A forged scoreboard (script payloads in every string, `javascript:` and `../` file links, unknown profiles)
// rendered directly and through `npm run report`, then opened in headless Chromium: no script of the data runs, no
// dialog opens, nothing is fetched, and every link stays on the page or inside the run directory.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configSchema } from '../../harness/config/schema.ts';
import { reportHtml } from '../../harness/report/html.ts';
import { readGradedItems } from '../../harness/report/read-evidence.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { hostileGoldenLines, hostileReport, PAYLOADS, rawHostileReport } from '../fixtures/hostile-report.ts';
import { CHROMIUM_ARGS, findOrInstallChromium } from './browser.ts';
import { ROOT } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

const RUN_ID = '20260101-000000-abcdef';
const SAFE_FILE = 'cell/idle/server.log';
const QUALITY_RESPONSES = 'cell/quality/responses.jsonl';

/**
 * A results directory holding one run: the forged scoreboard, one real cell file a safe link may point at, and a
 * plan.json with a valid config, so that a re-render recomputes ratings and recommendations from the forged cells.
 */
function forgedRun(report: RunReport): { resultsDir: string; runDir: string } {
  const resultsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'hostile-report-')), 'results');
  const runDir = path.join(resultsDir, RUN_ID);
  mkdirSync(path.join(runDir, 'cell', 'idle'), { recursive: true });
  writeFileSync(path.join(runDir, SAFE_FILE), 'log\n');
  report.runId = RUN_ID;
  report.cells[0]!.measurement!.files.log = SAFE_FILE;
  // A quality cell whose responses hold hostile graded items: a re-render shows them as grade evidence.
  mkdirSync(path.join(runDir, 'cell', 'quality'), { recursive: true });
  writeFileSync(path.join(runDir, QUALITY_RESPONSES), hostileGoldenLines());
  for (const c of report.cells) if (c.profile === 'quality') c.measurement!.files.responses = QUALITY_RESPONSES;
  writeFileSync(path.join(runDir, 'scoreboard.json'), `${JSON.stringify(report, null, 2)}\n`);
  const config = configSchema.parse({ models: [{ name: 'tiny', builtin: 'tiny' }], matrix: { models: ['tiny'], quants: ['Q4_K_M'], threads: [1], ctx: [1024], priority: ['normal'] } });
  writeFileSync(path.join(runDir, 'plan.json'), `${JSON.stringify({ runId: RUN_ID, config })}\n`);
  return { resultsDir, runDir };
}

/** `npm run report -- <run-id>` on the forged run, with no config (the output directory from BENCH_OUTPUT_DIR). */
function rerender(resultsDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, commandArgs('report', [RUN_ID]), {
    cwd: ROOT,
    env: { ...process.env, BENCH_OUTPUT_DIR: resultsDir, BENCH_CONFIG: path.join(resultsDir, 'no-such-config.yaml') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('a forged scoreboard in Chromium', () => {
  const chromiumPath = findOrInstallChromium();
  let browser: Browser;
  const pages: { name: string; file: string; runDir: string }[] = [];

  beforeAll(async () => {
    if ('reason' in chromiumPath) return;
    const direct = forgedRun(rawHostileReport());
    const stored = JSON.parse(readFileSync(path.join(direct.runDir, 'scoreboard.json'), 'utf8')) as RunReport;
    writeFileSync(path.join(direct.runDir, 'report.html'), reportHtml(stored, new Map(), readGradedItems(direct.runDir, stored)));
    pages.push({ name: 'rendered directly, every string hostile', file: path.join(direct.runDir, 'report.html'), runDir: direct.runDir });

    const cli = forgedRun(hostileReport());
    const r = await rerender(cli.resultsDir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`wrote ${path.join(cli.runDir, 'report.html')}`);
    pages.push({ name: 're-rendered by npm run report', file: path.join(cli.runDir, 'report.html'), runDir: cli.runDir });
    browser = await chromium.launch({ executablePath: chromiumPath.path, args: CHROMIUM_ARGS });
  }, 1_200_000);

  afterAll(async () => {
    await browser?.close();
  });

  test('no script of the data runs, nothing is fetched, every link stays on the page or in the run', async ({ skip }) => {
    if ('reason' in chromiumPath) skip(chromiumPath.reason);
    for (const { name, file, runDir } of pages) {
      const tab = await browser.newPage();
      const pageUrl = pathToFileURL(file).href;
      const problems: string[] = [];
      const fetched: string[] = [];
      tab.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      tab.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      tab.on('request', (req) => {
        if (req.url() !== pageUrl) fetched.push(req.url());
      });
      await tab.goto(pageUrl);
      // Open every details element (an injected ontoggle would fire), use the page's own script, hover everything.
      await tab.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      await tab.locator('#all-cells th').first().click();
      await tab.locator('input.filter').fill(PAYLOADS[0]!);
      await tab.locator('input.filter').fill('');
      await tab.mouse.move(10, 10);
      // Let any injected timer or handler have its turn, on the page's own clock: its timers of up to 200 ms queued
      // before this one fire first however late a loaded machine runs the page (a 200 ms wait here might not).
      await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));

      const found = await tab.evaluate(() => {
        const w = window as unknown as { __xss?: unknown };
        const handlers = Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`));
        return {
          xss: w.__xss ?? null,
          scripts: document.scripts.length,
          handlers,
          forms: document.forms.length,
          iframes: document.querySelectorAll('iframe, frame, object, embed').length,
          images: document.images.length,
          bases: document.querySelectorAll('base').length,
          metas: document.querySelectorAll('meta').length,
          baseURI: document.baseURI,
          links: Array.from(document.querySelectorAll('a[href]')).map((a) => (a as HTMLAnchorElement).href),
          rawHrefs: Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href') ?? ''),
          responses: Array.from(document.querySelectorAll('pre.response')).map((p) => p.textContent ?? ''),
          headings: Array.from(document.querySelectorAll('h2')).map((h) => h.textContent ?? ''),
          evidenceItems: document.querySelectorAll('details.item').length,
        };
      });
      expect(problems, name).toEqual([]);
      expect(fetched, name).toEqual([]);
      expect(found.xss, name).toBeNull();
      expect(found.scripts, name).toBe(1);
      expect(found.handlers, name).toEqual([]);
      expect({ forms: found.forms, iframes: found.iframes, images: found.images, bases: found.bases, metas: found.metas }, name).toEqual({ forms: 0, iframes: 0, images: 0, bases: 0, metas: 3 });
      expect(found.baseURI, name).toBe(pageUrl);
      const runUrl = `${pathToFileURL(runDir).href}/`;
      for (const link of found.links) {
        const inside = link.startsWith(`${pageUrl}#`) || (link.startsWith(runUrl) && !link.slice(runUrl.length).split('/').includes('..'));
        expect(inside, `${name}: ${link}`).toBe(true);
      }
      expect(found.rawHrefs.filter((h) => !h.startsWith('#')), name).toEqual(expect.arrayContaining([SAFE_FILE]));
      expect(found.rawHrefs.some((h) => /^\s*(javascript|data|https?):|^\/|\.\./i.test(h)), name).toBe(false);
      // the payloads are on the page as text
      expect(found.responses.join('\n'), name).toMatch(/<script>window\.__xss=\d+<\/script>|<img src=x onerror=|<svg onload=|javascript:window/);
      expect(found.headings.some((h) => /<script>window\.__xss=\d+<\/script>/.test(h)), name).toBe(true);
      expect(found.headings, name).toContain('Grade evidence');
      expect(found.evidenceItems, name).toBeGreaterThan(0);

      // Follow the one safe link: it opens the cell's file inside the run, as a person clicking it would.
      await tab.locator(`a[href="${SAFE_FILE}"]`).first().click();
      await tab.waitForURL(/server\.log$/);
      expect(tab.url()).toBe(`${runUrl}${SAFE_FILE}`);
      await tab.close();
    }
  }, 1_200_000);
});
