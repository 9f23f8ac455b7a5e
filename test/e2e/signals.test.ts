// Whatever ends a run mid-cell, no llama-server may survive it. Vitest's hooks do not run for three of these
// (VITEST-NOTES.md), so this checks the guard in harness/llama/guard.ts, not Vitest.
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { runVitest, serversTagged, tinyConfig, waitFor, waitWhileRunning } from './helpers.ts';

const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL'); // leftover Vitest processes, never the servers under test
    } catch {
      // already gone
    }
  }
});

/**
 * A PATH with the wrappers the launcher uses except setpriv: the server then has no parent-death signal, as on a
 * machine without util-linux, or where probing setpriv failed (it used to be run under a 5 s timeout, which a loaded
 * machine can miss). A terminal Ctrl+C kills the Vitest worker too, by default without any exit handler.
 */
function pathWithoutSetpriv(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'no-setpriv-'));
  for (const tool of ['nice', 'ionice', 'taskset']) {
    const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((f) => existsSync(f));
    if (found) symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

const cases: [string, NodeJS.Signals, boolean, NodeJS.ProcessEnv][] = [
  ['SIGINT to the whole process group (a terminal Ctrl+C)', 'SIGINT', true, {}],
  ['SIGINT to the whole process group, without setpriv', 'SIGINT', true, { PATH: pathWithoutSetpriv() }],
  ['SIGINT to the vitest process alone', 'SIGINT', false, {}],
  ['SIGTERM to the vitest process alone', 'SIGTERM', false, {}],
  ['SIGKILL to the vitest process alone', 'SIGKILL', false, {}],
];

describe.skipIf(process.platform !== 'linux')('no orphan llama-server', () => {
  test.each(cases)('%s', async (name, signal, wholeGroup, env) => {
    const tag = `e2e-signal-${name.replace(/[^a-z]+/gi, '-')}-${process.pid}`;
    // A long idle cell, so the signal lands mid-cell.
    const { file } = tinyConfig(`llama:\n  extra_args: [--alias, ${tag}]\n`, (t) => t.replace('duration_s: 2', 'duration_s: 120'));
    const run = runVitest(['--project', 'idle'], file, { detached: true, env });
    const { child, done } = run;
    groups.push(child.pid!);
    // Past loading, into the measurement: the cell says so as it happens.
    await waitWhileRunning(run, 'the idle measurement to begin', 180_000, () => run.output().includes('measuring idle for 120 s'));
    const servers = serversTagged(tag);
    expect(servers).toHaveLength(1);
    const server = servers[0]!;
    if (wholeGroup) process.kill(-child.pid!, signal);
    else child.kill(signal);
    const started = Date.now();
    await waitFor(`llama-server ${server} to exit`, 10_000, () => serversTagged(tag).length === 0);
    expect(Date.now() - started).toBeLessThan(10_000);
    if (signal !== 'SIGKILL') await Promise.race([done, sleep(10_000)]);
  }, 1_200_000);
});
