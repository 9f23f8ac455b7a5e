// --tune and --flow guided on the tiny model, through the real CLI: real llama-server runs in one run directory,
// earlier evaluations reused, each decision printed, tune.json / flow.json and one scoreboard over every evaluated cell.
// The three flows run once each, side by side, in beforeAll; the tests below read what they left.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import { ROOT, childEnv, tinyConfig, type Finished } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

// Quick settings: each evaluation is a real cell (server, requests, llama-bench), only short. No energy idle
// baseline (it is 3 s of waiting per interactive cell and nothing here reads it).
const QUICK = (text: string) =>
  text
    .replace('    duration_s: 2\n', '    duration_s: 1\n')
    .replace('    warmup: 1\n', '    warmup: 0\n')
    .replace('repetitions: 6', 'repetitions: 2')
    .replace('max_tokens: 128', 'max_tokens: 16');
const NO_ENERGY = 'energy:\n  mode: "off"\n  idle_baseline_s: 0\n';
// Budgets that depend on the machine's load are off, so the outcome depends only on what the test sets. Decode speed
// is judged on llama-server's own timings: tiny can stream a whole short answer in one chunk, which leaves the
// client-side figure without samples. The reachable floor is "> 0", which every cell that measured its decode speed
// meets however busy the machine (a nice10 server beside a CPU hog can decode at a few tok/s); the unreachable one is
// 10^9 tok/s, which none can.
const QUIET_INTERACTIVE = `    budgets: { cpu_pct: "off", latency_s: "off", latency_p99_over_p50: "off", ttft_s: "off", swap_growth_mb: "off", decode_tps: "off", decode_tps_cv_pct: "off", server_decode_tps: "mean DECODE" }\n`;
const withFloor = (text: string, floor: string) => text.replace('    max_tokens: 16\n', `    max_tokens: 16\n${QUIET_INTERACTIVE.replace('DECODE', floor)}`);

function bench(configFile: string, args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, commandArgs('bench', ['--config', configFile, ...args]), {
    cwd: ROOT,
    env: childEnv(configFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

function onlyRun(outDir: string, run: Finished): string {
  const runs = existsSync(outDir) ? readdirSync(outDir).filter((d) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(d)) : [];
  expect(runs, run.output).toHaveLength(1);
  return path.join(outDir, runs[0]!);
}

const read = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const slug = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_');

interface TuneFile {
  found: { cell: string } | null;
  closest: { cell: string } | null;
  evaluations: { cell: string; pass: boolean }[];
  evaluated: number;
  matrixCells: number;
}

interface FlowFile {
  steps: { name: string; kept: string | null; cells: { id: string }[] }[];
  pick: string;
  soak: { pass: boolean };
  profiles: string[];
  evaluated: number;
}

/** Every evaluation in tune.json agrees with the decode speed its summary.json stored, against the floor. */
function expectJudgedByMeasurement(runDir: string, tune: TuneFile, meets: (tps: number) => boolean) {
  for (const e of tune.evaluations) {
    const summary = read<{ measurement: { metrics: { server_decode_tps_mean: { status: string; value: number } } } }>(path.join(runDir, slug(e.cell), 'interactive', 'summary.json'));
    const measured = summary.measurement.metrics.server_decode_tps_mean;
    expect(measured.status, e.cell).toBe('ok');
    expect(e.pass, e.cell).toBe(meets(measured.value));
  }
}

// Both tunes search 2 quants × 1 thread count × 2 contexts (4 cells; the matrix's size costs nothing, only the cells
// evaluated do, each a Vitest run of a minute or more on a busy machine): one evaluation, the most likely cell, decides
// each. Bisection over threads, and a failing likely end followed by the axis's other end, are the search's logic,
// checked on many axes in flow-tune.test.ts; that several Vitest runs fill one run directory and its last scoreboard
// is the guided flow's test below.
const tuneMatrix = (t: string) => t.replace('quants: [Q4_K_M]', 'quants: [Q4_K_M, Q8_0]').replace('ctx: [1024]', 'ctx: [512, 1024]');
// The guided flow on 2 files, one thread count, one context: the baseline on the larger file and the quant sweep
// that keeps the smaller are measured in two Vitest runs (the files' real sizes decide the order), the context and
// threads steps reuse what is there, and the soak's run covers both cells while soaking the pick alone. Which
// context, thread count and priority a sweep keeps when it has several is the flow's logic, checked in
// flow-guided.test.ts; here every Vitest run costs a minute or more on a busy machine.
const guidedMatrix = (t: string) => t.replace('quants: [Q4_K_M]', 'quants: [Q4_K_M, Q8_0]').replace('ctx: [1024]', 'ctx: [512]');

const GUIDED_PROFILES = [
  '  quality:',
  `    goldens: ${path.join(ROOT, 'goldens')}`,
  '    sets: [format]',
  '    limit_per_set: 1',
  '    cove: { enabled: false }',
  '    retrieval: { enabled: false }',
  '    budgets: { score_endpoint_security: "off", score_math: "off", score_comprehension: "off", score_reasoning: "off", score_format: ">= 0" }',
  '  stress:',
  '    duration_s: 3',
  '    interval_s: 1',
  '    max_tokens: 16',
  '    budgets: { throttled: "off", swap_growth_mb: "off" }',
  '',
].join('\n');

interface Ran {
  run: Finished;
  outDir: string;
}

describe('flows on tiny', () => {
  let reachable: Ran;
  let unreachable: Ran;
  let guided: Ran;
  let badName: Ran;

  // Independent runs in their own temp dirs, with budgets that do not depend on the machine's load: side by side.
  beforeAll(async () => {
    const go = async (config: { file: string; outDir: string }, args: string[]): Promise<Ran> => ({ run: await bench(config.file, args), outDir: config.outDir });
    [reachable, unreachable, guided, badName] = await Promise.all([
      go(tinyConfig(NO_ENERGY, (t) => withFloor(QUICK(tuneMatrix(t)), '> 0')), ['--tune', 'interactive']),
      go(tinyConfig(NO_ENERGY, (t) => withFloor(QUICK(tuneMatrix(t)), '>= 1000000000')), ['--tune', 'interactive']),
      // The profiles' settings go under profiles:, just before the sampler section. The idle server's CPU is the
      // machine's business at load, so idle is judged on memory alone here.
      go(
        tinyConfig(NO_ENERGY, (t) =>
          withFloor(QUICK(guidedMatrix(t)), '> 0')
            .replace('    duration_s: 1\n', '    duration_s: 1\n    budgets: { cpu_pct: "off", swap_growth_mb: "off" }\n')
            .replace('\nsampler:', `\n${GUIDED_PROFILES}sampler:`),
        ),
        ['--flow', 'guided'],
      ),
      go(tinyConfig('', (t) => withFloor(QUICK(tuneMatrix(t)), '> 0')), ['--tune', 'interactiv']),
    ]);
  }, 1_200_000);

  describe('--tune, a reachable floor', () => {
    test('the cheapest cell, found in fewer evaluations than the matrix, judged by its own measurement', () => {
      const { run, outDir } = reachable;
      expect(run.code, run.output).toBe(0);
      const runDir = onlyRun(outDir, run);
      const tune = read<TuneFile>(path.join(runDir, 'tune.json'));
      // The most likely cell passes: context and file are then kept at their cheapest, which it already is.
      expect(tune.evaluations.map((e) => e.cell)).toEqual(['tiny Q4_K_M t1 c512 nice10']);
      expect(tune.found?.cell).toBe('tiny Q4_K_M t1 c512 nice10');
      expect(tune.evaluated).toBe(1);
      expect(tune.matrixCells).toBe(4);
      expectJudgedByMeasurement(runDir, tune, (tps) => tps > 0);
    });

    test('each decision is printed', () => {
      const { run } = reachable;
      expect(run.output).toContain('[tune] threads → 1: 1, the only value (tiny Q4_K_M t1 c512 nice10 passes)');
      expect(run.output).toContain('[tune] ctx → 512: 512, the cheapest, passes (tiny Q4_K_M t1 c512 nice10); dearer values are assumed to pass no more often');
      expect(run.output).toContain('[tune] found: tiny Q4_K_M t1 c512 nice10');
      // The one evaluation's Vitest run covered every evaluated cell: no second run just for the scoreboard.
      expect(run.output).toContain('[flow] the last Vitest run covered every evaluated cell');
      expect(run.output).toMatch(/\[tune\] evaluated 1 of 4 cells; 1 Vitest run\(s\)/);
    });

    test('the scoreboard is the evaluation run\'s own, over the one cell it measured', () => {
      const { run, outDir } = reachable;
      const runDir = onlyRun(outDir, run);
      const report = read<RunReport>(path.join(runDir, 'scoreboard.json'));
      expect(report.partial, report.endReason).toBe(false);
      expect(report.cells.map((c) => [c.cell.id, c.profile, c.state, c.reused ?? false])).toEqual([['tiny Q4_K_M t1 c512 nice10', 'interactive', 'completed', false]]);
      expect(readdirSync(runDir).filter((d) => d.startsWith('tiny_'))).toEqual(['tiny_Q4_K_M_t1_c512_nice10']);
    });
  });

  test('--tune, an unreachable floor: exit 1, nothing found, the closest named, fewer evaluations than the matrix', () => {
    const { run, outDir } = unreachable;
    expect(run.code, run.output).toBe(1);
    const runDir = onlyRun(outDir, run);
    const tune = read<TuneFile>(path.join(runDir, 'tune.json'));
    expect(tune.found).toBeNull();
    expect(tune.evaluations.map((e) => e.cell)).toEqual(['tiny Q4_K_M t1 c512 nice10']);
    expect(tune.evaluations.every((e) => !e.pass)).toBe(true);
    expect(tune.closest?.cell).toBe('tiny Q4_K_M t1 c512 nice10');
    expectJudgedByMeasurement(runDir, tune, (tps) => tps >= 1e9);
    expect(run.output).toMatch(/\[tune\] no cell passes every interactive budget; closest: tiny Q4_K_M t1 c512 nice10 \(interactive: decode speed \(server timings\) mean = [\d.]+ tok\/s/);
    expect(run.output).toContain('[tune] evaluated 1 of 4 cells');
  });

  test('--tune, a bad profile name exits 2 with the list of profiles, before anything is prepared', () => {
    const { run, outDir } = badName;
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/--tune: got "interactiv", expected one of: idle, interactive, quality, /);
    expect(existsSync(outDir)).toBe(false);
  });

  describe('--flow guided', () => {
    const flowOf = () => read<FlowFile>(path.join(onlyRun(guided.outDir, guided.run), 'flow.json'));

    test('baseline → quant → context → threads/priority → pick → soak on tiny, each step keeping what it should', () => {
      const { run } = guided;
      expect(run.code, run.output).toBe(0);
      const flow = flowOf();
      expect(flow.profiles).toEqual(['idle', 'interactive', 'quality']);
      expect(flow.steps.map((s) => [s.name, s.kept])).toEqual([
        ['baseline', 'tiny Q8_0 t1 c512 nice10'],
        ['quant sweep', 'tiny Q4_K_M t1 c512 nice10'],
        ['context sweep', 'tiny Q4_K_M t1 c512 nice10'],
        ['threads and priority sweep', 'tiny Q4_K_M t1 c512 nice10'],
        ['pick', 'tiny Q4_K_M t1 c512 nice10'],
        ['soak', 'tiny Q4_K_M t1 c512 nice10'],
      ]);
      expect(flow.steps[1]!.cells.map((c) => c.id)).toEqual(['tiny Q4_K_M t1 c512 nice10', 'tiny Q8_0 t1 c512 nice10']);
      expect(flow.steps[3]!.cells.map((c) => c.id)).toEqual(['tiny Q4_K_M t1 c512 nice10']);
      expect(flow.pick).toBe('tiny Q4_K_M t1 c512 nice10');
      expect(flow.soak.pass).toBe(true);
      expect(flow.evaluated).toBe(2);
      expect(run.output).toContain('[flow] pick: tiny Q4_K_M t1 c512 nice10, soak passed');
      // baseline, quant sweep, soak: the context and threads steps found every result they needed in the run.
      expect(run.output).toMatch(/\[flow\] evaluated 2 of 2 cells; 3 Vitest run\(s\)/);
    });

    test('one run: the soak on the pick only, the last scoreboard over every evaluated cell, earlier ones reused', () => {
      const { run, outDir } = guided;
      const runDir = onlyRun(outDir, run);
      // The soak ran on the pick only (BENCH_STRESS_CELL), and the last run's scoreboard covers every evaluated cell.
      const stressed = readdirSync(runDir).filter((d) => existsSync(path.join(runDir, d, 'stress', 'summary.json')));
      expect(stressed).toEqual(['tiny_Q4_K_M_t1_c512_nice10']);
      const report = read<RunReport>(path.join(runDir, 'scoreboard.json'));
      const completed = report.cells.filter((c) => c.state === 'completed').map((c) => `${c.profile} · ${c.cell.id}`);
      expect(completed).toEqual(
        expect.arrayContaining([
          'idle · tiny Q8_0 t1 c512 nice10',
          'interactive · tiny Q4_K_M t1 c512 nice10',
          'quality · tiny Q8_0 t1 c512 nice10',
          'quality · tiny Q4_K_M t1 c512 nice10',
          'stress · tiny Q4_K_M t1 c512 nice10',
        ]),
      );
      expect(report.cells.filter((c) => c.profile !== 'stress' && c.state === 'completed').every((c) => c.reused)).toBe(true);
    });
  });
});
