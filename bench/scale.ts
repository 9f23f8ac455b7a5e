// `npx tsx bench/scale.ts report <cells>` and `npx tsx bench/scale.ts history <runs> <configurations>`: the figures of
// docs/scaling.md. One size per process (a fresh heap each), each step timed on its own; prints one JSON line.
import { scoreboardCsv } from '../harness/report/csv.ts';
import { enrichReport } from '../harness/report/enrich.ts';
import { reportHtml } from '../harness/report/html.ts';
import { openHistory, readHistory, saveHistory } from '../harness/history/db.ts';
import { recordRun } from '../harness/history/record.ts';
import { trend } from '../harness/history/query.ts';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCALE_CONFIG, syntheticRun, syntheticTimelines } from './scale-fixture.ts';

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const out = fn();
  return [out, Math.round(performance.now() - t0)];
};
const timeAsync = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, Math.round(performance.now() - t0)];
};

const [what, a, b] = process.argv.slice(2);
if (what === 'report') {
  const cells = Number(a);
  const report = syntheticRun(cells / 2);
  const timelines = syntheticTimelines(report);
  const [enriched, enrichMs] = time(() => enrichReport(report, SCALE_CONFIG));
  const [json, jsonMs] = time(() => JSON.stringify(enriched, null, 2));
  const [csv, csvMs] = time(() => scoreboardCsv(enriched));
  // The HTML is the part that breaks first: its failure is a result here, reported with the figures before it.
  let html = '';
  let htmlMs: number | string;
  try {
    [html, htmlMs] = time(() => reportHtml(enriched, timelines));
  } catch (e) {
    htmlMs = `failed: ${(e as Error).message.split('\n')[0]} (${(e as Error).stack?.split('\n')[1]?.trim()})`;
  }
  const heapMb = Math.round(process.memoryUsage().rss / 1e6);
  console.log(JSON.stringify({ cells: enriched.cells.length, enrichMs, jsonMs, csvMs, htmlMs, totalMs: enrichMs + jsonMs + csvMs + (typeof htmlMs === 'number' ? htmlMs : 0), jsonBytes: json.length, csvBytes: csv.length, htmlBytes: Buffer.byteLength(html), rssMb: heapMb }));
} else if (what === 'history') {
  const runs = Number(a);
  const configurations = Number(b);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'scale-history-')), 'history.sqlite');
  const db = await openHistory(file);
  const [, insertMs] = time(() => {
    for (let r = 0; r < runs; r++) {
      db.exec('BEGIN');
      recordRun(db, syntheticRun(configurations, `run-${String(r).padStart(5, '0')}`, 1000 + r, new Date(Date.UTC(2026, 0, 1) + r * 3600_000).toISOString()));
      db.exec('COMMIT');
    }
  });
  const [, saveMs] = time(() => saveHistory(db, file));
  db.close();
  const bytes = statSync(file).size;
  const [, openMs] = await timeAsync(() => readHistory(file, () => 0));
  const reopened = await openHistory(file);
  const [oneCell, oneCellMs] = time(() => trend(reopened, { cellPattern: /^model0 Q4_K_M t1 /, metrics: ['latency_p95_s'] }));
  const [keyMetrics, allMs] = time(() => trend(reopened));
  reopened.close();
  console.log(JSON.stringify({ runs, cellsPerRun: configurations * 2, insertMsPerRun: Math.round(insertMs / runs), saveMs, fileBytes: bytes, openMs, oneCellQueryMs: oneCellMs, oneCellPoints: oneCell[0]?.points.length ?? 0, allSeriesQueryMs: allMs, allSeries: keyMetrics.length, rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
}
