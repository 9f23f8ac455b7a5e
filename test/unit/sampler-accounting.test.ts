// Tick accounting on a fake /proc tree the test writes itself: a share of the machine above 100 % is impossible,
// RSS does not assume 4 KiB pages, and a measurement window leaves out ticks that began before it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { resourceMetrics, rowsIn } from '../../harness/profiles/window.ts';
import { CPU_COUNT, processRssBytes } from '../../harness/sampler/proc.ts';
import { capCpuDelta, Sampler, type SampleRow } from '../../harness/sampler/sampler.ts';

const PID = 4242;

function fakeProc(threads: number): { proc: string; sys: string; setCpuNs: (ns: number[]) => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fake-proc-'));
  const proc = path.join(root, 'proc');
  const sys = path.join(root, 'sys');
  mkdirSync(sys, { recursive: true });
  const tids = Array.from({ length: threads }, (_, i) => String(PID + i));
  for (const tid of tids) {
    mkdirSync(path.join(proc, String(PID), 'task', tid), { recursive: true });
    writeFileSync(path.join(proc, String(PID), 'task', tid, 'children'), '');
  }
  // A 16 KiB-page kernel: statm says 1000 resident pages (16,384,000 bytes), status says the same in kB.
  writeFileSync(path.join(proc, String(PID), 'statm'), '5000 1000 200 10 0 800 0\n');
  writeFileSync(path.join(proc, String(PID), 'status'), 'Name:\tllama-server\nVmPeak:\t  80000 kB\nVmRSS:\t   16000 kB\nThreads:\t2\n');
  const setCpuNs = (ns: number[]) => tids.forEach((tid, i) => writeFileSync(path.join(proc, String(PID), 'task', tid, 'schedstat'), `${Math.round(ns[i]!)} 0 1\n`));
  setCpuNs(tids.map(() => 0));
  return { proc, sys, setCpuNs };
}

describe('capCpuDelta', () => {
  test('a delta within the machine is credited whole', () => {
    expect(capCpuDelta(150e6, 100, 2)).toEqual({ creditedNs: 150e6, carryNs: 0 });
  });
  test('a delta above every core for the whole interval is capped there and the excess carried', () => {
    // 2 cores × 100 ms = 200 ms of CPU at most; 208 ms read (two threads, each a 4 ms scheduler tick late)
    expect(capCpuDelta(208e6, 100, 2)).toEqual({ creditedNs: 200e6, carryNs: 8e6 });
  });
  test('the carry is at most one interval of the machine; a negative delta credits nothing', () => {
    expect(capCpuDelta(1000e6, 100, 2)).toEqual({ creditedNs: 200e6, carryNs: 200e6 });
    expect(capCpuDelta(-5, 100, 2)).toEqual({ creditedNs: 0, carryNs: 0 });
  });
});

describe('Sampler on a fake /proc', () => {
  test('a tick that over-reads (scheduler-tick lag) is capped at 100 % of the machine and the excess moves on', async () => {
    const fake = fakeProc(CPU_COUNT);
    const s = new Sampler(PID, { intervalMs: 60_000, proc: fake.proc, sys: fake.sys });
    s.tick();
    const t0 = performance.now();
    await sleep(100);
    // Each thread reports 1.5 × the wall time so far: 150 % of what the machine could have run.
    const perThread = (performance.now() - t0) * 1e6 * 1.5;
    fake.setCpuNs(Array.from({ length: CPU_COUNT }, () => perThread));
    s.tick();
    await sleep(100);
    s.tick(); // no new CPU time: this tick receives the carry
    const rows = s.snapshot();
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.cpuMachinePct!).toBeLessThanOrEqual(100 + 1e-9);
    expect(rows[0]!.cpuMachinePct!).toBeCloseTo(100, 6);
    expect(rows[0]!.cpuCarriedMs!).toBeGreaterThan(0);
    // Nothing is lost or invented: credited CPU time of both ticks plus what is still carried = what was read.
    const creditedMs = rows.reduce((a, r) => a + (r.cpuCorePct! / 100) * (r.at - r.since), 0);
    expect(creditedMs + (rows[1]!.cpuCarriedMs ?? 0)).toBeCloseTo((perThread * CPU_COUNT) / 1e6, 3);
    expect(rows[1]!.since).toBe(rows[0]!.at);
  });

  test('RSS comes from VmRSS in kB, not statm pages × 4096', () => {
    const fake = fakeProc(1);
    expect(processRssBytes(PID, fake.proc)).toBe(16000 * 1024);
    const s = new Sampler(PID, { intervalMs: 60_000, proc: fake.proc, sys: fake.sys });
    s.tick();
    s.tick();
    expect(s.snapshot()[0]!.rssMb).toBeCloseTo(16.384, 6);
  });

  test('a process without an address space (no VmRSS line) has no RSS reading, not zero', () => {
    const fake = fakeProc(1);
    writeFileSync(path.join(fake.proc, String(PID), 'status'), 'Name:\tkthreadd\nState:\tS (sleeping)\n');
    expect(processRssBytes(PID, fake.proc)).toBeNull();
    expect(processRssBytes(PID + 99, fake.proc)).toBeNull();
  });
});

describe('rowsIn', () => {
  const row = (since: number, at: number): SampleRow => ({
    at, since, cpuCorePct: 1, cpuMachinePct: 1, rssMb: 1, pids: 1, systemCpuPct: null, swapUsedMb: null,
    psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
  });
  const rows = [row(0, 100), row(100, 200), row(200, 300), row(300, 400)];

  test('a tick that began before the window measured the previous phase and is left out', () => {
    expect(rowsIn(rows, 150, 400).map((r) => r.at)).toEqual([300, 400]);
  });
  test('a tick that ends after the window is left out; edges that coincide are inside', () => {
    expect(rowsIn(rows, 100, 350).map((r) => r.at)).toEqual([200, 300]);
    expect(rowsIn(rows, 0, 400)).toHaveLength(4);
  });
});

describe('resourceMetrics', () => {
  const row = (at: number, cpu: number, carried?: number): SampleRow => ({
    at, since: at - 100, cpuCorePct: cpu * CPU_COUNT, cpuMachinePct: cpu, rssMb: 50, pids: 1, systemCpuPct: null, swapUsedMb: null,
    psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
    ...(carried ? { cpuCarriedMs: carried } : {}),
  });
  const boot = { resamples: 100, level: 0.95, seed: 1 };

  test('CPU p99 and peak say how many ticks were capped at 100 % of the machine, and why', () => {
    const m = resourceMetrics([row(100, 50), row(200, 100, 4), row(300, 60)], [], {}, boot);
    expect(m.cpu_peak_pct).toMatchObject({ status: 'ok', value: 100 });
    expect(m.cpu_peak_pct!.reason).toMatch(/^1 of 3 ticks read above 100 % of the machine \(schedstat .* scheduler ticks\)/);
    expect(m.cpu_p99_pct!.reason).toMatch(/capped at 100 %/);
    expect(resourceMetrics([row(100, 50)], [], {}, boot).cpu_peak_pct!.reason).toBeUndefined();
  });
});
