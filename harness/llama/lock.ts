import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { explainWriteError } from '../paths.ts';
import type { Progress } from '../progress.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock directory with no readable pid this old was left by a process that died right after creating it. */
export const STALE_WITHOUT_PID_MS = 30_000;

export interface LockOptions {
  /** The longest wait for another holder; then withLock throws, naming the lock and its holder. */
  maxWaitMs?: number;
  /** How often a waiting process says it is still waiting. */
  progressEveryMs?: number;
  /** How often the lock is tried again. */
  pollMs?: number;
}

/** Enough for a cold llama.cpp build on a loaded machine; callers that hold a lock briefly pass much less. */
export const DEFAULT_LOCK_WAIT_MS = 2 * 60 * 60_000;
const DEFAULT_PROGRESS_EVERY_MS = 30_000;

function lockAgeMs(dir: string): number {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The owner's pid, or null when the pid file is missing, empty or not a positive integer. An empty file must
 * never read as pid 0: `process.kill(0, 0)` signals this process's own group and always succeeds.
 */
export function readLockOwner(lockDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(path.join(lockDir, 'pid'), 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^[1-9]\d*$/.test(text)) return null;
  const pid = Number(text);
  return Number.isSafeInteger(pid) ? pid : null;
}

export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockTimeoutError';
  }
}

/** Takes the lock, or returns why not yet (the owner's pid, or null while it has none). Throws when it cannot be taken at all. */
function tryLock(lockDir: string): { taken: true } | { taken: false; owner: number | null } {
  try {
    mkdirSync(lockDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') explainWriteError(lockDir, e);
    return { taken: false, owner: readLockOwner(lockDir) };
  }
  try {
    writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  } catch (e) {
    // A lock nobody can attribute would make every other process wait for it: give it back and fail.
    rmSync(lockDir, { recursive: true, force: true });
    explainWriteError(path.join(lockDir, 'pid'), e);
  }
  return { taken: true };
}

/**
 * A directory lock (mkdir is atomic) holding the owner's pid: two processes never build at once, and a lock left
 * by a process that died is taken over. Waiting says so (and says so again every half minute) and is bounded.
 */
export async function withLock<T>(lockDir: string, what: string, progress: Progress, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const progressEveryMs = options.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS;
  const pollMs = options.pollMs ?? 1000;
  try {
    mkdirSync(path.dirname(lockDir), { recursive: true });
  } catch (e) {
    explainWriteError(lockDir, e);
  }
  const started = Date.now();
  let lastSaid = 0;
  for (;;) {
    const attempt = tryLock(lockDir);
    if (attempt.taken) break;
    const { owner } = attempt;
    const orphaned = owner !== null ? !alive(owner) : lockAgeMs(lockDir) > STALE_WITHOUT_PID_MS;
    if (orphaned) {
      progress(`taking over ${lockDir}: ${owner !== null ? `its owner (pid ${owner}) is gone` : 'it has had no owner pid for 30 s'}`);
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    const waited = Date.now() - started;
    const holder = owner !== null ? `another process (pid ${owner})` : 'another process (its pid not written yet)';
    if (waited >= maxWaitMs) {
      throw new LockTimeoutError(
        `gave up after ${Math.round(waited / 1000)} s waiting for ${holder} that is ${what} (lock ${lockDir}); ` +
          `if no other llm-budget-bench process is running, remove ${lockDir}`,
      );
    }
    if (lastSaid === 0 || Date.now() - lastSaid >= progressEveryMs) {
      progress(
        lastSaid === 0
          ? `waiting for ${holder} that is ${what} (lock ${lockDir})`
          : `still waiting for ${holder} that is ${what}: ${Math.round(waited / 1000)} s so far, giving up after ${Math.round(maxWaitMs / 1000)} s`,
      );
      lastSaid = Date.now();
    }
    await sleep(Math.min(pollMs, Math.max(1, maxWaitMs - waited)));
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
