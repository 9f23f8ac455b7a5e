/// <reference lib="dom" />
// `npm run bench:ui` as a person uses it: Vitest's UI starts, runs the profiles of the config at once (here one tiny
// cell, idle and interactive; invisibility and quality disabled so the run stays short), and serves on 127.0.0.1
// only. Headless Chromium sees the profiles' projects and a cell's budgets; the screenshot stays in the test's temp
// dir. Stopping the UI leaves no llama-server, a finished run stays finished, and the experiment log has its entry.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../harness/llama/launch.ts';
import { CHROMIUM_ARGS, findOrInstallChromium } from './browser.ts';
import { ROOT, childEnv, runDirIn, serversTagged, tinyConfig, waitFor, waitWhileRunning, type Running } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

/** Local addresses listening on `port` (IPv4 and IPv6), from /proc/net/tcp*: state 0A is LISTEN. */
function listeners(port: number): string[] {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue;
      const [addr, hexPort] = local.split(':');
      if (parseInt(hexPort!, 16) !== port) continue;
      // IPv4 addresses are little-endian hex; IPv6 ones are kept as hex (any of them fails the check below).
      out.push(addr!.length === 8 ? addr!.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.') : `[${addr}]`);
    }
  }
  return out;
}

describe.skipIf(process.platform !== 'linux')('npm run bench:ui', () => {
  const chromiumPath = findOrInstallChromium();
  const tag = `e2e-ui-${process.pid}`;
  const shotDir = mkdtempSync(path.join(os.tmpdir(), 'ui-e2e-'));
  const screenshot = path.join(shotDir, 'vitest-ui.png');
  let ui: Running;
  let port: number;
  let outDir: string;
  let configFile: string;
  let listening: string[] = [];
  let seen: { projects: string[]; text: string } = { projects: [], text: '' };
  let exit: { code: number | null; output: string } | undefined;

  const stop = async () => {
    if (!ui || ui.child.exitCode !== null || ui.child.signalCode !== null) return;
    try {
      process.kill(-ui.child.pid!, 'SIGTERM'); // npm, its shell and Vitest: the whole group the UI runs in
    } catch {
      // already gone
    }
    exit = await ui.done;
  };

  beforeAll(async () => {
    if ('reason' in chromiumPath) return;
    ({ file: configFile, outDir } = tinyConfig(
      `llama:\n  extra_args: [--alias, ${tag}]\n`,
      (t) => t.replace('    max_tokens: 128', '    max_tokens: 16').replace('profiles:\n', 'profiles:\n  invisibility:\n    enabled: false\n  quality:\n    enabled: false\n'),
    ));
    port = await freePort();
    const child = spawn('npm', ['run', 'bench:ui', '--', '--open=false', `--api.port=${port}`, '--api.strictPort'], {
      cwd: ROOT,
      env: childEnv(configFile),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    ui = { child, output: () => output, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, output }))) };

    const url = `http://127.0.0.1:${port}/__vitest__/`;
    await waitWhileRunning(ui, 'the UI to start', 300_000, () => ui.output().includes(`UI started at http://127.0.0.1:${port}/__vitest__/`));
    listening = listeners(port);
    // The UI runs the selected profiles on start; watch mode then waits ("Waiting for file changes" after a pass,
    // "Tests failed. Watching for file changes" after a missed budget): the run is over.
    await waitWhileRunning(ui, 'the run started by the UI to finish', 900_000, () => /(Waiting|Watching) for file changes/.test(ui.output()));

    const browser = await chromium.launch({ executablePath: chromiumPath.path, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
      await tab.goto(url);
      // The explorer fills in over the UI's websocket: wait for the last budget of the interactive cell.
      await tab.getByText('failed requests ≤ 0 requests').first().waitFor({ timeout: 120_000 });
      seen = {
        projects: await tab.locator('select, [role=combobox], option, span, div').evaluateAll((els) => [...new Set(els.map((e) => (e.textContent ?? '').trim()))]),
        text: await tab.locator('body').innerText(),
      };
      await tab.screenshot({ path: screenshot });
    } finally {
      await browser.close();
    }
    await stop();
  }, 1_500_000);

  afterAll(async () => {
    await stop();
  });

  test('serves on 127.0.0.1 only', ({ skip }) => {
    if ('reason' in chromiumPath) skip(chromiumPath.reason);
    expect(listening).toEqual(['127.0.0.1']);
  });

  test("Chromium sees the profiles' projects and a cell's budgets; the screenshot is kept", ({ skip }) => {
    if ('reason' in chromiumPath) skip(chromiumPath.reason);
    for (const project of ['idle', 'interactive', 'invisibility', 'quality']) expect(seen.projects, project).toContain(project);
    expect(seen.text).toContain('tiny Q4_K_M t1 c1024 nice10');
    for (const budget of ['idle CPU mean ≤ 2 % of machine', 'CPU p99 ≤ 50 % of machine', 'latency p95 ≤ 2.5 s', 'latency p99/p50 < 2', 'decode speed mean ≥ 2 tok/s']) {
      expect(seen.text, budget).toContain(budget);
    }
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    process.stderr.write(`[ui e2e] screenshot: ${screenshot}\n`);
  });

  test('stopping the UI ends it, leaves no llama-server, keeps the finished run finished, and the experiment log has the run', async ({ skip }) => {
    if ('reason' in chromiumPath) skip(chromiumPath.reason);
    expect(exit).toBeDefined();
    await waitFor('the UI port to close', 30_000, () => listeners(port).length === 0);
    await waitFor('no llama-server of this test', 30_000, () => serversTagged(tag).length === 0);
    const runDir = runDirIn(outDir)!;
    const board = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as { partial: boolean; interrupted?: boolean };
    expect(board.partial).toBe(false);
    expect(board.interrupted).toBeUndefined();
    const log = readFileSync(path.join(outDir, 'LEARNINGS.md'), 'utf8');
    const runId = path.basename(runDir);
    expect(log).toContain(`## `);
    expect(log).toContain(`· run ${runId} (finished)`);
    expect(log).toContain('- **Tried:** tiny Q4_K_M; threads 1; ctx 1024; priority nice10; profiles idle, interactive');
    const printed = spawn(process.execPath, commandArgs('report', ['--learnings', '--config', configFile]), { cwd: ROOT, env: childEnv(configFile) });
    let text = '';
    printed.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve) => printed.on('close', resolve));
    expect(code).toBe(0);
    expect(text).toBe(log);
  });
});
