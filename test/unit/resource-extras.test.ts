import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { resourceMetrics } from '../../harness/profiles/window.ts';
import { readGpuFacts } from '../../harness/sampler/gpu.ts';
import { diskReadDuringLoad } from '../../harness/sampler/load-io.ts';
import { processReadBytes, processVszBytes } from '../../harness/sampler/proc.ts';
import type { SampleRow } from '../../harness/sampler/sampler.ts';
import { COMMON_METRICS } from '../../harness/budgets/metric.ts';

const PID = 4242;

function fakeProc(io: string | null, status = 'Name:\tllama-server\nVmSize:\t  650000 kB\nVmRSS:\t   16000 kB\n'): string {
  const proc = path.join(mkdtempSync(path.join(os.tmpdir(), 'fake-proc-')), 'proc');
  mkdirSync(path.join(proc, String(PID), 'task', String(PID)), { recursive: true });
  writeFileSync(path.join(proc, String(PID), 'task', String(PID), 'children'), '');
  writeFileSync(path.join(proc, String(PID), 'status'), status);
  if (io !== null) writeFileSync(path.join(proc, String(PID), 'io'), io);
  return proc;
}

const IO = 'rchar: 900000000\nwchar: 10\nsyscr: 5\nsyscw: 1\nread_bytes: 250000000\nwrite_bytes: 0\ncancelled_write_bytes: 0\n';

describe('VSZ and load-time disk reads from /proc', () => {
  test('VSZ is VmSize in kB; a process without one (a kernel thread) has none, not 0', () => {
    expect(processVszBytes(PID, fakeProc(IO))).toBe(650000 * 1024);
    expect(processVszBytes(PID, fakeProc(IO, 'Name:\tkthreadd\n'))).toBeNull();
    expect(processVszBytes(999999, fakeProc(IO))).toBeNull();
  });

  test('read_bytes, not rchar (which counts page-cache hits too), over the load time', () => {
    expect(processReadBytes(PID, fakeProc(IO))).toEqual({ bytes: 250_000_000 });
    const m = diskReadDuringLoad(PID, 2000, undefined, fakeProc(IO));
    expect(m).toMatchObject({ status: 'ok', value: 125, unit: 'MB/s', reason: '250.0 MB read from storage in 2.00 s of load' });
  });

  test('a model served from the page cache reads 0 MB/s, and the reason says why', () => {
    const m = diskReadDuringLoad(PID, 1500, undefined, fakeProc(IO.replace('read_bytes: 250000000', 'read_bytes: 0')));
    expect(m.status).toBe('ok');
    expect(m.value).toBe(0);
    expect(m.reason).toMatch(/page cache/);
  });

  test('unreadable, absent or malformed io files, and servers started elsewhere: skipped with the reason, never 0', () => {
    expect(diskReadDuringLoad(PID, 1000, undefined, fakeProc(null))).toMatchObject({ status: 'skipped', value: null, reason: expect.stringMatching(/io does not exist/) });
    expect(diskReadDuringLoad(PID, 1000, undefined, fakeProc('rchar: 5\n'))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/no read_bytes line/) });
    expect(diskReadDuringLoad(null, null, 'the server runs elsewhere (remote target)')).toMatchObject({ status: 'skipped', reason: 'the server runs elsewhere (remote target)' });
    expect(diskReadDuringLoad(PID, 0, undefined, fakeProc(IO))).toMatchObject({ status: 'error' });
    if (process.getuid?.() !== 0) {
      const proc = fakeProc(IO);
      chmodSync(path.join(proc, String(PID), 'io'), 0o000);
      expect(diskReadDuringLoad(PID, 1000, undefined, proc)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/not readable by this user \(EACCES/) });
    }
  });
});

describe('system CPU peak and p99, VSZ peak', () => {
  const row = (i: number, system: number | null, vsz: number | null = 600): SampleRow => ({
    at: (i + 1) * 100, since: i * 100, cpuCorePct: 10, cpuMachinePct: 5, rssMb: 50, vszMb: vsz, pids: 1, systemCpuPct: system, swapUsedMb: 0,
    psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
  });
  const bootstrap = { resamples: 200, level: 0.95, seed: 1 };

  test('the whole machine\'s busy CPU: its highest tick and its p99 (type 7), beside the server tree\'s', () => {
    // 100 ticks: 1..100 %; p99 of 1..100 by type 7 is 99.01.
    const rows = Array.from({ length: 100 }, (_, i) => row(i, i + 1, 600 + i));
    const m = resourceMetrics(rows, rows, {}, bootstrap);
    expect(m.system_cpu_peak_pct).toMatchObject({ status: 'ok', value: 100 });
    expect(m.system_cpu_p99_pct.value).toBeCloseTo(99.01, 9);
    expect(m.vsz_peak_mb).toMatchObject({ status: 'ok', value: 699, unit: 'MB' });
    expect(m.cpu_peak_pct.value).toBe(5);
  });

  test('no /proc/stat reading: an error, not 0; no process: VSZ skipped with the reason', () => {
    const rows = [row(0, null), row(1, null)];
    expect(resourceMetrics(rows, rows, {}, bootstrap).system_cpu_p99_pct.status).toBe('error');
    const far = resourceMetrics(rows, rows, { process: 'a server started elsewhere' }, bootstrap);
    expect(far.vsz_peak_mb).toMatchObject({ status: 'skipped', reason: 'a server started elsewhere' });
  });

  test('declared in the metric registry with unit and direction', () => {
    expect(COMMON_METRICS.system_cpu_p99_pct).toMatchObject({ unit: '%', better: 'lower' });
    expect(COMMON_METRICS.system_cpu_peak_pct.bands?.length).toBeGreaterThan(0);
    expect(COMMON_METRICS.vsz_peak_mb).toMatchObject({ unit: 'MB', better: 'neither' });
    expect(COMMON_METRICS.disk_read_load_mb_s).toMatchObject({ unit: 'MB/s', better: 'neither' });
  });
});

describe('GPU facts from /sys', () => {
  function fakeSys(devices: Record<string, Record<string, string>>, drivers: Record<string, string> = {}): string {
    const sys = mkdtempSync(path.join(os.tmpdir(), 'fake-sys-'));
    for (const [addr, files] of Object.entries(devices)) {
      const dir = path.join(sys, 'bus/pci/devices', addr);
      mkdirSync(dir, { recursive: true });
      for (const [f, v] of Object.entries(files)) writeFileSync(path.join(dir, f), `${v}\n`);
      if (drivers[addr]) {
        mkdirSync(path.join(sys, 'bus/pci/drivers', drivers[addr]!), { recursive: true });
        symlinkSync(path.join(sys, 'bus/pci/drivers', drivers[addr]!), path.join(dir, 'driver'));
      }
    }
    return sys;
  }

  test('display controllers only (class 0x03…), with vendor, driver and VRAM where the driver gives it', () => {
    const sys = fakeSys(
      {
        '0000:00:00.0': { class: '0x060000', vendor: '0x8086', device: '0x1237' },
        '0000:00:03.0': { class: '0x020000', vendor: '0x1af4', device: '0x1000' },
        '0000:03:00.0': { class: '0x030000', vendor: '0x1002', device: '0x73bf', mem_info_vram_total: String(16 * 2 ** 30) },
        '0000:01:00.0': { class: '0x030200', vendor: '0x10de', device: '0x20b0' },
      },
      { '0000:03:00.0': 'amdgpu' },
    );
    const proc = mkdtempSync(path.join(os.tmpdir(), 'fake-proc-'));
    mkdirSync(path.join(proc, 'driver/nvidia/gpus/0000:01:00.0'), { recursive: true });
    writeFileSync(path.join(proc, 'driver/nvidia/gpus/0000:01:00.0/information'), 'Model: \t\t NVIDIA A100-SXM4-40GB\nIRQ: 42\n');
    const g = readGpuFacts(sys, proc);
    expect(g).toEqual({
      status: 'ok',
      devices: [
        { address: '0000:01:00.0', vendor: 'NVIDIA', ids: '10de:20b0', kind: '3D controller', driver: null, vramMb: null, model: 'NVIDIA A100-SXM4-40GB' },
        { address: '0000:03:00.0', vendor: 'AMD', ids: '1002:73bf', kind: 'VGA controller', driver: 'amdgpu', vramMb: 16384, model: null },
      ],
    });
  });

  test('no display controller: skipped "no GPU"; no PCI tree at all: skipped, saying so', () => {
    expect(readGpuFacts(fakeSys({ '0000:00:03.0': { class: '0x020000', vendor: '0x1af4', device: '0x1000' } }))).toEqual({ status: 'skipped', reason: 'no GPU' });
    const none = readGpuFacts('/nonexistent-sys');
    expect(none.status).toBe('skipped');
    expect(none.status === 'skipped' && none.reason).toMatch(/^no GPU found \(.*not readable/);
  });
});
