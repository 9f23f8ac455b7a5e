// A llama-server that dies or hangs mid-cell makes its cell errored, with the cause, whatever figures survived:
// SIGKILL during idle (a 120 s window that must end at once), SIGKILL during interactive, SIGSTOP mid-request.
// Both runs go concurrently to keep npm test short; each cell's fate is decided by the test, not by timing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { lineCount, runDirIn, runVitest, serversTagged, tinyConfig, waitWhileRunning, type Finished, type Running } from './helpers.ts';

const IDLE_TAG = `e2e-fault-idle-${process.pid}`;
const INTERACTIVE_TAG = `e2e-fault-interactive-${process.pid}`;
const slug = (ctx: number) => `tiny_Q4_K_M_t1_c${ctx}_nice10`;
const readReport = (runDir: string) => JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;

interface IdleFault {
  finished: Finished;
  /** From the SIGKILL to the end of the run. */
  endedAfterMs: number;
  /** From the SIGKILL to the moment the 120 s window, begun before it, would have ended on its own. */
  windowLeftMs: number;
  report: RunReport;
}

interface InteractiveFault {
  finished: Finished;
  report: RunReport;
  killed: { pid: number; ctx: number };
  stopped: { pid: number; ctx: number };
}

const groups: number[] = [];

async function idleKilled(): Promise<IdleFault> {
  const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${IDLE_TAG}]\n`, (t) => t.replace('duration_s: 2', 'duration_s: 120'));
  const run = runVitest(['--project', 'idle'], file, { detached: true });
  groups.push(run.child.pid!);
  await waitWhileRunning(run, 'the idle measurement to begin', 180_000, () => run.output().includes('measuring idle for 120 s'));
  // The line is printed as the window begins (or before its settle) and seen here within a poll (100 ms): a window left
  // to run would end no earlier than this, give or take that poll, which is nothing against the run's teardown.
  const windowEnds = Date.now() + 120_000;
  const [pid] = serversTagged(IDLE_TAG);
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');
  const killedAt = Date.now();
  const finished = await run.done;
  return { finished, endedAfterMs: Date.now() - killedAt, windowLeftMs: windowEnds - killedAt, report: readReport(runDirIn(outDir)!) };
}

/** Waits for the next cell's server (not `previous`) and for `n` answers in its responses.jsonl; returns its pid and ctx. */
async function midRequest(run: Running, outDir: string, previous: { pid: number; ctx: number } | null, n: number): Promise<{ pid: number; ctx: number }> {
  const pid = await waitWhileRunning(run, `a new llama-server (after ${previous?.pid})`, 180_000, () => serversTagged(INTERACTIVE_TAG).find((p) => p !== previous?.pid));
  const ctx = await waitWhileRunning(run, `${n} answers from llama-server ${pid}`, 180_000, () => {
    const runDir = runDirIn(outDir);
    if (!runDir) return null;
    return [512, 1024].find((c) => c !== previous?.ctx && lineCount(path.join(runDir, slug(c), 'interactive', 'responses.jsonl')) >= n);
  });
  return { pid, ctx };
}

async function interactiveKilledAndStopped(): Promise<InteractiveFault> {
  // Two cells, far more requests than the test lets them finish: one server is killed, the other stopped, mid-run.
  const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${INTERACTIVE_TAG}]\n`, (t) =>
    t.replace('ctx: [1024]', 'ctx: [512, 1024]').replace('repetitions: 6', 'repetitions: 200').replace('max_tokens: 128', 'max_tokens: 48'),
  );
  const run = runVitest(['--project', 'interactive'], file, { detached: true });
  groups.push(run.child.pid!);
  const killed = await midRequest(run, outDir, null, 3);
  process.kill(killed.pid, 'SIGKILL');
  const stopped = await midRequest(run, outDir, killed, 3);
  process.kill(stopped.pid, 'SIGSTOP');
  const finished = await run.done;
  return { finished, report: readReport(runDirIn(outDir)!), killed, stopped };
}

function errored(c: CellReport | undefined): CellReport {
  expect(c).toBeDefined();
  expect(c!.state).toBe('errored');
  // Every budget is an error: no surviving figure passes, and the cell is rated failed.
  expect(c!.verdicts.length).toBeGreaterThan(0);
  expect(c!.verdicts.every((v) => v.status === 'error')).toBe(true);
  expect(c!.rating).toBe('failed');
  return c!;
}

describe.skipIf(process.platform !== 'linux')('a server lost mid-cell', () => {
  let idle: IdleFault;
  let interactive: InteractiveFault;

  beforeAll(async () => {
    [idle, interactive] = await Promise.all([idleKilled(), interactiveKilledAndStopped()]);
  }, 1_200_000);

  afterAll(() => {
    for (const pgid of groups.splice(0)) {
      try {
        process.kill(-pgid, 'SIGKILL'); // leftover Vitest processes of a failed test, never reached normally
      } catch {
        // already gone
      }
    }
  });

  test('SIGKILL during idle: the idle window ends at once and the cell is errored with the signal and the log', () => {
    const { finished, endedAfterMs, windowLeftMs, report } = idle;
    expect(finished.code, finished.output).toBe(1);
    // The run, report and Vitest teardown included, ended before the 120 s window would have on its own: the kill
    // ended the window. Against the window of this run, not a flat 60 s, which a loaded machine's teardown can approach.
    expect(endedAfterMs, `ended ${endedAfterMs} ms after the kill, ${windowLeftMs} ms before the window's end`).toBeLessThan(windowLeftMs);
    const c = errored(report.cells.find((x) => x.profile === 'idle'));
    expect(c.error).toMatch(/^llama-server \(pid \d+\) exited during the cell \(killed by SIGKILL\)\n--- last lines of .*server\.stderr\.log and .*server\.stdout\.log ---\n\[stderr\]\n/);
    expect(finished.output).toMatch(/llama-server lost: llama-server \(pid \d+\) exited during the cell \(killed by SIGKILL\)/);
    expect(serversTagged(IDLE_TAG)).toEqual([]);
  });

  test('SIGKILL during interactive: errored with the signal, whatever requests had succeeded', () => {
    const { report, killed, finished } = interactive;
    const c = errored(report.cells.find((x) => x.cell.id === `tiny Q4_K_M t1 c${killed.ctx} nice10`));
    expect(c.error).toMatch(new RegExp(`^llama-server \\(pid ${killed.pid}\\) exited during the cell \\(killed by SIGKILL\\)\\n--- last lines of `));
    // Requests had succeeded before the kill: the figures exist, but they judge nothing.
    expect(c.metrics.ttft_p50_s?.status).toBe('ok');
    expect(finished.code, finished.output).toBe(1);
  });

  test('SIGSTOP mid-request: errored as stopped, killed (never left behind), and not "ignored SIGTERM"', () => {
    const { report, stopped, finished } = interactive;
    const c = errored(report.cells.find((x) => x.cell.id === `tiny Q4_K_M t1 c${stopped.ctx} nice10`));
    expect(c.error).toMatch(new RegExp(`^llama-server \\(pid ${stopped.pid}\\) was stopped \\(process state T: SIGSTOP or a debugger\\) for [\\d.]+ s during the cell; the harness killed it\\n--- last lines of `));
    expect(finished.output).not.toContain('ignored SIGTERM');
    expect(serversTagged(INTERACTIVE_TAG)).toEqual([]);
    expect(() => process.kill(stopped.pid, 0)).toThrow();
  });
});
