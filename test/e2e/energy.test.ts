// Energy on tiny through a real llama-server, with a fake powercap tree whose package counter a writer process raises
// at 10 W, and at 25 W while the tagged server uses CPU (wrapping at a small range over the run). Measured figures
// must match what the writer wrote within 2 %, over the instants the counter values the reader saw belong to.
// (The same figures without counters, estimated or skipped, are checked on the pipeline e2e's run: pipeline.test.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENERGY_METRIC_NAMES } from '../../harness/energy/declare.ts';
import { resolveLlama } from '../../harness/llama/resolve.ts';
import { silentProgress } from '../../harness/progress.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { ROOT, runVitest, tinyConfig, waitFor } from './helpers.ts';
import { RaplTruth } from '../fixtures/rapl-truth.ts';

const WRITER = path.join(ROOT, 'test/fixtures/rapl-writer.mjs');
const tag = `energy-e2e-${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'energy-e2e-'));
const powercap = path.join(dir, 'powercap');
const powerLogFile = path.join(dir, 'power.log');
const staleLogFile = path.join(dir, 'stale.log');
let writer: ChildProcess;

// The energy budget's limit is one no request can reach (50 Wh per 1000 tokens is 180 J a token: 7 s of 25 W each),
// so it passes on any machine; idle at 2 W fails, as the writer never writes less than 10 W.
const REPETITIONS = 5;
const BUDGETS = '    budgets:\n      energy_weighted_output_wh_per_1000_tokens: "p(95) <= 50"\n      idle_power_w: "<= 2"\n';
/**
 * Five 512-token answers: about 1.3 s each at 25 W when the server has a core here (it decodes tiny at about 400
 * tok/s), so over 100 J of requests and the counter's 100 J range wraps within them. No warm-up answer: accuracy
 * does not need a warm server, and the idle baseline then lies between the server's start and the first request.
 * The server is a link to the cached build with no llama-bench beside it: the serving overhead (pipeline.test.ts
 * checks it) is skipped, which saves its six 512-token decodes.
 */
function config(serverPath: string): { file: string; outDir: string } {
  return tinyConfig(`llama:\n  server_path: ${serverPath}\n  extra_args: [--alias, ${tag}]\nenergy:\n  idle_baseline_s: 2\n`, (t) =>
    t.replace('  interactive:\n', `  interactive:\n${BUDGETS}`).replace('    max_tokens: 128\n', '    max_tokens: 512\n').replace('    repetitions: 6\n', `    repetitions: ${REPETITIONS}\n`).replace('    warmup: 1\n', '    warmup: 0\n'),
  );
}

interface Run {
  report: RunReport;
  cell: CellReport;
  runDir: string;
  output: string;
}
async function run(env: NodeJS.ProcessEnv, serverPath: string): Promise<Run> {
  const { file, outDir } = config(serverPath);
  const done = await runVitest(['--project', 'interactive'], file, { env }).done;
  const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d));
  if (!runId) throw new Error(`no run directory:\n${done.output.slice(-3000)}`);
  const runDir = path.join(outDir, runId);
  const report = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
  const cell = report.cells.find((c) => c.profile === 'interactive');
  if (!cell) throw new Error(`no interactive cell:\n${done.output.slice(-3000)}`);
  return { report, cell, runDir, output: done.output };
}

const truth = new RaplTruth(powerLogFile, staleLogFile);
const truthJ = (from: number, to: number) => truth.joules(from, to);
const truthBetweenMarks = (from: number, to: number, measuredJ: number) => truth.betweenMarks(from, to, measuredJ);

let measured: Run;
type Response = { warmup: boolean; ok: boolean; output_tokens: number; energy: Record<string, number> };
function responses(): Response[] {
  return readFileSync(path.join(measured.runDir, measured.cell.cell.slug, 'interactive/responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Response);
}

beforeAll(async () => {
  const llama = await resolveLlama(null, silentProgress);
  const serverDir = path.join(dir, 'llama');
  mkdirSync(serverDir);
  symlinkSync(llama.serverPath, path.join(serverDir, 'llama-server'));
  // A 100 J range: the counter wraps every 4 to 10 s at these powers. (A 30 J range wrapped every 1.2 s, and a CI
  // run beside a CPU hog lost a whole wrap in one request: the reader was not scheduled for longer than that. Real
  // RAPL ranges are hundreds of kJ, hours at these powers.)
  writer = spawn(process.execPath, [WRITER, '--root', powercap, '--max', '100000000', '--start', '95000000', '--busy-tag', tag, '--log', powerLogFile, '--stale-log', staleLogFile], { stdio: 'inherit' });
  await waitFor('the fake RAPL writer', 30_000, () => existsSync(path.join(powercap, 'intel-rapl:0/energy_uj')) && existsSync(powerLogFile));
  measured = await run({ BENCH_POWERCAP_ROOT: powercap }, path.join(serverDir, 'llama-server'));
  writer.kill('SIGTERM');
}, 1_200_000);
afterAll(() => {
  writer?.kill('SIGTERM');
});

describe('with a fake powercap tree (BENCH_POWERCAP_ROOT)', () => {
  test('every energy figure is in the scoreboard, measured (E_llm attributed), none unlabelled', () => {
    const c = measured.cell;
    expect(c.state, c.error ?? measured.output.slice(-2000)).toBe('completed');
    for (const name of ENERGY_METRIC_NAMES) {
      const m = c.metrics[name]!;
      expect(m, name).toBeDefined();
      expect(m.status, `${name}: ${m.reason}`).toBe('ok');
      expect(m.method, name).toBe(/^(e_llm|m_eff)/.test(name) ? 'attributed' : 'measured');
      expect(m.reason, name).toMatch(/RAPL package counters under .*powercap/);
    }
    expect(c.metrics.total_wh!.stats!.n).toBe(REPETITIONS);
    // The sampler's package energy of the window reads the same counters, across their wraps.
    expect(c.metrics.energy_j).toMatchObject({ status: 'ok', method: 'measured' });
    expect(c.metrics.energy_j!.value!).toBeGreaterThan(100);
    expect(c.metrics.total_wh!.stats!.p5).toBeDefined();
  });

  test("per request and in sum, the measured energy is within 2 % of what the writer wrote, across wraps; idle is what it wrote over the baseline", () => {
    const all = responses();
    const rs = all.filter((r) => !r.warmup && r.ok);
    expect(rs).toHaveLength(REPETITIONS);
    let sumMeasured = 0;
    let sumTruth = 0;
    const errors: number[] = [];
    for (const r of rs) {
      const e = r.energy;
      const got = e.prefill_j! + e.decode_j!;
      const want = truthBetweenMarks(e.start_epoch_ms!, e.end_epoch_ms!, got);
      errors.push((got - want) / want);
      sumMeasured += got;
      sumTruth += want;
      expect(e.split_epoch_ms).toBeGreaterThan(e.start_epoch_ms!);
      expect(e.end_epoch_ms).toBeGreaterThan(e.split_epoch_ms!);
    }
    const late = truth.staleSpans();
    console.log(`energy e2e: per-request error vs the writer ${errors.map((x) => `${(x * 100).toFixed(2)} %`).join(', ')}; sum ${sumMeasured.toFixed(2)} J measured vs ${sumTruth.toFixed(2)} J written; idle ${measured.cell.metrics.idle_power_w!.value} W; mean request power ${(sumMeasured / rs.reduce((s, r) => s + (r.energy.end_epoch_ms! - r.energy.start_epoch_ms!) / 1000, 0)).toFixed(2)} W; ${late} stale span(s) of the counter`);
    for (const x of errors) expect(Math.abs(x)).toBeLessThan(0.02);
    expect(Math.abs(sumMeasured - sumTruth) / sumTruth).toBeLessThan(0.02);
    // More than one range of the counter went by over the measured requests: the figures are across wraps.
    expect(sumTruth).toBeGreaterThan(100);
    // Idle: against what the writer wrote between the same marks (it writes 25 W for any moment the server used CPU,
    // which a loaded CI machine can put inside the baseline: 10.21 W against a flat 10 W once).
    const marks = measured.cell.measurement!.series!.energy_marks![0]!;
    const idleFrom = marks.baseline_from_epoch_ms as number;
    const idleTo = marks.baseline_to_epoch_ms as number;
    // The harness divides the counter's joules by the marks' interval; the truth does the same.
    const idleSeconds = (idleTo - idleFrom) / 1000;
    const idleW = measured.cell.metrics.idle_power_w!.value!;
    const idleTruthW = truthBetweenMarks(idleFrom, idleTo, idleW * idleSeconds) / idleSeconds;
    expect(Math.abs(idleW - idleTruthW) / idleTruthW).toBeLessThan(0.02);
    // What the writer was told over the instants the counter values belong to.
    const [valueFrom, valueTo] = truth.instantsBetweenMarks(idleFrom, idleTo, idleW * idleSeconds);
    const writerIdleW = truthJ(valueFrom, valueTo) / ((valueTo - valueFrom) / 1000);
    // The baseline ends before the first request, and the server was idle in it for most of its time by the writer's
    // reading of its CPU (10 W idle, 25 W busy: below 17.5 W is idle over half of it).
    expect(all).toHaveLength(REPETITIONS);
    expect(idleTo).toBeLessThanOrEqual(rs[0]!.energy.start_epoch_ms!);
    expect(idleTo - idleFrom).toBeGreaterThanOrEqual(2000);
    expect(writerIdleW).toBeGreaterThanOrEqual(10 - 1e-6);
    expect(writerIdleW).toBeLessThan(17.5);
    // The scoreboard's figure is the same sum, in Wh.
    expect(measured.cell.metrics.total_wh!.value! * REPETITIONS * 3600).toBeCloseTo(sumMeasured, 6);
  });

  test('energy budgets are evaluated: Wh/1000 e-tokens p(95) passes a limit no request can reach; idle over 2 W fails', () => {
    const v = (metric: string) => measured.cell.verdicts.find((x) => x.metric === metric)!;
    const perToken = v('energy_weighted_output_wh_per_1000_tokens');
    expect(perToken).toMatchObject({ aggregation: 'p(95)', status: 'pass', limit: 50 });
    // The figure judged is the p95 of the per-request figures (J ÷ 3600 ÷ output tokens × 1000): within their range.
    const perRequestWhPer1000 = responses().filter((r) => !r.warmup && r.ok).map((r) => ((r.energy.prefill_j! + r.energy.decode_j!) / 3600 / r.output_tokens) * 1000);
    expect(perToken.value!).toBeGreaterThanOrEqual(Math.min(...perRequestWhPer1000) * (1 - 1e-9));
    expect(perToken.value!).toBeLessThanOrEqual(Math.max(...perRequestWhPer1000) * (1 + 1e-9));
    expect(v('idle_power_w')).toMatchObject({ status: 'fail', limit: 2 });
    expect(v('idle_power_w').value!).toBeCloseTo(measured.cell.metrics.idle_power_w!.value!, 9);
  });

  test('CSV carries the method; the HTML has the energy section with measured badges and the run total', () => {
    const csv = readFileSync(path.join(measured.runDir, 'scoreboard.csv'), 'utf8');
    expect(csv.split('\n')[0]!.endsWith(',method')).toBe(true);
    expect(csv).toMatch(/,total_wh,[\d.e-]+,Wh,ok,.*,measured\n/);
    expect(csv).toMatch(/,e_llm_wh,[\d.e-]+,Wh,ok,.*,attributed\n/);
    const html = readFileSync(path.join(measured.runDir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="energy"><h2>Energy</h2>');
    expect(html).toMatch(/<span class="badge m-measured" title="measured">/);
    expect(html).toMatch(/<span class="badge m-attributed" title="attributed">/);
    expect(html).toMatch(/Energy and carbon:<\/b> measured: [\d.]+ Wh, [\d.]+ gCO2e over 1 cell/);
  });
});
