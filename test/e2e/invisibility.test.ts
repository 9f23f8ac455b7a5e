// The invisibility probe on tiny, through a real llama-server: it measures with the server idle and decoding, and
// reports slowdown and timer lateness with their budgets.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import { runVitest, tinyConfig } from './helpers.ts';

test('the invisibility profile reports foreground slowdown and timer lateness against their budgets', async () => {
  const { file, outDir } = tinyConfig('', (t) => t.replace('profiles:\n', 'profiles:\n  invisibility:\n    foreground_ms: 400\n    lateness_ms: 400\n    max_tokens: 32\n    rounds: 2\n'));
  const run = await runVitest(['--project', 'invisibility'], file).done;
  const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
  const report = JSON.parse(readFileSync(path.join(outDir, runId, 'scoreboard.json'), 'utf8')) as RunReport;
  const cell = report.cells.find((c) => c.profile === 'invisibility')!;
  expect(cell.state, run.output).toBe('completed');
  for (const m of ['foreground_slowdown_pct', 'timer_lateness_p99_ms', 'timer_lateness_idle_p99_ms', 'foreground_idle_ms', 'foreground_active_ms']) {
    expect(cell.metrics[m]?.status, m).toBe('ok');
  }
  expect(cell.metrics.foreground_idle_ms!.value!).toBeGreaterThan(0);
  expect(cell.metrics.timer_lateness_p99_ms!.value!).toBeGreaterThanOrEqual(0);
  // the server really was busy while the probe ran
  expect(cell.metrics.background_requests!.value!).toBeGreaterThan(0);
  expect(cell.metrics.cpu_mean_pct!.value!).toBeGreaterThan(10);
  expect(cell.verdicts.map((v) => v.metric).sort()).toEqual(['foreground_slowdown_pct', 'timer_lateness_p99_ms']);
  expect(cell.tests.map((t) => t.name)).toContain('foreground slowdown ≤ 10 %');
  // idle, active, idle, active, idle: every active phase sits between two idle ones
  expect(run.output).toMatch(/round 2\/2: probing/);
  expect(run.output).toMatch(/foreground slowdown -?[\d.]+ % \(per round: -?[\d.]+, -?[\d.]+ %\)/);
}, 300_000);
