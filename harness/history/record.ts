// A finished run into the history database: its host, the run, and per cell × profile the metrics and verdicts.
// Recording the same run id again replaces it (a re-rendered or resumed run).
import type { Database } from 'sql.js';
import { overallVerdict, type RunReport } from '../report/model.ts';

export type RunKind = 'run' | 'shard' | 'merged';

export const kindOf = (r: RunReport): RunKind => (r.shard ? 'shard' : r.shards ? 'merged' : 'run');

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));

function hostId(db: Database, h: RunReport['host']): number {
  const fingerprint = [h.cpu, h.cores, h.memoryGb, h.os, h.arch].map((x) => String(x ?? '')).join('|');
  db.run('INSERT OR IGNORE INTO hosts (fingerprint, cpu, cores, memory_gb, os, arch) VALUES (?, ?, ?, ?, ?, ?)', [
    fingerprint,
    String(h.cpu ?? 'unknown'),
    num(h.cores),
    num(h.memoryGb),
    str(h.os),
    str(h.arch),
  ]);
  return Number(db.exec('SELECT id FROM hosts WHERE fingerprint = ?', [fingerprint])[0]!.values[0]![0]);
}

/** Inserts (or replaces) one run; call inside a transaction (db.ts updateHistory). Returns the cells recorded. */
export function recordRun(db: Database, report: RunReport): number {
  db.run('DELETE FROM runs WHERE run_id = ?', [report.runId]);
  const host = hostId(db, report.host);
  db.run(
    'INSERT INTO runs (run_id, created_at, finished_at, partial, end_reason, host_id, llama_version, llama_commit, config_hash, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [report.runId, report.createdAt, report.finishedAt, report.partial ? 1 : 0, report.endReason, host, report.llama.version, report.llama.commit, report.config.hash, kindOf(report)],
  );
  const run = Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
  const addCell = db.prepare('INSERT INTO cells (run_id, profile, cell_id, state, verdict, rating) VALUES (?, ?, ?, ?, ?, ?)');
  const addMetric = db.prepare('INSERT INTO metrics (cell_id, name, unit, status, value, ci_low, ci_high, n, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const addVerdict = db.prepare('INSERT INTO verdicts (cell_id, metric, aggregation, op, limit_value, value, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  try {
    for (const c of report.cells) {
      addCell.run([run, c.profile, c.cell.id, c.state, overallVerdict(c), c.rating ?? null]);
      const cell = Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
      for (const [name, m] of Object.entries(c.metrics)) {
        addMetric.run([cell, name, m.unit, m.status, num(m.value), num(m.ci?.low), num(m.ci?.high), num(m.stats?.n), m.reason ?? null]);
      }
      for (const v of c.verdicts) addVerdict.run([cell, v.metric, v.aggregation ?? null, v.op, v.limit, num(v.value), v.status, v.reason ?? null]);
    }
  } finally {
    addCell.free();
    addMetric.free();
    addVerdict.free();
  }
  return report.cells.length;
}

export function recordedRunIds(db: Database): Set<string> {
  return new Set((db.exec('SELECT run_id FROM runs')[0]?.values ?? []).map((r) => String(r[0])));
}
