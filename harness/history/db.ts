// The run history file: SQLite through sql.js (SQLite compiled to WebAssembly, from the npm registry alone: no native
// build, no download at install time). sql.js keeps the database in memory, so a change is one transaction on the
// loaded copy, then the whole file is written atomically (temp file + rename): a writer killed at any moment leaves
// the previous file whole. Writers take a lock, so two runs ending at once do not lose each other's rows.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { withLock } from '../llama/lock.ts';
import { writeFileAtomic } from '../paths.ts';
import { stderrProgress } from '../progress.ts';
import { migrate } from './schema.ts';

export const HISTORY_FILE = 'history.sqlite';
const LOCK_WAIT_MS = 120_000;

let engine: Promise<SqlJsStatic> | undefined;
function sqlite(): Promise<SqlJsStatic> {
  const wasm = path.join(path.dirname(createRequire(import.meta.url).resolve('sql.js')), 'sql-wasm.wasm');
  engine ??= initSqlJs({ locateFile: () => wasm });
  return engine;
}

export const historyFile = (outputDir: string): string => path.join(outputDir, HISTORY_FILE);

/** The database in `file` (a new one when absent), migrated to the current schema. `target` is for tests. */
export async function openHistory(file: string, options: { target?: number } = {}): Promise<Database> {
  const SQL = await sqlite();
  const db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
  try {
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db, options.target);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export function saveHistory(db: Database, file: string): void {
  writeFileAtomic(file, db.export());
}

/** Runs `change` in one transaction on the current file, under the history lock, and writes the file once. */
export async function updateHistory<T>(file: string, change: (db: Database) => T, options: { target?: number } = {}): Promise<T> {
  return withLock(
    `${file}.lock`,
    'updating the run history',
    stderrProgress,
    async () => {
      const db = await openHistory(file, options);
      try {
        db.exec('BEGIN');
        let out: T;
        try {
          out = change(db);
          db.exec('COMMIT');
        } catch (e) {
          db.exec('ROLLBACK');
          throw e;
        }
        saveHistory(db, file);
        return out;
      } finally {
        db.close();
      }
    },
    { maxWaitMs: LOCK_WAIT_MS },
  );
}

/** Reads without the lock: the file is only ever replaced whole. */
export async function readHistory<T>(file: string, read: (db: Database) => T): Promise<T> {
  const db = await openHistory(file);
  try {
    return read(db);
  } finally {
    db.close();
  }
}
