// runCell against a fake ServerBackend: what the cell does with a server it can sample, one it cannot, one that
// cannot be relaunched, one lost mid-cell, one that never starts. The sampler is real (/proc of this machine); the
// "server process" of the sampled cases is this test process, so its CPU and RSS are real readings.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Plan } from '../../harness/plan.ts';
import { runCell, type Workload } from '../../harness/profiles/run-cell.ts';
import type { ServerHandle } from '../../harness/server/backend.ts';
import { fakeBackend, planFor } from './backend-fixtures.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-run-cell-'));
const configFile = path.join(dir, 'bench.config.yaml');
writeFileSync(
  configFile,
  `models:
  - name: tiny
    builtin: tiny
matrix:
  models: [tiny]
  quants: [Q4_K_M]
  threads: [1]
  ctx: [512]
profiles:
  idle:
    settle_s: 0
    duration_s: 0.4
    budgets:
      cpu_pct: "mean <= 100"
sampler:
  interval_ms: 50
`,
);

const makePlan = (): Plan => planFor(configFile, dir);


const idle = async (): Promise<Workload<'idle'>> => ((await import('../../harness/profiles/idle/workload.ts')) as { workload: Workload<'idle'> }).workload;

describe('runCell through a ServerBackend', () => {
  test('a sampled process: CPU and RSS measured, load time from the backend, the server stopped once', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: process.pid, counters: { tokens_predicted_total: 7, requests_processing: null } });
    const { measurement, verdicts } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), { backend: fake.make });
    expect(measurement.state).toBe('completed');
    expect(measurement.metrics.cpu_mean_pct!.status).toBe('ok');
    expect(measurement.metrics.rss_peak_mb!.status).toBe('ok');
    // this process holds at least its own heap: a real reading, not a zero
    expect(measurement.metrics.rss_peak_mb!.value!).toBeGreaterThan(10);
    expect(measurement.metrics.load_s).toMatchObject({ status: 'ok', value: 1.5 });
    expect(verdicts.find((v) => v.metric === 'cpu_pct')!.status).toBe('pass');
    // the server's own counters, before and after, nulls kept as nulls
    expect(measurement.series?.server_counters).toHaveLength(2);
    expect(measurement.series!.server_counters![1]).toMatchObject({ tokens_predicted_total: 7, requests_processing: null });
    expect(fake.calls).toEqual(['start', 'watch', 'checkAnswers', 'stop']);
    expect(existsSync(path.join(plan.runDir, plan.cells[0]!.cell.slug, 'idle', 'summary.json'))).toBe(true);
  });

  test('no process to sample: CPU and RSS skipped with the reason (never zero), budgets on them skipped, load time skipped', async () => {
    const plan = makePlan();
    const why = 'the server was not started here and no pid was given';
    const fake = fakeBackend({ pid: null, noProcess: why });
    const { measurement, verdicts } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), { backend: fake.make });
    expect(measurement.state).toBe('completed');
    for (const name of ['cpu_pct', 'cpu_mean_pct', 'cpu_p99_pct', 'cpu_peak_pct', 'rss_peak_mb', 'rss_mean_mb'] as const) {
      expect(measurement.metrics[name], name).toMatchObject({ status: 'skipped', value: null, reason: why });
    }
    // machine-wide figures are still read
    expect(measurement.metrics.system_cpu_mean_pct!.status).toBe('ok');
    expect(measurement.metrics.load_s).toMatchObject({ status: 'skipped', value: null });
    expect(measurement.metrics.load_s!.reason).toMatch(/started elsewhere/);
    const cpu = verdicts.find((v) => v.metric === 'cpu_pct')!;
    expect(cpu.status).toBe('skipped');
    expect(measurement.series).toBeUndefined();
  });

  test('a relaunch the backend cannot do errors the cell with the reason, and the server is still stopped', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: null });
    const workload: Workload<'idle'> = async (ctx) => {
      await ctx.relaunch({ extraArgs: ['--cache-ram', '0'] });
      return {} as never;
    };
    const { measurement, verdicts } = await runCell(plan, plan.cells[0]!, 'idle', workload, { backend: fake.make });
    expect(measurement.state).toBe('errored');
    expect(measurement.error).toMatch(/cannot be relaunched/);
    expect(verdicts.every((v) => v.status === 'error')).toBe(true);
    expect(fake.calls.at(-1)).toBe('stop');
  });

  test('a backend that can relaunch: the workload gets the new handle', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: process.pid, capabilities: ['relaunch'] });
    let seen: ServerHandle | null = null;
    const inner = await idle();
    const workload: Workload<'idle'> = async (ctx) => {
      seen = await ctx.relaunch({ parallel: 2 });
      return inner(ctx);
    };
    const { measurement } = await runCell(plan, plan.cells[0]!, 'idle', workload, { backend: fake.make });
    expect(measurement.state).toBe('completed');
    expect(seen).toMatchObject({ pid: process.pid });
    expect(fake.calls).toContain('relaunch {"parallel":2}');
    // watched again after the relaunch
    expect(fake.calls.filter((c) => c === 'watch')).toHaveLength(2);
  });

  test('a server lost mid-cell errors the cell with the cause, whatever the figures', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: process.pid, loseAfterMs: 100 });
    const { measurement } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), { backend: fake.make });
    expect(measurement.state).toBe('errored');
    expect(measurement.error).toMatch(/^the fake server exited \(code 1\)/);
  });

  test('a loss the workload records as its measurement (the sleep race) is forgiven once; a later loss still errors the cell', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: process.pid, loseAfterMs: 20, capabilities: ['relaunch'] });
    const seen: (string | null)[] = [];
    const inner = await idle();
    const forgiving: Workload<'idle'> = async (ctx) => {
      // (no check before the loss: on a loaded machine the fake's 20 ms may pass before the workload starts)
      await ctx.serverLost;
      seen.push(ctx.acceptLoss());
      // nothing more was lost: nothing to accept, and the fresh promise has not resolved
      seen.push(ctx.acceptLoss());
      await ctx.relaunch({ extraArgs: ['--sleep-idle-seconds', '1'] });
      return inner(ctx);
    };
    // the relaunched fake is lost again 20 ms later, during idle: that loss is not accepted, so the cell errors
    const first = await runCell(plan, plan.cells[0]!, 'idle', forgiving, { backend: fake.make });
    expect(seen).toEqual(['the fake server exited (code 1)', null]);
    expect(first.measurement.state).toBe('errored');
    expect(first.measurement.error).toMatch(/^the fake server exited \(code 1\)/);

    const once = fakeBackend({ pid: process.pid, loseAfterMs: 20 });
    const acceptOnly: Workload<'idle'> = async (ctx) => {
      await ctx.serverLost;
      ctx.acceptLoss();
      return inner(ctx);
    };
    // lost once (accepted), never again: the cell completes on its figures
    const second = await runCell(plan, plan.cells[0]!, 'idle', acceptOnly, { backend: once.make });
    expect(second.measurement.state, second.measurement.error).toBe('completed');
  });

  test('a server that stops answering after the workload errors the cell', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: null, answers: 'the fake server did not answer /health' });
    const { measurement } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), { backend: fake.make });
    expect(measurement.state).toBe('errored');
    expect(measurement.error).toBe('the fake server did not answer /health');
  });

  test('a server that never starts: errored, stopped anyway, the summary written', async () => {
    const plan = makePlan();
    const fake = fakeBackend({ pid: null, startError: 'nothing answers at http://127.0.0.1:9' });
    const { measurement } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), { backend: fake.make });
    expect(measurement.state).toBe('errored');
    expect(measurement.error).toMatch(/nothing answers/);
    expect(fake.calls).toEqual(['start', 'stop']);
    const summary = JSON.parse(readFileSync(path.join(plan.runDir, plan.cells[0]!.cell.slug, 'idle', 'summary.json'), 'utf8')) as { measurement: { state: string } };
    expect(summary.measurement.state).toBe('errored');
  });
});
