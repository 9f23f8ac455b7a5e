import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import initSqlJs from 'sql.js';
import { openHistory, readHistory, saveHistory, updateHistory } from '../../harness/history/db.ts';
import { detectDrift } from '../../harness/history/drift.ts';
import { recordRun } from '../../harness/history/record.ts';
import { trend } from '../../harness/history/query.ts';
import { historyCsv, historyTable } from '../../harness/history/render.ts';
import { HistoryVersionError, SCHEMA_VERSION, schemaVersion } from '../../harness/history/schema.ts';
import { cell, run } from './fleet-fixtures.ts';

const tmp = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'history-')), 'history.sqlite');
const HOST = { cpu: 'CPU', cores: 2, memoryGb: 24 };
const ID = 'small Q4_K_M t1';
/** A run on day `day` whose cell has p95 latency `latency` s. */
const runOn = (day: number, latency: number, id = `run-${day}`) =>
  run(id, HOST, [cell(ID, latency, 900), cell('small Q8_0 t2', 1, 2000)], { createdAt: `2026-12-0${day}T10:00:00.000Z`, finishedAt: `2026-12-0${day}T10:30:00.000Z` });

describe('history: three runs, a trend, a drift', () => {
  test('inserted out of order, read back in run order, the third run flagged as drifting (worse)', async () => {
    const file = tmp();
    // Inserted third, first, second: the trend orders by when each run was made.
    for (const r of [runOn(3, 1.9), runOn(1, 1.0), runOn(2, 1.1)]) await updateHistory(file, (db) => recordRun(db, r));
    const series = await readHistory(file, (db) => trend(db, { cellPattern: /Q4_K_M/, metrics: ['latency_p95_s'] }));
    expect(series).toHaveLength(1);
    const s = series[0]!;
    expect(s).toMatchObject({ profile: 'interactive', cellId: ID, metric: 'latency_p95_s', unit: 's' });
    expect(s.points.map((p) => [p.runId, p.value])).toEqual([['run-1', 1.0], ['run-2', 1.1], ['run-3', 1.9]]);
    // Band of the first min(3, 3 − 1) = 2 runs: 1.0–1.1 (no intervals on these fixtures); 1.9 is above it, and
    // latency is better lower, so the drift is a worsening.
    expect(s.drift).toEqual({ baselineRuns: 2, band: { low: 1.0, high: 1.1 }, drifts: [{ runId: 'run-3', value: 1.9, direction: 'up', worse: true }] });
    expect(historyTable(series)).toMatch(/run-3 .* 1\.90 +DRIFT up \(worse\)/);
    expect(historyCsv(series).split('\n')[3]).toBe(`run-3,2026-12-03T10:00:00.000Z,"CPU, 2 cores",interactive,${ID},latency_p95_s,s,1.9,,,ok,up worse`);
  });

  test('recording a run id again replaces it rather than adding a point', async () => {
    const file = tmp();
    await updateHistory(file, (db) => recordRun(db, runOn(1, 1.0)));
    await updateHistory(file, (db) => recordRun(db, runOn(1, 1.2)));
    const s = await readHistory(file, (db) => trend(db, { metrics: ['latency_p95_s'], cellPattern: /^small Q4/ }));
    expect(s[0]!.points.map((p) => p.value)).toEqual([1.2]);
  });
});

describe('detectDrift', () => {
  const point = (runId: string, value: number | null, ci?: [number, number], status = 'ok') => ({ runId, createdAt: runId, host: 'h', value, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, status });
  test('the band is the first runs\' intervals: a figure inside any of them is no drift', () => {
    const d = detectDrift([point('a', 10, [8, 12]), point('b', 11, [9, 14]), point('c', 10, [9, 11]), point('d', 13.9), point('e', 7.5), point('f', 14.1)], 'higher');
    expect(d.band).toEqual({ low: 8, high: 14 });
    expect(d.drifts).toEqual([
      { runId: 'e', value: 7.5, direction: 'down', worse: true },
      { runId: 'f', value: 14.1, direction: 'up', worse: false },
    ]);
  });
  test('unmeasured points are neither band nor drift; one measured run makes no band', () => {
    expect(detectDrift([point('a', null, undefined, 'error'), point('b', 5)], 'lower')).toEqual({ baselineRuns: 0, band: null, drifts: [] });
    // One run without an interval is a point: the next figure is not judged against it.
    expect(detectDrift([point('a', 5), point('b', 9)], 'lower')).toEqual({ baselineRuns: 1, band: null, drifts: [] });
    expect(detectDrift([point('a', 5, [4, 6]), point('b', 9)], 'lower').drifts).toEqual([{ runId: 'b', value: 9, direction: 'up', worse: true }]);
    expect(detectDrift([point('a', 5), point('a2', 6), point('b', null, undefined, 'skipped'), point('c', 9)], 'neither').drifts).toEqual([{ runId: 'c', value: 9, direction: 'up', worse: null }]);
  });
});

describe('history database robustness', () => {
  test('a writer killed mid-stream leaves a whole database: every recorded run complete, the next writer goes on', async () => {
    const file = tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'history-writer.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Killed once it has saved three runs, while it is busy with the next ones (it never pauses).
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('saved 3\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`the writer ended on its own: ${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const saved = Math.max(...[...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1])));
    const check = await readHistory(file, (db) => ({
      integrity: db.exec('PRAGMA integrity_check')[0]!.values[0]![0],
      runs: Number(db.exec('SELECT COUNT(*) FROM runs')[0]!.values[0]![0]),
      incomplete: db.exec('SELECT r.run_id FROM runs r LEFT JOIN cells c ON c.run_id = r.id GROUP BY r.id HAVING COUNT(c.id) != 50').length,
    }));
    expect(check.integrity).toBe('ok');
    // What it said it saved is there; at most the one transaction in flight when it died went further (or not).
    expect(check.runs).toBeGreaterThanOrEqual(saved);
    expect(check.runs).toBeLessThanOrEqual(saved + 1);
    expect(check.incomplete).toBe(0);
    // The dead writer's lock does not block the next one.
    await updateHistory(file, (db) => recordRun(db, runOn(1, 1.0, 'after-the-kill')));
    expect(await readHistory(file, (db) => Number(db.exec('SELECT COUNT(*) FROM runs')[0]!.values[0]![0]))).toBe(check.runs + 1);
  }, 120_000);

  test('a version-1 database is migrated on open, its runs kept; the new column has its default', async () => {
    const file = tmp();
    const v1 = await openHistory(file, { target: 1 });
    expect(schemaVersion(v1)).toBe(1);
    v1.exec('BEGIN');
    recordRunV1(v1);
    v1.exec('COMMIT');
    saveHistory(v1, file);
    v1.close();
    const db = await openHistory(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.exec("SELECT run_id, kind FROM runs")[0]!.values).toEqual([['old-run', 'run']]);
    expect(trend(db, { metrics: ['latency_p95_s'] })[0]!.points.map((p) => p.value)).toEqual([1.5]);
    db.close();
  });

  test('a database from a newer harness is refused, not rewritten', async () => {
    const file = tmp();
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec('PRAGMA user_version = 99');
    writeFileSync(file, db.export());
    await expect(openHistory(file)).rejects.toThrow(HistoryVersionError);
    await expect(updateHistory(file, () => 0)).rejects.toThrow('schema version 99, written by a newer llm-budget-bench');
    expect(existsSync(file)).toBe(true);
  });
});

/** What a version-1 harness wrote: no kind column yet. */
function recordRunV1(db: import('sql.js').Database): void {
  db.run("INSERT INTO hosts (fingerprint, cpu, cores, memory_gb) VALUES ('f', 'CPU', 2, 24)");
  db.run("INSERT INTO runs (run_id, created_at, finished_at, partial, end_reason, host_id, llama_version, llama_commit, config_hash) VALUES ('old-run', '2026-11-01', '2026-11-01', 0, 'done', 1, 'b1', 'c1', 'h')");
  db.run("INSERT INTO cells (run_id, profile, cell_id, state, verdict) VALUES (1, 'interactive', 'small Q4_K_M t1', 'completed', 'pass')");
  db.run("INSERT INTO metrics (cell_id, name, unit, status, value) VALUES (1, 'latency_p95_s', 's', 'ok', 1.5)");
}
