import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { idleSpin, threadTimes, type ThreadTimes } from '../../harness/sampler/threads.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake /proc: pid → tid → [schedstat run ns, comm], and child pids per process. */
function fakeProc(tree: Record<number, { threads: Record<number, [number, string]>; children?: number[] }>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fake-proc-'));
  dirs.push(root);
  for (const [pid, p] of Object.entries(tree)) {
    const tids = Object.keys(p.threads);
    for (const [tid, [ns, comm]] of Object.entries(p.threads)) {
      const dir = path.join(root, pid, 'task', tid);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'schedstat'), `${ns} 0 0\n`);
      writeFileSync(path.join(dir, 'comm'), `${comm}\n`);
      writeFileSync(path.join(dir, 'children'), tid === tids[0] ? (p.children ?? []).join(' ') : '');
    }
  }
  return root;
}

const reading = (ns: Record<string, number>, at: number): ThreadTimes => ({ ns: new Map(Object.entries(ns)), names: new Map(Object.keys(ns).map((k) => [k, `t${k}`])), at });

describe('per-thread idle CPU', () => {
  test('reads every thread of the tree, children included, with its name', () => {
    const proc = fakeProc({ 10: { threads: { 10: [1000, 'llama-server'], 11: [5000, 'llama-server'] }, children: [20] }, 20: { threads: { 20: [7, 'helper'] } } });
    const t = threadTimes(10, proc, 123)!;
    expect([...t.ns.entries()].sort()).toEqual([['10/10', 1000], ['10/11', 5000], ['20/20', 7]]);
    expect(t.names.get('20/20')).toBe('helper');
    expect(t.at).toBe(123);
  });

  test('a process that is gone reads null, never zero threads', () => {
    expect(threadTimes(99, fakeProc({}))).toBeNull();
  });

  test('one spinning thread among idle ones: its share of a core, and the count above the threshold', () => {
    // 2 s window: thread a ran 2 s (a whole core), b 0.05 s (2.5 %), c 0.2 s (10 %), d nothing.
    const before = reading({ a: 0, b: 0, c: 0, d: 5 }, 1000);
    const after = reading({ a: 2e9, b: 5e7, c: 2e8, d: 5 }, 3000);
    const spin = idleSpin(before, after, 5);
    expect(spin.busiestPct).toBeCloseTo(100, 9);
    expect(spin.threads.map((t) => [t.thread, t.pctOfCore])).toEqual([['a', 100], ['c', 10], ['b', 2.5], ['d', 0]]);
    expect(spin.busyThreads).toBe(2);
    expect(spin.threads[0]!.name).toBe('ta');
  });

  test('exactly at the threshold is not busy; threads born or gone inside the window are left out', () => {
    const spin = idleSpin(reading({ a: 0, gone: 0 }, 0), reading({ a: 5e7, born: 9e9 }, 1000), 5);
    expect(spin.threads.map((t) => t.thread)).toEqual(['a']);
    expect(spin.busiestPct).toBe(5);
    expect(spin.busyThreads).toBe(0);
  });

  test('no thread lived through the window: no figure (null), not 0 %', () => {
    expect(idleSpin(reading({ a: 0 }, 0), reading({ b: 1 }, 1000)).busiestPct).toBeNull();
  });

  test('a counter that went backwards (a reused tid) counts as nothing, not negative', () => {
    expect(idleSpin(reading({ a: 9e9 }, 0), reading({ a: 1e9 }, 1000)).busiestPct).toBe(0);
  });

  test('readings in the wrong order are refused', () => {
    expect(() => idleSpin(reading({ a: 0 }, 1000), reading({ a: 1 }, 1000))).toThrow(/after the first/);
  });
});
