// Cell guards: the pure watcher (hand-made rows), then runCell with a fake server backend and fake sensors (a sysfs
// tree with a hot thermal zone, a meminfo file whose swap grows): the cell is aborted at once with the reading, the
// server stopped, and a guard without its reading is `skipped`, never "no growth".
import { existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { resolveGuards } from '../../harness/config/guards-schema.ts';
import type { Plan } from '../../harness/plan.ts';
import { runCell, type Workload } from '../../harness/profiles/run-cell.ts';
import { CellGuards } from '../../harness/sampler/guards.ts';
import type { SampleRow } from '../../harness/sampler/sampler.ts';
import { sensorSources } from '../../harness/sampler/sources.ts';
import { fakeBackend as fakeBackendOf, planFor } from './backend-fixtures.ts';

const row = (at: number, temperatureC: number | null, swapUsedMb: number | null): SampleRow => ({
  at, since: at - 100, cpuCorePct: 1, cpuMachinePct: 0.5, rssMb: 10, pids: 1, systemCpuPct: 1, swapUsedMb,
  psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC, frequencyMhz: null, energyJ: null,
});

describe('CellGuards (pure)', () => {
  test('temperature: trips on the first reading above the limit, once, with the reading and the time', () => {
    const g = new CellGuards({ abort_temperature_c: 80, allow_swap: true }, undefined, '/proc/meminfo', 1000);
    expect(g.observe(row(1100, 79.9, 0))).toBeNull();
    expect(g.observe(row(1200, 80, 0))).toBeNull(); // at the limit is not above it
    const trip = g.observe(row(2500, 80.5, 0));
    expect(trip).toMatchObject({ guard: 'temperature', reading: 80.5, limit: 80, unit: '°C', at_s: 1.5 });
    expect(trip!.message).toMatch(/80\.5 °C above the limit of 80 °C, 1\.5 s into the cell/);
    expect(g.observe(row(2600, 95, 0))).toBeNull(); // tripped once
    expect(g.report()).toMatchObject({ temperature: { status: 'watched', worst: 95, limit: 80 }, swap: { status: 'off' }, tripped: { reading: 80.5 } });
  });

  test('temperature without a sensor is skipped with the sampler\'s reason, and never trips', () => {
    const g = new CellGuards({ abort_temperature_c: 10, allow_swap: true }, 'no temperature sensor on this machine', '/proc/meminfo', 0);
    expect(g.observe(row(100, null, 0))).toBeNull();
    expect(g.report().temperature).toEqual({ status: 'skipped', limit: 10, worst: null, unit: '°C', reason: 'no temperature sensor on this machine' });
    // a sensor that exists but gave no reading during the cell is no "cool enough" either
    const silent = new CellGuards({ abort_temperature_c: 10, allow_swap: true }, undefined, '/proc/meminfo', 0);
    silent.observe(row(100, null, 0));
    expect(silent.report().temperature).toMatchObject({ status: 'skipped', reason: /no reading/ });
    expect(new CellGuards({ abort_temperature_c: null, allow_swap: true }, undefined, 'x', 0).report().temperature.status).toBe('off');
  });

  test('swap: the first reading is the baseline; any growth above it trips with the figure', () => {
    const g = new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, '/proc/meminfo', 0);
    expect(g.observe(row(100, null, 500))).toBeNull();
    expect(g.observe(row(200, null, 500))).toBeNull();
    expect(g.observe(row(300, null, 499))).toBeNull(); // shrinking is not growth
    const trip = g.observe(row(400, null, 512.25));
    expect(trip).toMatchObject({ guard: 'swap', reading: 12.25, limit: 0, unit: 'MB', at_s: 0.4 });
    expect(trip!.message).toMatch(/swap grew by 12\.3 MB \(from 500\.0 to 512\.3 MB used\)/);
    // under 1 MB: enough decimals to tell the readings apart
    const small = new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, 'x', 0);
    small.observe(row(100, null, 67.4));
    expect(small.observe(row(200, null, 67.466))!.message).toMatch(/swap grew by 0\.066 MB \(from 67\.400 to 67\.466 MB used\)/);
    expect(g.report().swap).toMatchObject({ status: 'watched', worst: 12.25 });
  });

  test('swap with no growth is watched with 0; allow_swap true is off', () => {
    const g = new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, '/proc/meminfo', 0);
    for (let i = 1; i <= 3; i++) expect(g.observe(row(i * 100, null, 0))).toBeNull();
    expect(g.report().swap).toEqual({ status: 'watched', limit: 0, worst: 0, unit: 'MB' });
    expect(new CellGuards({ abort_temperature_c: null, allow_swap: true }, undefined, 'x', 0).report().swap.status).toBe('off');
  });

  test('unreadable swap is skipped, never "no growth": never read, read once, or read with gaps', () => {
    const never = new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, '/fake/meminfo', 0);
    for (let i = 1; i <= 3; i++) never.observe(row(i * 100, null, null));
    expect(never.report().swap).toMatchObject({ status: 'skipped', worst: null, reason: 'swap usage unreadable (/fake/meminfo) in 3 of 3 samples' });
    const once = new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, '/fake/meminfo', 0);
    once.observe(row(100, null, 5));
    expect(once.report().swap.status).toBe('skipped');
    const gaps = new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, '/fake/meminfo', 0);
    for (const v of [5, null, 5]) gaps.observe(row(100, null, v));
    expect(gaps.report().swap).toMatchObject({ status: 'skipped', reason: /1 of 3 samples/ });
    expect(new CellGuards({ abort_temperature_c: null, allow_swap: false }, undefined, 'x', 0).report().swap).toMatchObject({ status: 'skipped', reason: 'no sample taken during the cell' });
  });

  test('both in one sample: temperature is reported, swap growth still counted', () => {
    const g = new CellGuards({ abort_temperature_c: 50, allow_swap: false }, undefined, 'x', 0);
    g.observe(row(100, 40, 1));
    expect(g.observe(row(200, 60, 3))).toMatchObject({ guard: 'temperature' });
    expect(g.report().swap.worst).toBe(2);
  });

  test('a profile override beats the global block field by field; null turns the temperature guard off', () => {
    const global = { abort_temperature_c: 90, allow_swap: true };
    expect(resolveGuards(global, undefined)).toEqual(global);
    expect(resolveGuards(global, { allow_swap: false })).toEqual({ abort_temperature_c: 90, allow_swap: false });
    expect(resolveGuards(global, { abort_temperature_c: null })).toEqual({ abort_temperature_c: null, allow_swap: true });
    expect(resolveGuards(global, { abort_temperature_c: 70 })).toEqual({ abort_temperature_c: 70, allow_swap: true });
  });

  test('sensor sources from the environment; empty means unset', () => {
    expect(sensorSources({})).toEqual({});
    expect(sensorSources({ BENCH_SYSFS_ROOT: ' ', BENCH_MEMINFO: '' })).toEqual({});
    expect(sensorSources({ BENCH_SYSFS_ROOT: '/tmp/sys', BENCH_MEMINFO: '/tmp/meminfo' })).toEqual({ sys: '/tmp/sys', meminfo: '/tmp/meminfo' });
  });
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-guards-'));
function writeConfig(name: string, extra: string, idle = 'duration_s: 60'): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
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
    ${idle}
sampler:
  interval_ms: 50
${extra}`,
  );
  return file;
}

const makePlan = (configFile: string): Plan => planFor(configFile, dir);
/** This test process stands in for the server's process. */
const fakeBackend = () => fakeBackendOf({ pid: process.pid, capabilities: ['relaunch'] });

function fakeSys(celsius: number): string {
  const sys = mkdtempSync(path.join(dir, 'sys-'));
  mkdirSync(path.join(sys, 'class/thermal/thermal_zone0'), { recursive: true });
  writeFileSync(path.join(sys, 'class/thermal/thermal_zone0/temp'), `${Math.round(celsius * 1000)}\n`);
  return sys;
}

/** A meminfo file whose used swap grows by 1 MiB every 40 ms (written whole: temp file + rename). */
function growingSwap(): { file: string; stop: () => void } {
  const file = path.join(mkdtempSync(path.join(dir, 'proc-')), 'meminfo');
  let freeKb = 1_000_000;
  const write = () => {
    writeFileSync(`${file}.tmp`, `MemTotal: 24000000 kB\nSwapTotal: 1048576 kB\nSwapFree: ${freeKb} kB\n`);
    renameSync(`${file}.tmp`, file);
    freeKb -= 1024;
  };
  write();
  const timer = setInterval(write, 40);
  return { file, stop: () => clearInterval(timer) };
}

const idle = async (): Promise<Workload<'idle'>> => ((await import('../../harness/profiles/idle/workload.ts')) as { workload: Workload<'idle'> }).workload;

describe('runCell with cell guards', () => {
  test('a CPU above abort_temperature_c aborts a 60 s idle cell at once: errored with the reading, the server stopped', async () => {
    const plan = makePlan(writeConfig('hot', 'guards:\n  abort_temperature_c: 80\n'));
    const fake = fakeBackend();
    const t0 = performance.now();
    const { measurement, verdicts } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), { backend: fake.make, sensors: { sys: fakeSys(93.5) } });
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(measurement.state).toBe('errored');
    expect(measurement.error).toMatch(/^aborted by guards\.abort_temperature_c: CPU temperature 93\.5 °C above the limit of 80 °C/);
    expect(measurement.guards?.tripped).toMatchObject({ guard: 'temperature', reading: 93.5, limit: 80, unit: '°C' });
    expect(measurement.guards?.temperature).toMatchObject({ status: 'watched', worst: 93.5 });
    expect(verdicts.every((v) => v.status === 'error')).toBe(true);
    expect(fake.calls.filter((c) => c === 'stop').length).toBeGreaterThanOrEqual(1);
    expect(fake.calls.filter((c) => c.startsWith('relaunch'))).toEqual([]);
  });

  test('allow_swap false (a profile override) aborts when swap grows, with the figure; the workload cannot relaunch or forgive it', async () => {
    const plan = makePlan(writeConfig('swap', '', 'duration_s: 60\n    guards: { allow_swap: false }'));
    const swap = growingSwap();
    const fake = fakeBackend();
    const inner = await idle();
    let relaunchError: unknown = null;
    let forgiven: string | null = 'not asked';
    const workload: Workload<'idle'> = async (ctx) => {
      try {
        return await inner(ctx);
      } finally {
        forgiven = ctx.acceptLoss();
        relaunchError = await ctx.relaunch({}).then(() => null, (e: unknown) => e);
      }
    };
    try {
      const { measurement } = await runCell(plan, plan.cells[0]!, 'idle', workload, { backend: fake.make, sensors: { sys: fakeSys(40), meminfo: swap.file } });
      expect(measurement.state).toBe('errored');
      expect(measurement.error).toMatch(/^aborted by guards\.allow_swap false: swap grew by \d+\.\d+ MB \(from \d+\.\d+ to \d+\.\d+ MB used\)/);
      expect(measurement.guards?.tripped).toMatchObject({ guard: 'swap', limit: 0, unit: 'MB' });
      expect(measurement.guards!.tripped!.reading).toBeGreaterThan(0);
      expect(measurement.guards?.temperature).toMatchObject({ status: 'watched', worst: 40 });
      expect(forgiven).toBeNull();
      expect(String(relaunchError)).toMatch(/aborted by guards\.allow_swap/);
      expect(fake.calls.filter((c) => c.startsWith('relaunch'))).toEqual([]);
    } finally {
      swap.stop();
    }
  });

  test('unreadable swap with allow_swap false and no thermal sensor: the cell completes, both guards skipped with the reason', async () => {
    const plan = makePlan(writeConfig('unread', 'guards:\n  allow_swap: false\n', 'duration_s: 0.4'));
    const { measurement } = await runCell(plan, plan.cells[0]!, 'idle', await idle(), {
      backend: fakeBackend().make,
      sensors: { sys: mkdtempSync(path.join(dir, 'empty-sys-')), meminfo: path.join(dir, 'no-such-meminfo') },
    });
    expect(measurement.state).toBe('completed');
    expect(measurement.guards?.swap).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/swap usage unreadable \(.*no-such-meminfo\)/) });
    expect(measurement.guards?.temperature).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/no temperature sensor/) });
    expect(measurement.guards?.tripped).toBeUndefined();
    expect(measurement.metrics.swap_growth_mb).toMatchObject({ status: 'skipped' });
  });
});

describe('output.include_logs', () => {
  test('false: a cell that went well keeps no server log; an aborted one keeps it as evidence', async () => {
    const quiet = makePlan(writeConfig('nologs', 'output:\n  include_logs: false\n', 'duration_s: 0.3'));
    const ok = await runCell(quiet, quiet.cells[0]!, 'idle', await idle(), { backend: fakeBackend().make, sensors: { sys: fakeSys(40) } });
    expect(ok.measurement.state).toBe('completed');
    expect(ok.measurement.files.serverLog).toBeUndefined();
    expect(existsSync(path.join(quiet.runDir, quiet.cells[0]!.cell.slug, 'idle', 'server.log'))).toBe(false);
    const hot = makePlan(writeConfig('nologs-hot', 'output:\n  include_logs: false\nguards:\n  abort_temperature_c: 50\n'));
    const aborted = await runCell(hot, hot.cells[0]!, 'idle', await idle(), { backend: fakeBackend().make, sensors: { sys: fakeSys(60) } });
    expect(aborted.measurement.state).toBe('errored');
    expect(aborted.measurement.files.serverLog).toMatch(/idle\/server\.log$/);
    expect(existsSync(path.join(hot.runDir, aborted.measurement.files.serverLog!))).toBe(true);
    // kept by default
    const plain = makePlan(writeConfig('logs', '', 'duration_s: 0.3'));
    const kept = await runCell(plain, plain.cells[0]!, 'idle', await idle(), { backend: fakeBackend().make, sensors: { sys: fakeSys(40) } });
    expect(kept.measurement.files.serverLog).toMatch(/server\.log$/);
  });
});

describe('guards in the config', () => {
  test('defaults: 90 °C, swap allowed; bad values name their YAML path', () => {
    expect(loadConfig(writeConfig('defaults', '')).config.guards).toEqual({ abort_temperature_c: 90, allow_swap: true });
    const bad = (extra: string, idle?: string) => {
      try {
        loadConfig(writeConfig('bad', extra, idle));
      } catch (e) {
        if (e instanceof ConfigError) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(bad('guards:\n  abort_temperature_c: 400\n')).toMatch(/guards\.abort_temperature_c.*150/);
    expect(bad('guards:\n  allow_swap: "no"\n')).toMatch(/guards\.allow_swap/);
    expect(bad('guards:\n  allow_swapp: false\n')).toMatch(/guards\.allow_swapp.*did you mean allow_swap/);
    expect(bad('', 'duration_s: 1\n    guards: { abort_temperature_c: -1 }')).toMatch(/profiles\.idle\.guards\.abort_temperature_c/);
    expect(bad('', 'duration_s: 1\n    guards: { abort_temperature_c: null }')).toBe('no error');
  });
});
