// Edges of the /proc readers on fake trees: whole process trees, fallbacks when a thread's file is missing, and
// fields that must not be counted (guest time, the "full" PSI line).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLOCK_TICKS_PER_SECOND, pressureStallUs, processCpuNs, processRssBytes, processTree, processTreeTasks, swapUsedBytes, systemCpuTimes } from '../../harness/sampler/proc.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fake-proc-edges-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('processTreeTasks', () => {
  // 1 has threads 1 and 2; thread 1 started 3 and 4, thread 2 started 5; 4 started 6. 7 is listed but already gone.
  const proc = tree({
    '1/task/1/children': '3 4\n',
    '1/task/2/children': '5 7',
    '3/task/3/children': '',
    '4/task/4/children': '  6  ',
    '4/task/8/children': '',
    '5/task/5/.keep': '', // no children file: a thread that exited between readdir and read
    '6/task/6/children': '',
  });

  test('breadth first, every thread\'s children, gone processes left out', () => {
    const tasks = processTreeTasks(1, proc).map((t) => ({ ...t, tids: [...t.tids].sort() }));
    expect(tasks).toEqual([
      { pid: 1, tids: ['1', '2'] },
      { pid: 3, tids: ['3'] },
      { pid: 4, tids: ['4', '8'] },
      { pid: 5, tids: ['5'] },
      { pid: 6, tids: ['6'] },
    ]);
    expect(processTree(1, proc)).toEqual([1, 3, 4, 5, 6]);
    expect(processTree(4, proc)).toEqual([4, 6]);
  });
});

describe('processCpuNs', () => {
  const proc = tree({
    // every thread has schedstat: ns summed
    '20/task/20/schedstat': '300 1 1\n',
    '20/task/21/schedstat': '700 5 5\n',
    '20/stat': '20 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0\n',
    // one thread lacks schedstat: the whole process falls back to stat ticks (never a partial sum)
    '30/task/30/schedstat': '999 0 0\n',
    '30/task/31/.keep': '',
    '30/stat': '30 (name) with) spaces) R 1 1 1 0 -1 0 0 0 0 0 7 3 0 0\n',
    // no threads listed at all: stat
    '40/task/.keep': '',
    '40/stat': '40 (y) S 1 1 1 0 -1 0 0 0 0 0 2 0 0 0\n',
    // neither schedstat nor stat
    '50/task/50/.keep': '',
  });

  test('schedstat run times summed over the threads', () => {
    expect(processCpuNs(20, proc)).toBe(1000);
  });

  test('known thread ids are used instead of listing the task folder', () => {
    expect(processCpuNs(20, proc, ['21'])).toBe(700);
    // known ids of a process whose task folder is gone still fall back to stat
    expect(processCpuNs(20, proc, ['99'])).toBe(((1 + 1) / CLOCK_TICKS_PER_SECOND) * 1e9);
  });

  test('a thread without schedstat: utime + stime of stat, after the last ")" of the command name', () => {
    // utime 7 + stime 3 = 10 ticks at 100 Hz = 0.1 s
    expect(processCpuNs(30, proc)).toBe(1e8);
    expect(CLOCK_TICKS_PER_SECOND).toBe(100);
  });

  test('no threads: stat; nothing readable: null; no process: null', () => {
    expect(processCpuNs(40, proc)).toBe(2e7); // 2 ticks = 20 ms
    // an empty list of known threads is no schedstat sum of 0: stat
    expect(processCpuNs(20, proc, [])).toBe(2e7); // 1 + 1 ticks
    expect(processCpuNs(50, proc)).toBeNull();
    expect(processCpuNs(60, proc)).toBeNull();
  });
});

describe('processRssBytes', () => {
  test('only a VmRSS line at the start of a line, in kB', () => {
    const proc = tree({
      '1/status': 'Name:\tVmRSS: 5 kB\nVmRSS:\t12 kB\n',
      '2/status': 'Name:\tx\nVmRSS:\t12 MB\n',
      '3/status': 'Name:\tx\nVmRSSx:\t12 kB\n',
      '4/status': 'VmRSS:\t1234567 kB\n',
      '5/status': 'VmRSS:  77  kB\n',
    });
    expect(processRssBytes(1, proc)).toBe(12 * 1024);
    expect(processRssBytes(2, proc)).toBeNull();
    expect(processRssBytes(3, proc)).toBeNull();
    expect(processRssBytes(4, proc)).toBe(1234567 * 1024);
    expect(processRssBytes(5, proc)).toBe(77 * 1024);
  });
});

describe('systemCpuTimes', () => {
  test('the first eight fields only: guest time is already inside user and nice', () => {
    // user 100 nice 20 system 50 idle 800 iowait 30 irq 5 softirq 4 steal 1 | guest 70 guest_nice 9
    // total 1010, idle + iowait 830, busy 180
    const proc = tree({ stat: 'cpu  100 20 50 800 30 5 4 1 70 9\ncpu0 1 1 1 1 1 1 1 1 1 1\nintr 5\n' });
    expect(systemCpuTimes(proc)).toEqual({ busy: 180, total: 1010 });
  });
  test('an old kernel\'s short line (no iowait and later): the missing fields count as 0', () => {
    // user 1 nice 2 system 3 idle 4: total 10, busy 6
    expect(systemCpuTimes(tree({ stat: 'cpu 1 2 3 4\n' }))).toEqual({ busy: 6, total: 10 });
  });
  test('unreadable or empty: null', () => {
    expect(systemCpuTimes(tree({ '.keep': '' }))).toBeNull();
    expect(systemCpuTimes(tree({ stat: '' }))).toBeNull();
  });
});

describe('swapUsedBytes', () => {
  test('total − free in bytes', () => {
    const proc = tree({ meminfo: 'SwapCached:   7 kB\nSwapTotal:   4096 kB\nSwapFree:    1000 kB\n' });
    expect(swapUsedBytes(proc)).toEqual({ used: 3096 * 1024, total: 4096 * 1024 });
  });
  test('no swap configured: 0 of 0', () => {
    expect(swapUsedBytes(tree({ meminfo: 'SwapTotal: 0 kB\nSwapFree: 0 kB\n' }))).toEqual({ used: 0, total: 0 });
  });
  test('a missing field, an empty or absent file: null, never "no swap used"', () => {
    expect(swapUsedBytes(tree({ meminfo: 'SwapTotal: 4096 kB\n' }))).toBeNull();
    expect(swapUsedBytes(tree({ meminfo: 'SwapFree: 4096 kB\n' }))).toBeNull();
    expect(swapUsedBytes(tree({ meminfo: 'XSwapTotal: 4096 kB\nSwapFree: 1 kB\n' }))).toBeNull();
    expect(swapUsedBytes(tree({ meminfo: '' }))).toBeNull();
    expect(swapUsedBytes(tree({ '.keep': '' }))).toBeNull();
  });
});

describe('pressureStallUs', () => {
  test('the total of the "some" line, wherever it is', () => {
    const proc = tree({
      'pressure/memory': 'full avg10=0.00 avg60=0.00 avg300=0.00 total=5\nsome avg10=1.00 avg60=0.50 avg300=0.10 total=98765\n',
      'pressure/io': '',
      'pressure/cpu': 'full avg10=0.00 avg60=0.00 avg300=0.00 total=5\n',
    });
    expect(pressureStallUs('memory', proc)).toBe(98765);
    expect(pressureStallUs('io', proc)).toBeNull();
    expect(pressureStallUs('cpu', proc)).toBeNull();
  });
});

describe('the default root is the real /proc', () => {
  test('this process: its tree starts with itself, it has run and holds memory; the machine has CPU time and meminfo', () => {
    expect(processTree(process.pid)[0]).toBe(process.pid);
    expect(processTreeTasks(process.pid)[0]!.tids).toContain(String(process.pid));
    expect(processCpuNs(process.pid)).toBeGreaterThan(0);
    expect(processRssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    const cpu = systemCpuTimes()!;
    expect(cpu.total).toBeGreaterThan(cpu.busy);
    expect(swapUsedBytes()).not.toBeNull();
    if (existsSync('/proc/pressure/cpu')) expect(pressureStallUs('cpu')).toBeGreaterThanOrEqual(0);
    else expect(pressureStallUs('cpu')).toBeNull();
  });
});
