// The directory lock that keeps two processes from building, generating or updating the run state at once.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LockTimeoutError, readLockOwner, withLock } from '../../harness/llama/lock.ts';

const quick = { maxWaitMs: 600, pollMs: 50, progressEveryMs: 200 };

function lockWith(pidText: string | null, ageMs = 0): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'x.lock');
  mkdirSync(dir);
  if (pidText !== null) writeFileSync(path.join(dir, 'pid'), pidText);
  if (ageMs > 0) {
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(dir, t, t);
  }
  return dir;
}

const sleepers: number[] = [];
afterEach(() => {
  for (const pid of sleepers.splice(0)) process.kill(pid, 'SIGKILL');
});

describe('readLockOwner', () => {
  test.each([[''], ['\n'], ['0'], ['-1'], ['abc'], ['12abc'], ['1.5'], ['99999999999999999999']])('%j is no owner (never pid 0, which always "exists")', (text) => {
    expect(readLockOwner(lockWith(text))).toBeNull();
  });
  test('a pid with a trailing newline is read', () => {
    expect(readLockOwner(lockWith('4242\n'))).toBe(4242);
  });
  test('no pid file is no owner', () => {
    expect(readLockOwner(lockWith(null))).toBeNull();
  });
});

describe('withLock', () => {
  test('an empty pid file in a fresh lock is waited for, with progress, and the wait is bounded', async () => {
    const dir = lockWith('');
    const said: string[] = [];
    const ran = withLock(dir, 'building llama.cpp', (m) => said.push(m), async () => 'ran', quick);
    await expect(ran).rejects.toThrow(LockTimeoutError);
    await expect(ran).rejects.toThrow(new RegExp(`gave up after \\d+ s waiting for another process \\(its pid not written yet\\) that is building llama.cpp \\(lock ${dir}\\); if no other llm-budget-bench process is running, remove ${dir}`));
    expect(said[0]).toBe(`waiting for another process (its pid not written yet) that is building llama.cpp (lock ${dir})`);
    expect(said.some((m) => m.startsWith('still waiting for another process'))).toBe(true);
    expect(existsSync(dir)).toBe(true); // not ours to remove
  });

  test('an empty pid file in an old lock (its owner died before writing it) is taken over', async () => {
    const dir = lockWith('', 60_000);
    const said: string[] = [];
    await expect(withLock(dir, 'x', (m) => said.push(m), async () => 'ran', quick)).resolves.toBe('ran');
    expect(said).toEqual([`taking over ${dir}: it has had no owner pid for 30 s`]);
    expect(existsSync(dir)).toBe(false);
  });

  test('a dead owner is taken over at once', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    const dir = lockWith(dead);
    const said: string[] = [];
    await expect(withLock(dir, 'x', (m) => said.push(m), async () => 'ran', quick)).resolves.toBe('ran');
    expect(said).toEqual([`taking over ${dir}: its owner (pid ${dead}) is gone`]);
  });

  test('a live owner is waited for, naming it, until the bound', async () => {
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    sleepers.push(owner.pid!);
    const dir = lockWith(String(owner.pid));
    const said: string[] = [];
    await expect(withLock(dir, 'generating the tiny model', (m) => said.push(m), async () => 'ran', quick)).rejects.toThrow(
      `waiting for another process (pid ${owner.pid}) that is generating the tiny model`,
    );
    expect(said[0]).toBe(`waiting for another process (pid ${owner.pid}) that is generating the tiny model (lock ${dir})`);
  });

  test('a free lock is taken, holds our pid while fn runs, and is removed after, also when fn throws', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'sub', 'y.lock');
    await withLock(dir, 'x', () => {}, async () => {
      expect(readLockOwner(dir)).toBe(process.pid);
    });
    expect(existsSync(dir)).toBe(false);
    await expect(withLock(dir, 'x', () => {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(dir)).toBe(false);
  });
});
