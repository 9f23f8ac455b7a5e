/// <reference lib="dom" />
// The behaviour lab on tiny, quick mode: token accounting against the server's own counts, the crossover and
// temperature profiles (under two middleware presets), the report's lab sections, and the side-by-side comparison
// page in headless Chromium. Tiny's text is nonsense: this checks structure and accounting, not quality.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import type { ComparisonData } from '../../harness/compare/model.ts';
import type { TokenOverhead } from '../../harness/middleware/overhead.ts';
import { CHROMIUM_ARGS, findOrInstallChromium } from './browser.ts';
import { childEnv, ROOT, runVitest, tinyConfig, type Finished } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

// Tiny has no chat template of its own; the legacy path applies the fallback (as in the quality e2e).
// Quick mode: each profile's quick settings, and the Q4_K_M and Q5_K_M files (the compare command uses both).
const EXTRA = `llama:
  extra_args: [--no-jinja]
planner:
  mode: quick
`;
const PROFILES = `  crossover:
    enabled: true
  temperature:
    enabled: true
  quality:
    limit_per_set: 1
    sets: [math, endpoint-security]
    cove: { enabled: false }
    retrieval: { enabled: false }
`;

function labConfig() {
  return tinyConfig(EXTRA, (t) =>
    t
      .replace('  priority: [nice10]', '  priority: [nice10]\n  middleware: [none, with-context]')
      .replace('profiles:\n', `profiles:\n${PROFILES}`)
      .replace('quants: [Q4_K_M]', 'quants: [Q4_K_M, Q5_K_M]')
  );
}

interface Line {
  kind?: string;
  composition?: { middleware: string; sources: string[]; final_messages: { role: string; content: string }[]; token_overhead: TokenOverhead | null };
  prompt_tokens?: number;
}

const readLines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('behaviour lab on tiny', () => {
  const chromiumPath = findOrInstallChromium();
  let run: Finished;
  let report: RunReport;
  let runDir: string;
  let compare: Finished;
  let compareDir: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const { file, outDir } = labConfig();
    // Quality (token accounting), crossover and temperature on Q4_K_M only; the compare CLI uses both files.
    run = await runVitest(['--project', 'quality', '--project', 'crossover', '--project', 'temperature', '-t', 'Q4_K_M'], file).done;
    const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
    runDir = path.join(outDir, runId);
    report = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
    const child = spawn(
      process.execPath,
      commandArgs('compare', ['--config', file, '--models', 'tiny:Q4_K_M,tiny:Q5_K_M', '--temps', '0,1.2', '--preset', 'concise', '--aliases', 'Base,Creative,Q5,Q5 hot', '--prompts', '1', '--graded', '1', '--max-tokens', '12']),
      { cwd: ROOT, env: childEnv(file), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    compare = await new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, output })));
    compareDir = path.dirname(/wrote (\S+compare\.html)/.exec(compare.output)?.[1] ?? '');
    if (!('reason' in chromiumPath)) browser = await chromium.launch({ executablePath: chromiumPath.path, args: CHROMIUM_ARGS });
  }, 1_500_000);

  afterAll(async () => {
    await browser?.close();
  });

  const cellOf = (profile: string, mw: string) => report.cells.find((c) => c.profile === profile && c.cell.quant === 'Q4_K_M' && c.cell.middleware === mw)!;

  test('token accounting: original + injected + template = the prompt tokens the server reports; the template part is what the template adds', () => {
    expect(run.code, run.output).not.toBeNull();
    const dir = path.join(runDir, cellOf('quality', 'with-context').cell.slug, 'quality');
    const lines = readLines(path.join(dir, 'responses.jsonl')).filter((l) => l.kind === 'golden');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      const o = l.composition!.token_overhead!;
      expect(l.composition!.sources.slice(0, 2)).toEqual(['system', 'context']);
      expect(l.composition!.final_messages[0]!.content).toContain('<conversation_context>');
      // The server's own count, as the quality record has it, is the total the parts are checked against.
      expect(o.prompt_tokens).toBe(l.prompt_tokens);
      expect(o.original_tokens + o.injected_tokens + o.template_tokens!).toBe(o.prompt_tokens);
      expect(o.injected_by_source.system).toBeGreaterThan(0);
      expect(o.injected_by_source.context).toBeGreaterThan(0);
      // The template's own tokens (role markers, BOS) plus the separators: a few dozen at most, never negative.
      expect(o.template_tokens!).toBeGreaterThanOrEqual(0);
      expect(o.template_tokens!).toBeLessThan(80);
    }
    // Against the same items without middleware: the server counts exactly the injected tokens more, give or take
    // what the extra system turn adds to the template (its role markers).
    const plain = readLines(path.join(runDir, cellOf('quality', 'none').cell.slug, 'quality', 'responses.jsonl')).filter((l) => l.kind === 'golden');
    expect(plain.length).toBe(lines.length);
    lines.forEach((l, i) => {
      const o = l.composition!.token_overhead!;
      const p = plain[i]!.composition!.token_overhead!;
      expect(p.injected_tokens).toBe(0);
      expect(p.original_tokens).toBe(o.original_tokens);
      const templateDelta = o.prompt_tokens! - p.prompt_tokens! - o.injected_tokens;
      expect(templateDelta).toBe(o.template_tokens! - p.template_tokens!);
      expect(Math.abs(templateDelta)).toBeLessThanOrEqual(24);
    });
    const m = cellOf('quality', 'with-context').metrics;
    expect(m.injected_tokens_mean).toMatchObject({ status: 'ok' });
    expect(m.injected_share_pct!.value!).toBeGreaterThan(0);
    expect(cellOf('quality', 'none').metrics.injected_tokens_mean).toMatchObject({ status: 'ok', value: 0 });
  });

  test('crossover: a step table, a crossing or the reason there is none, measured once for both presets', () => {
    const c = cellOf('crossover', 'none');
    expect(c.state, run.output).toBe('completed');
    const steps = c.measurement!.series!.steps!;
    expect(steps.map((s) => s.prompt_tokens)).toEqual([16, 64, 256, 640]);
    for (const s of steps) expect(s.prefill_s! > 0 && s.decode_s! > 0).toBe(true);
    const x = c.metrics.crossover_prompt_tokens!;
    if (x.status === 'ok') {
      expect(x.value!).toBeGreaterThanOrEqual(16);
      expect(x.value!).toBeLessThanOrEqual(640);
    } else expect(x.reason).toMatch(/below decode|smallest prompt/);
    expect(c.metrics.prefill_ms_per_1k_input).toMatchObject({ status: 'ok' });
    expect(c.metrics.prefill_wh_per_1k_input).toMatchObject({ status: 'skipped' });
    // crossover sends no chat requests: the with-context cell is a duplicate of the none one.
    expect(cellOf('crossover', 'with-context').state).toBe('skipped');
  });

  test('temperature: deterministic at 0, varied above it; a row per temperature under each preset', () => {
    for (const mw of ['none', 'with-context']) {
      const c = cellOf('temperature', mw);
      expect(c.state, run.output).toBe('completed');
      const rows = c.measurement!.series!.temperatures!;
      expect(rows.map((r) => r.temperature)).toEqual([0, 0.7, 1.2]);
      expect(rows.every((r) => r.runs === 6 && r.graded === 3)).toBe(true);
      expect(c.metrics.edit_distance_t0).toMatchObject({ status: 'ok', value: 0 });
      expect(c.metrics.edit_distance_t1_2!.value!).toBeGreaterThan(0);
      expect(c.metrics.pass_rate_t0).toMatchObject({ status: 'ok' });
    }
    expect(cellOf('temperature', 'with-context').metrics.injected_tokens_mean!.value!).toBeGreaterThan(0);
  });

  test('report.html shows the middleware comparison, the crossover chart and the variability table', async ({ skip }) => {
    if (!browser) return skip('reason' in chromiumPath ? chromiumPath.reason : 'no browser');
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    await tab.goto(`file://${path.join(runDir, 'report.html')}`);
    expect(problems).toEqual([]);
    expect(await tab.locator('h3', { hasText: 'Middleware comparison' }).count()).toBe(2);
    expect(await tab.locator('table.middleware td', { hasText: 'with-context' }).count()).toBe(2);
    expect(await tab.locator('h3', { hasText: 'Prefill/decode crossover' }).count()).toBe(1);
    expect(await tab.locator('.crossover').count()).toBe(1);
    expect(await tab.locator('h3', { hasText: 'Temperature variability' }).count()).toBe(1);
    expect(await tab.locator('table.variability tbody tr').count()).toBe(6);
    await tab.screenshot({ path: path.join(runDir, 'report-lab.png'), fullPage: true });
  });

  test('compare: aligned panes with aliases, token counts, tok/s and grades; model text stays text', async ({ skip }) => {
    expect(compare.code, compare.output).toBe(0);
    const data = JSON.parse(readFileSync(path.join(compareDir, 'compare.json'), 'utf8')) as ComparisonData;
    expect(data.panes.map((p) => p.alias)).toEqual(['Base', 'Creative', 'Q5', 'Q5 hot']);
    expect(data.panes.map((p) => p.cellId?.split(' ')[1])).toEqual(['Q4_K_M', 'Q4_K_M', 'Q5_K_M', 'Q5_K_M']);
    expect(data.prompts).toHaveLength(2);
    for (const row of data.answers) for (const a of row) expect(a).toMatchObject({ ok: true });
    expect(data.answers[1]!.every((a) => a!.score !== null)).toBe(true);
    if (!browser) return skip('reason' in chromiumPath ? chromiumPath.reason : 'no browser');
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    await tab.goto(`file://${path.join(compareDir, 'compare.html')}`);
    expect(problems).toEqual([]);
    expect(await tab.locator('.grid').count()).toBe(2);
    expect(await tab.locator('.pane').count()).toBe(8);
    // Aligned: the panes of one prompt share a row (same top edge).
    const tops = await tab.locator('.grid').first().locator('.pane').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    expect(await tab.locator('.pane h3', { hasText: 'Creative' }).count()).toBe(2);
    expect(await tab.locator('.stats', { hasText: 'tok/s' }).count()).toBe(8);
    expect(await tab.locator('.stats', { hasText: 'grade' }).count()).toBe(4);
    // Whatever the model wrote is text in a <pre>, never markup.
    const texts = await tab.locator('.pane pre').allTextContents();
    expect(texts).toEqual(data.answers.flat().map((a) => a!.text));
    await tab.screenshot({ path: path.join(compareDir, 'compare.png'), fullPage: true });
  });
});
