// The experiment log of a run cut short: Ctrl+C mid-cell still leaves the run's entry in <output dir>/LEARNINGS.md,
// saying it was interrupted and how to resume. (A finished run's entry is checked in ui.test.ts.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runDirIn, runVitest, serversTagged, tinyConfig, waitFor, waitWhileRunning, type Running } from './helpers.ts';

describe.skipIf(process.platform !== 'linux')('experiment log of an interrupted run', () => {
  let run: Running | undefined;
  afterAll(() => {
    try {
      if (run && run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });

  test('SIGINT mid-cell: the entry says partial, interrupted, with the resume command', async () => {
    const tag = `e2e-learnings-${process.pid}`;
    const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${tag}]\n`, (t) => t.replace('duration_s: 2', 'duration_s: 120'));
    run = runVitest(['--project', 'idle'], file, { detached: true });
    await waitWhileRunning(run, 'the idle measurement to begin', 300_000, () => run!.output().includes('measuring idle for 120 s'));
    run.child.kill('SIGINT');
    await run.done;
    await waitFor('no llama-server of this test', 30_000, () => serversTagged(tag).length === 0);
    const runId = path.basename(runDirIn(outDir)!);
    const log = readFileSync(path.join(outDir, 'LEARNINGS.md'), 'utf8');
    expect(log).toContain(`· run ${runId} (partial: interrupted by SIGINT)`);
    expect(log).toContain('  - the run did not finish: interrupted by SIGINT (1 cell × profile result(s) not run)\n');
    expect(log).toContain(`- **Next step:** finish this run: \`npm run bench -- --resume ${runId}\`\n`);
    expect(log.split('<!-- llm-budget-bench run ')).toHaveLength(2);
  }, 600_000);
});
