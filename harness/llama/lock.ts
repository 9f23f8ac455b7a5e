import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '../progress.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock directory with no pid file this old was left by a process that died right after creating it. */
const STALE_WITHOUT_PID_MS = 30_000;

function lockAgeMs(dir: string): number {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * A directory lock (mkdir is atomic) holding the owner's pid: two processes never build at once,
 * and a lock left by a process that died is taken over.
 */
export async function withLock<T>(lockDir: string, what: string, progress: Progress, fn: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // The owner may be between mkdir and writing its pid: wait a moment before judging it dead.
      }
      const orphaned = Number.isFinite(owner) ? !alive(owner) : lockAgeMs(lockDir) > STALE_WITHOUT_PID_MS;
      if (orphaned) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        progress(`waiting for another process (pid ${owner}) that is ${what}`);
        announced = true;
      }
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
