// The planner in two real runs. Under a 30 MB memory cap: the larger model is skipped on its estimate before any
// server starts, tiny's idle measures a peak RSS over the cap, and that figure skips tiny's interactive. Without a
// cap: a cell that misses an impossible speed threshold makes the larger model at the same quantization be skipped.
// Each skip is a Vitest skip with its reason and a `skipped` scoreboard row with the same reason.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunState } from '../../harness/matrix/planner.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { runVitest, tinyConfig, type Finished } from './helpers.ts';

function onlyRun(outDir: string, run: Finished): string {
  const runs = readdirSync(outDir).filter((d) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(d));
  expect(runs, run.output).toHaveLength(1);
  return path.join(outDir, runs[0]!);
}

const read = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('planner', () => {
  test('a memory cap: the estimate skips the larger model before its server starts; what idle measured skips interactive', async () => {
    // small's GGUF estimate (weights × 1.2 + KV cache) is far over a 30 MB cap; tiny's (about 20 MB) is under it, so
    // idle runs tiny, whose real peak RSS (about 40-50 MB: the runtime and buffers) is over, and interactive, a later
    // file, skips tiny on that figure.
    const { file, outDir } = tinyConfig('planner:\n  memory_cap_mb: 30\n', (text) =>
      text.replace('    builtin: tiny\n', '    builtin: tiny\n  - name: small\n    builtin: small\n').replace('models: [tiny]', 'models: [tiny, small]'),
    );
    // The verbose reporter prints each skipped test with its note; the scoreboard reporter still writes the rows.
    const run = await runVitest(['--project', 'idle', '--project', 'interactive', '--reporter=verbose', '--reporter=./reporters/scoreboard.ts'], file).done;
    const runDir = onlyRun(outDir, run);
    const report = read<RunReport>(path.join(runDir, 'scoreboard.json'));
    const state = read<RunState>(path.join(runDir, 'run-state.json'));

    // The estimate: small's idle cell is skipped before any server starts.
    const reason = /memory pre-check: needs about [1-9]\d+(\.\d)? MB \((weights|file) .* = [\d.]+ MB\), over planner\.memory_cap_mb 30 MB/;
    expect(run.output).toMatch(new RegExp(`idle CPU mean .*\\[${reason.source}\\]`));
    expect(run.output).toMatch(new RegExp(`\\[small Q4_K_M t1 c1024 nice10 · idle\\] skipped by the planner: ${reason.source}`));
    const row = report.cells.find((c) => c.cell.id === 'small Q4_K_M t1 c1024 nice10' && c.profile === 'idle')!;
    expect(row.state).toBe('skipped');
    expect(row.error).toMatch(reason);
    expect(row.tests.every((t) => t.state === 'skipped' && t.note === row.error)).toBe(true);
    // No server was started for it, and the decision is in the run state for the profile files after this one.
    expect(existsSync(path.join(runDir, 'small_Q4_K_M_t1_c1024_nice10', 'idle', 'server.stderr.log'))).toBe(false);
    expect(state.skips).toEqual(expect.arrayContaining([expect.objectContaining({ cellId: 'small Q4_K_M t1 c1024 nice10', profile: 'idle', rule: 'memory', reason: row.error })]));
    // Skips are not failures: the exit code follows the verdicts of what ran.
    const failing = report.cells.flatMap((c) => c.verdicts).filter((v) => v.status === 'fail' || v.status === 'error');
    expect(report.cells.filter((c) => c.state === 'skipped').every((c) => c.verdicts.every((v) => v.status !== 'fail' && v.status !== 'error'))).toBe(true);
    expect(run.code, run.output).toBe(failing.length > 0 || report.cells.some((c) => c.state === 'errored') ? 1 : 0);

    // The measurement: tiny's idle peak RSS, over the cap, skips tiny's interactive.
    const idle = report.cells.find((c) => c.cell.id === 'tiny Q4_K_M t1 c1024 nice10' && c.profile === 'idle')!;
    const interactive = report.cells.find((c) => c.cell.id === 'tiny Q4_K_M t1 c1024 nice10' && c.profile === 'interactive')!;
    expect(idle.state, run.output).toBe('completed');
    const rss = idle.metrics.rss_peak_mb!.value!;
    expect(rss).toBeGreaterThan(30);
    const shown = rss >= 100 ? String(Math.round(rss)) : String(Number(rss.toPrecision(3)));
    const measuredReason = `memory pre-check: needs about ${shown} MB (measured ${shown} MB on tiny Q4_K_M t1 c1024 nice10 (idle)), over planner.memory_cap_mb 30 MB`;
    expect(interactive.state).toBe('skipped');
    expect(interactive.error).toBe(measuredReason);
    expect(run.output).toContain(`[tiny Q4_K_M t1 c1024 nice10 · interactive] skipped by the planner: ${measuredReason}`);
    expect(existsSync(path.join(runDir, 'tiny_Q4_K_M_t1_c1024_nice10', 'interactive', 'server.stderr.log'))).toBe(false);
  }, 1_200_000);

  test('a cell that misses the speed threshold skips the larger model at the same quantization; smaller models run first', async () => {
    const { file, outDir } = tinyConfig(
      'planner:\n  min_decode_tps: 1000000000\n',
      (text) =>
        text
          .replace('    builtin: tiny\n', '    builtin: tiny\n  - name: small\n    builtin: small\n')
          .replace('models: [tiny]', 'models: [small, tiny]')
          // One decode figure is all the rule needs: two short answers, no warm-up, no energy baseline.
          .replace('    warmup: 1\n', '    warmup: 0\n')
          .replace('repetitions: 6', 'repetitions: 2')
          .replace('    max_tokens: 128\n', '    max_tokens: 16\n')
          .concat('energy:\n  mode: off\n'),
    );
    const run = await runVitest(['--project', 'interactive'], file).done;
    const runDir = onlyRun(outDir, run);
    // The matrix names small first; the planner walks the smaller model first.
    const plan = read<{ cells: { cell: { id: string } }[] }>(path.join(runDir, 'plan.json'));
    expect(plan.cells.map((c) => c.cell.id)).toEqual(['tiny Q4_K_M t1 c1024 nice10', 'small Q4_K_M t1 c1024 nice10']);

    const report = read<RunReport>(path.join(runDir, 'scoreboard.json'));
    const tiny = report.cells.find((c) => c.cell.id === 'tiny Q4_K_M t1 c1024 nice10')!;
    const small = report.cells.find((c) => c.cell.id === 'small Q4_K_M t1 c1024 nice10')!;
    expect(tiny.state, run.output).toBe('completed');
    // The client's decode figure, or llama-server's own when the client had none (on a loaded machine a 16-token answer
    // can reach the client in one read: no decode time of its own).
    const client = tiny.metrics.decode_tps_mean!;
    const decodeFrom = client.status === 'ok' ? 'client' : 'server timings';
    const decode = (client.status === 'ok' ? client : tiny.metrics.server_decode_tps_mean!).value!;
    expect(decode).toBeGreaterThan(0);
    const reason = `a smaller model failed the performance threshold at Q4_K_M: tiny Q4_K_M t1 c1024 nice10 (interactive) decode ${decode >= 100 ? Math.round(decode) : Number(decode.toPrecision(3))} tok/s${decodeFrom === 'client' ? '' : ' (server timings)'} < 1000000000 tok/s`;
    expect(small.state).toBe('skipped');
    expect(small.error).toBe(reason);
    expect(run.output).toContain(`[small Q4_K_M t1 c1024 nice10 · interactive] skipped by the planner: ${reason}`);
    expect(existsSync(path.join(runDir, 'small_Q4_K_M_t1_c1024_nice10', 'interactive', 'server.stderr.log'))).toBe(false);
    const state = read<RunState>(path.join(runDir, 'run-state.json'));
    expect(state.outcomes).toEqual([expect.objectContaining({ cellId: 'tiny Q4_K_M t1 c1024 nice10', profile: 'interactive', loadFailed: false, decodeTpsMean: decode, decodeFrom })]);
    expect(state.outcomes[0]!.rssPeakMb).toBeGreaterThan(10);
  }, 1_200_000);
});
