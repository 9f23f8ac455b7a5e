// Sharding on the tiny model, quick mode: a 2-cell matrix run whole and as two shards (cells split by a hash of
// their id, one each), then the shards merged by `npm run report -- --merge`. The merged scoreboard must hold the same cell ×
// profile results with the same verdict statuses as the unsharded run, and end with the same exit code. The budgets
// sit far from what a loaded machine can move (an RSS of at most 1 MB fails, a p95 latency of at most 600 s passes),
// so the comparison is about the merge, not about timing noise. Swap growth is off in both profiles: it is machine-wide,
// and the shards measure at other moments than the whole run, so another process swapping could split their verdicts.
// The client's decode speed is off too: at load 16 every 16-token answer of one cell reached the client in one read
// (no decode time to divide by: the metric errs), while the same cell in a shard had its tokens apart (a figure that
// fails "mean >= 1000000"), so its status was the load's; the failing interactive budget is the RSS one, as for idle.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import { shardOfCell } from '../../harness/shard/shard.ts';
import { ROOT, childEnv, runBench, tinyConfig, type Finished } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

// Two cells, one per shard: the smallest matrix where each shard runs something and the other shard's cell is not in it.
const CELLS = ['tiny Q4_K_M t1 c512 nice10', 'tiny Q4_K_M t1 c1024 nice10'];
const BUDGETS = `
  idle:
    settle_s: 0.5
    duration_s: 2
    budgets:
      cpu_pct: "mean <= 95"
      rss_peak_mb: "<= 1"
      swap_growth_mb: "off"
  interactive:
    prompts: ../../prompts/interactive.jsonl
    warmup: 1
    repetitions: 4
    max_tokens: 16
    budgets:
      cpu_pct: "off"
      latency_p99_over_p50: "off"
      decode_tps_cv_pct: "off"
      ttft_s: "off"
      swap_growth_mb: "off"
      latency_s: "p(95) <= 600"
      decode_tps: "off"
      rss_peak_mb: "<= 1"
`;

const readReport = (runDir: string) => JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
/** Per cell × profile: its state and every verdict's status, the part of a scoreboard the merge must reproduce. */
const outcomes = (r: RunReport) =>
  r.cells
    .map((c) => ({ key: `${c.profile} · ${c.cell.id}`, state: c.state, verdicts: c.verdicts.map((v) => `${v.metric}${v.aggregation ? ` ${v.aggregation}` : ''}: ${v.status}`).sort() }))
    .sort((a, b) => a.key.localeCompare(b.key));

function report(args: string[], configFile: string): Promise<Finished> {
  const child = spawn(process.execPath, commandArgs('report', ['--config', configFile, ...args]), { cwd: ROOT, env: childEnv(configFile), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe.skipIf(process.platform !== 'linux')('two shards merged equal the unsharded run', () => {
  const { file, outDir } = tinyConfig('planner:\n  mode: quick\n  min_decode_tps: 0\n  ttft_limit_s: 600\n', (t) =>
    t
      .replace('ctx: [1024]', 'ctx: [512, 1024]')
      .replace(/\n {2}idle:\n[\s\S]*?max_tokens: 128\n/, `\n${BUDGETS.trimStart().replace(/^/, '  ')}`),
  );
  const profiles = ['--profile', 'idle,interactive'];
  let whole: Finished;
  let shards: Finished[];
  let merged: Finished;

  beforeAll(async () => {
    // The three runs at once: the shards' figures need not match the whole run's, only their verdict statuses.
    [whole, ...shards] = await Promise.all([
      runBench(file, profiles, { env: { BENCH_RUN_ID: 'whole' } }).done,
      runBench(file, [...profiles, '--shard', '1/2'], { env: { BENCH_RUN_ID: 'shard-1' } }).done,
      runBench(file, [...profiles, '--shard', '2/2'], { env: { BENCH_RUN_ID: 'shard-2' } }).done,
    ]);
    merged = await report(['--merge', outDir, '--out', path.join(outDir, 'merged')], file);
  }, 1_200_000);

  test('each shard runs its own cells, chosen by the hash of the cell id, and writes a Vitest blob', () => {
    // The split itself, by hand: one cell each (checked once when this matrix was chosen).
    expect(CELLS.map((id) => shardOfCell(id, 2))).toEqual([2, 1]);
    for (const [i, run] of shards.entries()) {
      const runDir = path.join(outDir, `shard-${i + 1}`);
      expect(run.output).toContain(`shard ${i + 1}/2: 1 of the matrix's 2 cell(s)`);
      const r = readReport(runDir);
      expect(r.shard).toEqual({ index: i + 1, count: 2, cellsTotal: 2 });
      expect(new Set(r.cells.map((c) => c.cell.id))).toEqual(new Set(CELLS.filter((id) => shardOfCell(id, 2) === i + 1)));
      expect(existsSync(path.join(runDir, `blob-${i + 1}-2.json`))).toBe(true);
      expect(r.notes?.join(' ')).toContain('applied within each shard only');
    }
  });

  test('the merge holds the unsharded run\'s cells with the same states and verdict statuses, and its exit code', () => {
    expect(whole.code, whole.output.slice(-3000)).toBe(1); // rss_peak_mb <= 1 fails every cell
    const unsharded = readReport(path.join(outDir, 'whole'));
    const m = readReport(path.join(outDir, 'merged'));
    expect(outcomes(unsharded).map((o) => o.key)).toEqual(CELLS.flatMap((id) => [`idle · ${id}`, `interactive · ${id}`]).sort());
    expect(outcomes(m)).toEqual(outcomes(unsharded));
    expect(m).toMatchObject({ partial: false, shards: [{ index: 1, runId: 'shard-1' }, { index: 2, runId: 'shard-2' }] });
    expect(merged.code, merged.output).toBe(whole.code);
    expect(merged.output).toContain('merged 2 shard run(s), 2 cell(s)');
    // The per-cell files came along, so the merged HTML has each cell's timeline, as the unsharded one does.
    for (const c of m.cells) if (c.measurement) expect(existsSync(path.join(outDir, 'merged', c.measurement.files.summary!))).toBe(true);
    const html = readFileSync(path.join(outDir, 'merged', 'report.html'), 'utf8');
    expect(html).toContain('applied within each shard only');
    expect(existsSync(path.join(outDir, 'merged', 'vitest-blobs', 'blob-2-2.json'))).toBe(true);
  });
});
