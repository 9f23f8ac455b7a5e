// The run history's tables, as numbered migrations: a database records its version in `PRAGMA user_version`, and
// opening it applies the migrations it lacks, each in its own transaction. Documented in docs/scaling.md.
import type { Database } from 'sql.js';

/** Migration i (1-based) brings a database from version i-1 to version i. Never edit one that shipped: add one. */
export const MIGRATIONS: readonly string[] = [
  // v1: runs, the hosts that ran them, and per run the cells with their metrics and budget verdicts.
  `CREATE TABLE hosts (
     id INTEGER PRIMARY KEY,
     fingerprint TEXT NOT NULL UNIQUE,
     cpu TEXT NOT NULL, cores INTEGER, memory_gb REAL, os TEXT, arch TEXT
   );
   CREATE TABLE runs (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL, finished_at TEXT NOT NULL,
     partial INTEGER NOT NULL, end_reason TEXT NOT NULL,
     host_id INTEGER NOT NULL REFERENCES hosts(id),
     llama_version TEXT NOT NULL, llama_commit TEXT NOT NULL,
     config_hash TEXT NOT NULL
   );
   CREATE TABLE cells (
     id INTEGER PRIMARY KEY,
     run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     profile TEXT NOT NULL, cell_id TEXT NOT NULL,
     state TEXT NOT NULL, verdict TEXT NOT NULL, rating TEXT,
     UNIQUE (run_id, profile, cell_id)
   );
   CREATE TABLE metrics (
     cell_id INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
     name TEXT NOT NULL, unit TEXT NOT NULL, status TEXT NOT NULL,
     value REAL, ci_low REAL, ci_high REAL, n INTEGER, reason TEXT,
     PRIMARY KEY (cell_id, name)
   );
   CREATE TABLE verdicts (
     cell_id INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
     metric TEXT NOT NULL, aggregation TEXT, op TEXT NOT NULL, limit_value REAL NOT NULL,
     value REAL, status TEXT NOT NULL, reason TEXT
   );`,
  // v2: shard and merged runs are told apart (a trend reads whole runs only), and the trend query's lookups are indexed.
  `ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'run' CHECK (kind IN ('run', 'shard', 'merged'));
   CREATE INDEX cells_by_cell ON cells (cell_id, profile);
   CREATE INDEX metrics_by_name ON metrics (name);
   CREATE INDEX verdicts_by_cell ON verdicts (cell_id);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class HistoryVersionError extends Error {}

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/** Brings `db` to `target` (default: the latest version); refuses a database from a newer harness. */
export function migrate(db: Database, target = SCHEMA_VERSION): number {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new HistoryVersionError(`the run history database has schema version ${current}, written by a newer llm-budget-bench; this one knows up to ${SCHEMA_VERSION}`);
  }
  for (let v = current + 1; v <= target; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v - 1]!);
      db.exec(`PRAGMA user_version = ${v}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
  return Math.max(current, target);
}
