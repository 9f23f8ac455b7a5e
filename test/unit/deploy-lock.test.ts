// Deploys and rollbacks of one target take turns: a second one waits for the first (saying so) and gives up after
// its bound with the lock and the holder named, never reading a `current` the first is about to change.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { rollback, targetLock } from '../../harness/deploy/deploy.ts';
import { HISTORY_DIR } from '../../harness/deploy/history.ts';
import { LockTimeoutError } from '../../harness/llama/lock.ts';

const options = (target: string, lockWaitMs: number) => ({ target, nodePath: process.execPath, repoRoot: '/repo', serverPath: '/bin/llama-server', modelCacheDir: path.join(target, 'models'), lockWaitMs });

test('a rollback waits for the deploy holding the target, then gives up naming the lock and its holder', async () => {
  const target = mkdtempSync(path.join(os.tmpdir(), 'deploy-lock-'));
  const lock = targetLock(target);
  mkdirSync(lock);
  writeFileSync(path.join(lock, 'pid'), String(process.pid)); // a live holder: this process
  const said: string[] = [];
  await expect(rollback(options(target, 300), (l) => said.push(l))).rejects.toThrow(LockTimeoutError);
  await expect(rollback(options(target, 300), () => {})).rejects.toThrow(new RegExp(`waiting for another process \\(pid ${process.pid}\\) that is rolling back .*\\.deploy\\.lock`));
  expect(said[0]).toMatch(/^waiting for another process \(pid \d+\) that is rolling back /);
  // nothing was recorded while it waited
  expect(existsSync(path.join(target, HISTORY_DIR))).toBe(false);

  // released: the rollback runs (nothing to go back to: exit 1 with the reason) and gives the lock back
  rmSync(lock, { recursive: true });
  const outcome = await rollback(options(target, 300), () => {});
  expect(outcome.exitCode).toBe(1);
  expect(outcome.record.reason).toMatch(/no earlier passing deployment/);
  expect(existsSync(lock)).toBe(false);
});

test('a lock left by a process that is gone is taken over', async () => {
  const target = mkdtempSync(path.join(os.tmpdir(), 'deploy-lock-'));
  const lock = targetLock(target);
  mkdirSync(lock);
  writeFileSync(path.join(lock, 'pid'), '2147483646'); // no such process
  const said: string[] = [];
  const outcome = await rollback(options(target, 300), (l) => said.push(l));
  expect(outcome.exitCode).toBe(1);
  expect(said.some((l) => /taking over .*\.deploy\.lock: its owner \(pid 2147483646\) is gone/.test(l))).toBe(true);
});
