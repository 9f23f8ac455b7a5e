// Checkpoint and resume on the tiny model: Ctrl+C after the first of two cells leaves an interrupted scoreboard that
// names the other cell; BENCH_RESUME then reuses the first cell without starting llama-server and measures the other.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { measurementFacts, type RunReport } from '../../harness/report/model.ts';
import { ROOT, VITEST, childEnv, runDirIn, runVitest, serversTagged, tinyConfig, waitFor, waitWhileRunning, type Finished } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

const TAG = `e2e-resume-${process.pid}`;
const FIRST = 'tiny Q4_K_M t1 c512 nice10';
const SECOND = 'tiny Q4_K_M t1 c1024 nice10';
const summaryOf = (runDir: string, cellId: string) => path.join(runDir, cellId.replace(/ /g, '_'), 'idle', 'summary.json');
const readReport = (runDir: string) => JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;

function vitestWith(env: NodeJS.ProcessEnv, configFile: string): Promise<Finished> {
  const child = spawn(process.execPath, [VITEST, 'run', '--project', 'idle'], { cwd: ROOT, env: { ...childEnv(configFile), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe.skipIf(process.platform !== 'linux')('interrupt, then resume', () => {
  // Two idle cells (ctx 512, then 1024), each measuring long enough for the test to interrupt the second mid-window.
  const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${TAG}]\n`, (t) => t.replace('ctx: [1024]', 'ctx: [512, 1024]').replace('duration_s: 2', 'duration_s: 5'));
  let group: number | undefined;
  let interrupted: Finished;
  let runDir: string;
  let partial: RunReport;
  let firstSummaryMtime: number;

  beforeAll(async () => {
    const run = runVitest(['--project', 'idle'], file, { detached: true });
    group = run.child.pid!;
    // The first cell's checkpoint is written, and the second cell is measuring (its own progress line, streamed as it
    // happens; the scoreboard may lag, as Vitest batches results to the reporter): Ctrl+C now, 5 s before it ends.
    runDir = await waitWhileRunning(run, "the first cell's checkpoint", 180_000, () => {
      const dir = runDirIn(outDir);
      return dir && existsSync(summaryOf(dir, FIRST)) && dir;
    });
    await waitWhileRunning(run, 'the second cell to measure', 120_000, () => run.output().includes(`[${SECOND} · idle] measuring idle for 5 s`));
    process.kill(-group, 'SIGINT');
    interrupted = await run.done;
    partial = readReport(runDir);
    firstSummaryMtime = statSync(summaryOf(runDir, FIRST)).mtimeMs;
  }, 1_200_000);

  afterAll(() => {
    try {
      if (group) process.kill(-group, 'SIGKILL'); // leftovers of the interrupted Vitest, never reached normally
    } catch {
      // already gone
    }
  });

  test('Ctrl+C leaves a scoreboard marked interrupted, naming the cell not run, and no llama-server', async () => {
    await waitFor('no tagged llama-server', 10_000, () => serversTagged(TAG).length === 0);
    expect(interrupted.code, interrupted.output).toBe(130);
    expect(partial).toMatchObject({ partial: true, interrupted: true, endReason: 'interrupted by SIGINT' });
    // The reporter may not have the first cell's results yet when the signal lands (Vitest sends them in batches):
    // what it calls completed has a checkpoint, and every other cell is listed as not run, the second always.
    const completed = partial.cells.filter((c) => c.state === 'completed').map((c) => c.cell.id);
    expect([FIRST]).toEqual(expect.arrayContaining(completed));
    expect(partial.notRun).toContainEqual({ cell: SECOND, profile: 'idle' });
    expect([...completed, ...(partial.notRun ?? []).map((n) => n.cell)].sort()).toEqual([FIRST, SECOND].sort());
    expect(existsSync(summaryOf(runDir, SECOND))).toBe(false);
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toContain(`<b>This run was interrupted</b> (interrupted by SIGINT): ${partial.notRun!.length} cell × profile result(s) not run:`);
    expect(html).toContain(`<li>${SECOND} <small>(idle)</small></li>`);
    expect(readFileSync(path.join(runDir, 'scoreboard.csv'), 'utf8')).toMatch(new RegExp(`,idle,${SECOND},.*,not-run,.*not run: the run was interrupted`));
    expect(interrupted.output).toContain(`continue with: npm run bench -- --resume ${partial.runId}`);
    const stored = JSON.parse(readFileSync(summaryOf(runDir, FIRST), 'utf8')) as { resume?: { key: string } };
    expect(stored.resume?.key).toMatch(/^[0-9a-f]{64}$/);
  });

  test('BENCH_RESUME reuses the first cell without a server, measures the second, and ends with one scoreboard', async () => {
    const resumed = await vitestWith({ BENCH_RESUME: partial.runId }, file);
    expect([0, 1], resumed.output).toContain(resumed.code);
    expect(resumed.output).toContain(`resume ${partial.runId} · idle: 1 of 2 cell(s) reused; to measure: 1 not measured yet`);
    expect(resumed.output).toContain(`[${FIRST} · idle] reused from the earlier run`);
    // One llama-server in this invocation, for the second cell only; the first cell's checkpoint is untouched.
    expect(resumed.output.match(/llama-server pid \d+ ready/g)).toHaveLength(1);
    expect(resumed.output).toMatch(new RegExp(`\\[${SECOND} · idle\\] llama-server pid \\d+ ready`));
    expect(statSync(summaryOf(runDir, FIRST)).mtimeMs).toBe(firstSummaryMtime);
    expect(existsSync(summaryOf(runDir, SECOND))).toBe(true);
    expect(readdirSync(outDir).filter((d) => /^\d{8}-/.test(d))).toEqual([partial.runId]);

    const report = readReport(runDir);
    expect(report).toMatchObject({ runId: partial.runId, partial: false, notRun: [] });
    expect(report.interrupted).toBeUndefined();
    expect(report.cells.map((c) => [c.cell.id, c.state, c.reused ?? false])).toEqual([
      [SECOND, 'completed', false],
      [FIRST, 'completed', true],
    ]);
    const first = report.cells.find((c) => c.cell.id === FIRST)!;
    // The reused cell reports what its checkpoint measured: its facts under `measurement`, its figures once, on the cell.
    const checkpoint = JSON.parse(readFileSync(summaryOf(runDir, FIRST), 'utf8')).measurement;
    expect(first.measurement).toEqual(measurementFacts(checkpoint));
    expect(first.metrics).toEqual(checkpoint.metrics);
    expect(first.verdicts.length).toBeGreaterThan(0);
    expect(readFileSync(path.join(runDir, 'report.html'), 'utf8')).not.toContain('This run was interrupted');
  }, 1_200_000);

  test('an unknown run id is bad input: exit 2 from npm run bench, a failed setup from plain vitest', async () => {
    const cli = spawnSync(process.execPath, commandArgs('bench', ['--config', file, '--resume', '20000101-000000-000000']), {
      cwd: ROOT,
      encoding: 'utf8',
      env: childEnv(file),
    });
    expect(cli.status, cli.stderr).toBe(2);
    expect(cli.stderr).toMatch(/--resume.*no run 20000101-000000-000000 to resume: .*plan\.json does not exist/);
    const plain = await vitestWith({ BENCH_RESUME: '20000101-000000-000000' }, file);
    expect(plain.code).not.toBe(0);
    expect(plain.output).toMatch(/no run 20000101-000000-000000 to resume/);
    expect(plain.output).not.toMatch(/llama-server pid/);
  }, 1_200_000);
});
