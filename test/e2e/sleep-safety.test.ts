// The always-on safety checks against real processes: the sleep race survives a server that crashes as it falls
// asleep (a wrapper around the real llama-server sends it SIGSEGV the first time it logs that it sleeps; the harness
// must record the crash at that offset, relaunch, and go on), and the per-thread idle reader finds one spinning
// thread among idle ones in a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { resolveLlama } from '../../harness/llama/resolve.ts';
import { silentProgress } from '../../harness/progress.ts';
import { OUTCOME_CODE } from '../../harness/profiles/sleep-race/outcome.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { idleSpin, threadTimes } from '../../harness/sampler/threads.ts';
import { runBench, runDirIn, serversTagged, tinyConfig, waitFor } from './helpers.ts';

const TAG = `e2e-sleep-crash-${process.pid}`;

/**
 * A llama-server that dies of SIGSEGV the first time it enters its sleeping state: a watcher started before `exec`
 * (so the server keeps the wrapper's pid) counts "entering sleeping state" in the server's log (its stderr) and kills
 * it when a new one appears. A marker file makes only the first launch crash.
 */
function crashingServer(realServer: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sleep-crash-'));
  const wrapper = path.join(dir, 'llama-server');
  writeFileSync(
    wrapper,
    `#!/bin/bash
marker="${dir}/crashed-once"
if [ "$1" != "--version" ] && [ ! -e "$marker" ]; then
  touch "$marker"
  pid=$$
  (
    log=$(readlink /proc/$pid/fd/2)
    start=$(grep -c "entering sleeping state" "$log" 2>/dev/null || true)
    while kill -0 $pid 2>/dev/null; do
      now=$(grep -c "entering sleeping state" "$log" 2>/dev/null || true)
      if [ "\${now:-0}" -gt "\${start:-0}" ]; then kill -SEGV $pid; exit 0; fi
      sleep 0.02
    done
  ) &
fi
exec "${realServer}" "$@"
`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

describe('sleep race against a server that crashes as it falls asleep', () => {
  // The server checks once a second whether it has idled for sleep_idle_s, so it falls asleep about 1.0 s after an
  // answer (1000 to 1004 ms, measured at load 20 beside a CPU hog) and, had that check just missed, at 2.0 s. The
  // offsets sit half-way between (1.5 and 1.7 s), so the first request surely finds it asleep: 100 ms past the deadline
  // (1.1 s, as before) left a late wake-up of the nice-10 server one scheduling hiccup from "answered, then crashed".
  async function crashRun(maxRelaunches: number) {
    const { serverPath } = await resolveLlama(null, silentProgress);
    const wrapper = crashingServer(serverPath);
    const { file, outDir } = tinyConfig(
      `planner:\n  mode: quick\nllama:\n  extra_args: [--alias, ${TAG}]\n`,
      (t) =>
        t.replace(
          'profiles:\n',
          `profiles:\n  sleep-race:\n    quick: { sleep_idle_s: 1, from_ms: 1500, to_ms: 1700, step_ms: 200, random_offsets: 0, max_relaunches: ${maxRelaunches}, monitor_endpoints: [health], monitor_s: 1 }\n`,
        ),
    );
    const run = await runBench(file, ['--profile', 'sleep-race'], { env: { LLAMA_SERVER: wrapper } }).done;
    return { run, outDir };
  }
  // Both runs at once: each has its own wrapper (and crash marker) and its own results.
  const runs = Promise.all([crashRun(3), crashRun(0)]);

  test('the crash is recorded at its offset, the server relaunched, the race goes on, and the budget fails', async () => {
    const [{ run, outDir }] = await runs;
    // race_crashes <= 0 fails: exit 1, and the cell itself completed (the crash is the measurement)
    expect(run.code, run.output).toBe(1);
    const runDir = runDirIn(outDir)!;
    const report = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
    const c = report.cells.find((x) => x.profile === 'sleep-race')!;
    expect(c.state, c.error).toBe('completed');
    expect(c.metrics.race_crashes).toMatchObject({ status: 'ok', value: 1 });
    expect(c.metrics.race_trials).toMatchObject({ status: 'ok', value: 2 });
    expect(c.metrics.race_answered).toMatchObject({ status: 'ok', value: 1 });
    const rows = c.measurement!.series!.race!;
    expect(rows.map((r) => r.outcome)).toEqual([OUTCOME_CODE.crashed, OUTCOME_CODE.answered]);
    expect(rows[0]!.offset_ms!).toBeGreaterThanOrEqual(1000);
    expect(c.verdicts.find((v) => v.metric === 'race_crashes')?.status).toBe('fail');
    expect(run.output).toMatch(/offset [\d.]+ ms: crashed/);
    expect(run.output).toMatch(/relaunched \(pid \d+, --sleep-idle-seconds 1\)/);
    const responses = readFileSync(path.join(runDir, c.cell.slug, 'sleep-race', 'responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const crashed = responses.find((r) => r.outcome === 'crashed')!;
    expect(String(crashed.server_lost)).toMatch(/SIGSEGV/);
    // after the relaunch the race went on, and monitoring ran on the new server
    expect(c.measurement!.series!.monitoring).toHaveLength(1);
    expect(serversTagged(TAG)).toEqual([]);
  });

  test('past max_relaunches the race stops naming the offsets left, and the cell still completes on a live server', async () => {
    const [, { run, outDir }] = await runs;
    expect(run.code, run.output).toBe(1);
    const report = JSON.parse(readFileSync(path.join(runDirIn(outDir)!, 'scoreboard.json'), 'utf8')) as RunReport;
    const c = report.cells.find((x) => x.profile === 'sleep-race')!;
    expect(c.state, c.error).toBe('completed');
    expect(c.metrics.race_trials).toMatchObject({ status: 'ok', value: 1 });
    expect(c.metrics.race_crashes).toMatchObject({ status: 'ok', value: 1 });
    expect(run.output).toMatch(/needed 1 relaunches \(more than max_relaunches 0\): the race stops, 1 offsets untried/);
    expect(c.measurement!.series!.monitoring).toHaveLength(1);
    expect(serversTagged(TAG)).toEqual([]);
  });
});

describe('idle spin detection on a real process', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  test('one spinning thread among idle ones: found, and the only one above 5 % of a core', async () => {
    // Four workers: one spins, three wait on an Atomics.wait that never ends.
    const script = `
      const { Worker } = require('node:worker_threads');
      new Worker('for (;;) {}', { eval: true });
      for (let i = 0; i < 3; i++) new Worker('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)', { eval: true });
      setInterval(() => {}, 1 << 30);
      console.log('ready');`;
    child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child!.stdout!.once('data', () => resolve()));
    const pid = child.pid!;
    // The spinning worker has started once one thread has run for a while (a progress signal, not a fixed delay).
    await waitFor('the spinning worker to run', 60_000, () => {
      const t = threadTimes(pid);
      return t !== null && [...t.ns.values()].some((ns) => ns > 2e8);
    });
    const before = threadTimes(pid)!;
    // The window ends once the spinner has run 0.3 s in it (a progress signal): on a machine at load 20 it gets a
    // tenth of a core, so a fixed window would measure the load, not the threads.
    const after = await waitFor('the spinner to run 0.3 s in the window', 120_000, () => {
      const t = threadTimes(pid);
      return t !== null && [...t.ns].some(([k, ns]) => ns - (before.ns.get(k) ?? ns) > 3e8) ? t : null;
    });
    const spin = idleSpin(before, after, 5);
    expect(spin.threads.length).toBeGreaterThanOrEqual(5);
    expect(spin.busiestPct!).toBeGreaterThan(0);
    // One thread stands out, whatever its share of a loaded machine: every other ran under a fifth of it.
    const standsOut = idleSpin(before, after, spin.busiestPct! / 5);
    expect(standsOut.busyThreads).toBe(1);
    expect(spin.threads[1]!.pctOfCore).toBeLessThan(spin.busiestPct! / 5);
  });
});
