import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readEnergy, readFrequency, readTemperature } from '../../harness/sampler/sensors.ts';
import { pressureStallUs, processCpuNs, processRssBytes, processTree, swapUsedBytes, systemCpuTimes } from '../../harness/sampler/proc.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fake-fs-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('sysfs sensors', () => {
  test('readings from a fake sysfs tree', () => {
    const sys = tree({
      'class/thermal/thermal_zone0/temp': '45000\n',
      'class/hwmon/hwmon1/temp1_input': '61500\n',
      'devices/system/cpu/cpu0/cpufreq/scaling_cur_freq': '2000000\n',
      'devices/system/cpu/cpu1/cpufreq/scaling_cur_freq': '3000000\n',
      'class/powercap/intel-rapl:0/energy_uj': '5000000\n',
      'class/powercap/intel-rapl:0:0/energy_uj': '999000000\n', // a sub-zone: already inside package 0
      'class/powercap/intel-rapl:1/energy_uj': '2500000\n',
    });
    expect(readTemperature(sys)).toEqual({ status: 'ok', value: 61.5 });
    expect(readFrequency(sys)).toEqual({ status: 'ok', value: 2500 });
    expect(readEnergy(sys)).toEqual({ status: 'ok', value: 7.5 });
  });
  test('absent sensors are skipped with the reason, never zero', () => {
    const sys = tree({ 'class/.keep': '' });
    for (const r of [readTemperature(sys), readFrequency(sys), readEnergy(sys)]) {
      expect(r.status).toBe('skipped');
      expect(r).not.toHaveProperty('value');
    }
    expect(readEnergy(sys)).toMatchObject({ reason: expect.stringMatching(/no RAPL/) });
  });
});

describe('/proc readers on a fake tree', () => {
  const proc = tree({
    '10/task/10/children': '11 ',
    '10/task/10/schedstat': '1500000000 0 0\n',
    '10/task/12/children': '',
    '10/task/12/schedstat': '500000000 0 0\n',
    '10/statm': '1000 2500 10 0 0 0 0\n',
    '10/status': 'Name:\tllama-server\nVmRSS:\t   10000 kB\nThreads:\t2\n',
    '11/task/11/children': '',
    '11/stat': '11 (a (weird) name) S 10 11 11 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0\n',
    '11/statm': '1 100 1 0 0 0 0\n',
    stat: 'cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 1 1 1 1 1 1 1\n',
    meminfo: 'MemTotal: 100 kB\nSwapTotal:       2048 kB\nSwapFree:        1024 kB\n',
    'pressure/cpu': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
  });
  test('process tree through children files', () => {
    expect(processTree(10, proc)).toEqual([10, 11]);
    expect(processTree(99, proc)).toEqual([]);
  });
  test('CPU time: schedstat summed over threads, else stat ticks', () => {
    expect(processCpuNs(10, proc)).toBe(2e9);
    // utime 250 + stime 50 ticks at 100 Hz = 3 s; the command name holds spaces and parentheses
    expect(processCpuNs(11, proc)).toBe(3e9);
  });
  test('RSS, system CPU, swap and PSI', () => {
    // VmRSS in kB, not statm's 2500 pages × an assumed page size
    expect(processRssBytes(10, proc)).toBe(10000 * 1024);
    expect(systemCpuTimes(proc)).toEqual({ busy: 150, total: 1000 });
    expect(swapUsedBytes(proc)).toEqual({ used: 1024 * 1024, total: 2048 * 1024 });
    expect(pressureStallUs('cpu', proc)).toBe(123456);
    expect(pressureStallUs('io', proc)).toBeNull();
  });
});
