// A three-cell run killed outright (SIGKILL to the whole process group: no handler runs) after two cells completed,
// then `npm run bench -- --resume <run-id>`: the resumed run measures only the third cell, reuses the first two from
// their checkpoints, and ends with one scoreboard that has every cell exactly once.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { measurementFacts, type RunReport } from '../../harness/report/model.ts';
import { runBench, runDirIn, serversTagged, tinyConfig, waitFor, waitWhileRunning, type Finished } from './helpers.ts';

const TAG = `e2e-resume-kill-${process.pid}`;
const CELLS = ['tiny Q4_K_M t1 c512 nice10', 'tiny Q4_K_M t1 c768 nice10', 'tiny Q4_K_M t1 c1024 nice10'];
const [FIRST, SECOND, THIRD] = CELLS as [string, string, string];
const summaryOf = (runDir: string, cellId: string) => path.join(runDir, cellId.replace(/ /g, '_'), 'idle', 'summary.json');
const readReport = (runDir: string) => JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

/** `npm run bench -- --config FILE --profile idle ...args`, in its own process group so the test can kill all of it. */
const bench = (configFile: string, ...args: string[]) => runBench(configFile, ['--profile', 'idle', ...args], { detached: true });

describe.skipIf(process.platform !== 'linux')('SIGKILL after two of three cells, then --resume', () => {
  const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${TAG}]\n`, (t) => t.replace('ctx: [1024]', 'ctx: [512, 768, 1024]').replace('duration_s: 2', 'duration_s: 4'));
  let group: number | undefined;
  let killed: Finished;
  let runDir: string;
  let partial: RunReport;
  let mtimes: number[];

  beforeAll(async () => {
    const run = bench(file);
    group = run.child.pid!;
    // The worker writes each cell's summary.json the moment it completes; the reporter's scoreboard can lag behind it
    // (Vitest batches task updates), so wait on the checkpoints first.
    runDir = await waitWhileRunning(run, 'checkpoints of the first two cells', 180_000, () => {
      const dir = runDirIn(outDir);
      return dir && [FIRST, SECOND].every((c) => existsSync(summaryOf(dir, c))) && dir;
    });
    // The third cell is measuring (its progress line, streamed as it happens), 4 s before it can finish: kill everything.
    await waitWhileRunning(run, 'the third cell to measure', 120_000, () => run.output().includes(`[${THIRD} · idle] measuring idle for 4 s`));
    process.kill(-group, 'SIGKILL');
    killed = await run.done;
    partial = readReport(runDir);
    mtimes = [FIRST, SECOND].map((c) => statSync(summaryOf(runDir, c)).mtimeMs);
  }, 1_200_000);

  afterAll(() => {
    try {
      if (group) process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  });

  test('the killed run left two checkpoints, a partial scoreboard naming the third cell, and no llama-server', async () => {
    await waitFor('no tagged llama-server', 10_000, () => serversTagged(TAG).length === 0);
    expect(killed.code, killed.output).toBeNull(); // killed by the signal, no exit code
    expect(partial.partial).toBe(true);
    // Vitest hands results to the reporter in batches and SIGKILL leaves it no chance to catch up, so the last
    // scoreboard may lag the checkpoints: what it calls completed has a checkpoint, and the rest it lists as not run.
    const completed = partial.cells.filter((c) => c.state === 'completed').map((c) => c.cell.id);
    expect([FIRST, SECOND]).toEqual(expect.arrayContaining(completed));
    expect(partial.notRun).toContainEqual({ cell: THIRD, profile: 'idle' });
    expect([...completed, ...(partial.notRun ?? []).map((n) => n.cell)].sort()).toEqual([...CELLS].sort());
    expect(existsSync(summaryOf(runDir, THIRD))).toBe(false);
  });

  test('--resume measures only the third cell and the final scoreboard has every cell exactly once', async () => {
    const resumed = await bench(file, '--resume', partial.runId).done;
    expect([0, 1], resumed.output).toContain(resumed.code);
    expect(resumed.output).toContain(`resume ${partial.runId} · idle: 2 of 3 cell(s) reused; to measure: 1 not measured yet`);
    for (const c of [FIRST, SECOND]) expect(resumed.output).toContain(`[${c} · idle] reused from the earlier run`);
    // One llama-server in the resumed run, for the third cell; the two checkpoints are untouched.
    expect(resumed.output.match(/llama-server pid \d+ ready/g), resumed.output).toHaveLength(1);
    expect(resumed.output).toMatch(new RegExp(`\\[${THIRD} · idle\\] llama-server pid \\d+ ready`));
    expect([FIRST, SECOND].map((c) => statSync(summaryOf(runDir, c)).mtimeMs)).toEqual(mtimes);
    expect(readdirSync(outDir).filter((d) => RUN_ID.test(d))).toEqual([partial.runId]);

    const report = readReport(runDir);
    expect(report).toMatchObject({ runId: partial.runId, partial: false, notRun: [] });
    const keys = report.cells.map((c) => `${c.profile} · ${c.cell.id}`);
    expect(keys.length).toBe(new Set(keys).size);
    expect(keys.sort()).toEqual(CELLS.map((c) => `idle · ${c}`).sort());
    expect(report.cells.every((c) => c.state === 'completed')).toBe(true);
    expect(Object.fromEntries(report.cells.map((c) => [c.cell.id, c.reused ?? false]))).toEqual({ [FIRST]: true, [SECOND]: true, [THIRD]: false });
    const stored = report.cells.find((c) => c.cell.id === FIRST)!;
    // The reused cell reports its checkpoint: its facts under `measurement`, its figures once, on the cell.
    const checkpoint = JSON.parse(readFileSync(summaryOf(runDir, FIRST), 'utf8')).measurement;
    expect(stored.measurement).toEqual(measurementFacts(checkpoint));
    expect(stored.metrics).toEqual(checkpoint.metrics);

    // The CSV and the all-runs index agree: one run entry, each cell once.
    const csv = readFileSync(path.join(runDir, 'scoreboard.csv'), 'utf8');
    expect(csv).not.toContain('not-run');
    for (const c of CELLS) expect(csv).toContain(`,idle,${c},`);
    const index = JSON.parse(readFileSync(path.join(outDir, 'scoreboard.json'), 'utf8')) as { runs: { runId: string; partial: boolean; cells: { profile: string; cell: string }[] }[] };
    const entries = index.runs.filter((r) => r.runId === partial.runId);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.partial).toBe(false);
    expect(entries[0]!.cells.map((c) => `${c.profile} · ${c.cell}`).sort()).toEqual(CELLS.map((c) => `idle · ${c}`).sort());
  }, 1_200_000);
});
