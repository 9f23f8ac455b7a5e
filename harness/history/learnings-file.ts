// The experiment log beside the runs: `<output dir>/LEARNINGS.md`. Each run adds its entry under a lock, through a
// temporary file and a rename, so two runs finishing together both land and a reader never sees half an entry.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../paths.ts';
import type { RunReport } from '../report/model.ts';
import { withEntry } from '../report/learnings.ts';

export const LEARNINGS_FILE = 'LEARNINGS.md';
/** The entry is written in milliseconds: a lock older than this was left by a process that died. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

export function learningsFile(outputDir: string): string {
  return path.join(outputDir, LEARNINGS_FILE);
}

/** Synchronous, because an interrupted run writes its entry from a signal handler that must finish before exit. */
function withLockSync<T>(lock: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > STALE_LOCK_MS) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by another run (waited ${LOCK_WAIT_MS / 1000} s)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Adds the run's entry (or replaces the one an earlier invocation of the same run wrote). Returns the file. */
export function appendLearnings(outputDir: string, report: RunReport): string {
  const file = learningsFile(outputDir);
  mkdirSync(outputDir, { recursive: true });
  withLockSync(`${file}.lock`, () => {
    const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
    writeFileAtomic(file, withEntry(existing, report));
  });
  return file;
}

/** The log's text, or null when no run has written one under `outputDir`. */
export function readLearnings(outputDir: string): string | null {
  const file = learningsFile(outputDir);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}
