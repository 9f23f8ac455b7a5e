// The progress line on a real run: `npm run bench -- --quick --profile idle --repeat 2` on tiny with two quick cells
// (Q4_K_M × 1 and 2 threads; the Q8_0 cells are left to full mode and their model file is not made). The run's first
// lines say what it expects, every finished repetition prints count, elapsed and ETA, each ETA is the run's own measured
// time per repetition × the repetitions left, that measured time is the wall time the run spent, and each cell's figures
// are aggregated over its repetitions.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ProgressEntry } from '../../harness/matrix/progress-log.ts';
import type { RepeatSummary } from '../../harness/matrix/repeat.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { runBench, tinyConfig, type Finished } from './helpers.ts';

const read = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const QUICK_CELLS = ['tiny Q4_K_M t1 c1024 nice10', 'tiny Q4_K_M t2 c1024 nice10'];

describe('progress line with ETA, --quick and --repeat (tiny, idle)', () => {
  let run: Finished;
  let runDir: string;
  let entries: ProgressEntry[];
  beforeAll(async () => {
    const { file, outDir } = tinyConfig('', (t) => t.replace('quants: [Q4_K_M]', 'quants: [Q4_K_M, Q8_0]').replace('threads: [1]', 'threads: [1, 2]'));
    run = await runBench(file, ['--quick', '--profile', 'idle', '--repeat', '2']).done;
    const runs = readdirSync(outDir).filter((d) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(d));
    expect(runs, run.output).toHaveLength(1);
    runDir = path.join(outDir, runs[0]!);
    entries = readFileSync(path.join(runDir, 'progress.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProgressEntry);
  }, 600_000);

  test('the run finishes with its scoreboard; --quick ran the quick quantization only and made no Q8_0 file', () => {
    expect([0, 1], run.output).toContain(run.code);
    const report = read<RunReport>(path.join(runDir, 'scoreboard.json'));
    const plan = read<{ config: { planner: { mode: string } }; cells: { cell: { id: string; quant: string }; model: { path: string } }[] }>(path.join(runDir, 'plan.json'));
    expect(plan.config.planner.mode).toBe('quick');
    expect(plan.cells.filter((c) => c.cell.quant === 'Q8_0').map((c) => c.model.path)).toEqual(['', '']);
    for (const id of QUICK_CELLS) expect(report.cells.find((c) => c.cell.id === id)?.state, run.output).toBe('completed');
    for (const row of report.cells.filter((c) => c.cell.quant === 'Q8_0')) expect(row).toMatchObject({ state: 'skipped', error: 'quick mode runs Q4_K_M and Q5_K_M only' });
  });

  test('the first lines say what the run expects; every repetition prints count, elapsed and ETA', () => {
    expect(run.output).toContain('expected duration: not known before a cell of each profile has run (no earlier run on this machine measured idle); 4 cell run(s)');
    expect(run.output).toMatch(/progress 1\/4 cells · elapsed [\d a-z]+ · ETA [\d a-z]+ \(idle [\d a-z]+\/cell from measured\)/);
    expect(run.output).toMatch(/progress 3\/4 cells · elapsed [\d a-z]+ · ETA [\d a-z]+/);
    expect(run.output).toMatch(/progress 4\/4 cells · elapsed [\d a-z]+ · done/);
  });

  // The ETA is only as good as the repetitions are alike, and on a loaded machine they are not (measured here at load 9:
  // 4.7, 3.0, 4.0 and 5.1 s for four identical idle repetitions). "Within 50 % of the real remaining time" measured
  // the load as much as the estimate, so this checks the estimate against the truth of the same run instead: each ETA
  // is the mean measured repetition × the repetitions left, and the measured repetitions are the run's wall time.
  test('each ETA is the measured time per repetition × the repetitions left, measured on the wall clock of the run', () => {
    expect(entries.map((e) => [e.cellId, e.repetition, e.ran])).toEqual([
      [QUICK_CELLS[0], 1, true],
      [QUICK_CELLS[0], 2, true],
      [QUICK_CELLS[1], 1, true],
      [QUICK_CELLS[1], 2, true],
    ]);
    entries.forEach((e, i) => {
      const done = entries.slice(0, i + 1);
      const perUnit = done.reduce((a, d) => a + d.ms, 0) / done.length;
      expect(e.ms, `repetition ${i + 1}`).toBeGreaterThan(0);
      expect(e.etaMs, `ETA after repetition ${i + 1}`).toBeCloseTo(perUnit * (entries.length - i - 1), 3);
    });
    expect(entries.at(-1)!.etaMs).toBe(0);
    // What the ETA multiplies is real time: between two progress lines the run spent the later repetition and little
    // else (10 ms of slack: `at` is a whole-millisecond wall clock that NTP may slew). A clock that missed most of each
    // repetition (server start, settle, teardown) would make every ETA short however alike the repetitions were.
    for (let i = 1; i < entries.length; i++) {
      const between = Date.parse(entries[i]!.at) - Date.parse(entries[i - 1]!.at);
      expect(entries[i]!.ms, `repetition ${i + 1}: ${entries[i]!.ms} ms of ${between} ms between progress lines`).toBeLessThanOrEqual(between + 10);
      expect(entries[i]!.ms, `repetition ${i + 1}: ${entries[i]!.ms} ms of ${between} ms between progress lines`).toBeGreaterThanOrEqual(0.5 * between);
    }
  });

  test('--repeat 2: each cell measured twice, every figure aggregated with mean, median, sd, CV and 5–95 %', () => {
    const dir = path.join(runDir, 'tiny_Q4_K_M_t1_c1024_nice10', 'idle');
    expect(existsSync(path.join(dir, 'summary.json'))).toBe(true);
    const second = read<{ measurement: { metrics: Record<string, { value: number | null }> } }>(path.join(dir, 'repeat-2', 'summary.json'));
    const first = read<{ measurement: { metrics: Record<string, { value: number | null }> } }>(path.join(dir, 'summary.json'));
    const summary = read<RepeatSummary & { cell: string }>(path.join(dir, 'repeat-summary.json'));
    expect(summary).toMatchObject({ cell: QUICK_CELLS[0], repetitions: 2 });
    const rss = summary.metrics.rss_peak_mb!;
    const values = [first.measurement.metrics.rss_peak_mb!.value!, second.measurement.metrics.rss_peak_mb!.value!];
    expect(rss).toMatchObject({ status: 'ok', n: 2, values });
    expect(rss.mean).toBeCloseTo((values[0]! + values[1]!) / 2, 6);
    expect(rss.sd).toBeCloseTo(Math.abs(values[0]! - values[1]!) / Math.SQRT2, 6);
    expect(rss.p5! <= rss.median! && rss.median! <= rss.p95!).toBe(true);
    expect(summary.metrics.cpu_mean_pct).toMatchObject({ status: 'ok', n: 2 });
    expect(run.output).toMatch(/\[tiny Q4_K_M t1 c1024 nice10 · idle\] 2 repetitions: rss_peak_mb MB: mean [\d.]+, median [\d.]+, sd [\d.]+, CV [\d.–]+ ?%?, 5–95 % /);
    expect(existsSync(path.join(runDir, 'tiny_Q4_K_M_t2_c1024_nice10', 'idle', 'repeat-summary.json'))).toBe(true);
    // The scoreboard row carries the same aggregation beside the first repetition's figures.
    const row = read<RunReport>(path.join(runDir, 'scoreboard.json')).cells.find((c) => c.cell.id === QUICK_CELLS[0])!;
    expect(row.repeat).toEqual({ repetitions: summary.repetitions, percentileMethod: summary.percentileMethod, metrics: summary.metrics });
    expect(row.metrics.rss_peak_mb!.value).toBe(values[0]);
  });
});
