// planner.after_performance_failure, planner.quick_quants / full_quants and the --quick / --full / --repeat flags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { configSchema } from '../../harness/config/schema.ts';
import { decide, emptyRunState, recordOutcome, type PlannerCell, type PlannerLimits } from '../../harness/matrix/planner.ts';
import { modeRuns, plannerDryRun, plannerLimits } from '../../harness/matrix/run-state.ts';
import { BASE, accepts, rejects, sandbox } from './bad-input-helpers.ts';

const MB = 1e6;
function cell(model: string, quant: string, bytesMb: number): PlannerCell {
  return { cell: { id: `${model} ${quant} t1 c1024 nice10`, model, quant, threads: 1, ctx: 1024 }, model: { path: `/m/${model}-${quant}.gguf`, bytes: bytesMb * MB } };
}
const small = cell('small', 'Q4_K_M', 70);
const big = cell('big', 'Q4_K_M', 700);
const slow = recordOutcome(emptyRunState(), small, { profile: 'interactive', state: 'completed', serverPort: 8080, metrics: { decode_tps_mean: { value: 1.5, status: 'ok' } } });
const limits = (afterPerformanceFailure: PlannerLimits['afterPerformanceFailure']): PlannerLimits => ({
  enabled: true, mode: 'full', quants: null, availableMemoryMb: null, memoryCapMb: null, ttftLimitS: 30, minDecodeTps: 2, afterPerformanceFailure,
});
const base = { models: [{ name: 'small', builtin: 'small' }], matrix: { models: ['small'], quants: ['Q4_K_M'], threads: [1], ctx: [512] } };

describe('planner.after_performance_failure', () => {
  test('run-all-profiles (the default): the slow cell runs its later profiles; the larger model at its quant is skipped', () => {
    expect(configSchema.parse(base).planner.after_performance_failure).toBe('run-all-profiles');
    const l = plannerLimits(configSchema.parse(base), {});
    expect(l.afterPerformanceFailure).toBe('run-all-profiles');
    for (const profile of ['idle', 'quality', 'long-context', 'stress']) expect(decide(small, slow, l, profile)).toMatchObject({ run: true });
    expect(decide(big, slow, l, 'quality')).toMatchObject({ run: false, rule: 'performance', reason: expect.stringContaining('a smaller model failed the performance threshold at Q4_K_M') });
  });
  test('skip-cell: the slow cell is skipped by every later profile, naming the setting; the same profile may measure it again', () => {
    const config = configSchema.parse({ ...base, planner: { after_performance_failure: 'skip-cell' } });
    const l = plannerLimits(config, {});
    expect(l.afterPerformanceFailure).toBe('skip-cell');
    expect(decide(small, slow, l, 'quality')).toEqual({
      run: false,
      rule: 'performance',
      reason: 'failed the performance threshold in interactive: decode 1.5 tok/s < 2 tok/s (planner.after_performance_failure: skip-cell)',
      memoryMb: expect.anything(),
    });
    expect(decide(small, slow, l, 'interactive').run).toBe(true); // a resumed interactive measures it again
    expect(decide(big, slow, l, 'quality')).toMatchObject({ run: false, reason: expect.stringContaining('a smaller model failed') });
  });
  test('a passing cell runs everywhere under both settings', () => {
    const fast = recordOutcome(emptyRunState(), small, { profile: 'interactive', state: 'completed', serverPort: 8080, metrics: { decode_tps_mean: { value: 9, status: 'ok' } } });
    for (const s of ['run-all-profiles', 'skip-cell'] as const) {
      expect(decide(small, fast, limits(s), 'quality').run).toBe(true);
      expect(decide(big, fast, limits(s), 'quality').run).toBe(true);
    }
  });
  test("without the client's decode figure (its tokens came bunched), llama-server's own timings judge, and the reason says so", () => {
    const m = (metrics: Record<string, { value: number | null; status: string }>) => recordOutcome(emptyRunState(), small, { profile: 'interactive', state: 'completed', serverPort: 8080, metrics });
    const bunched = { value: null, status: 'error' };
    const fromServer = m({ decode_tps_mean: bunched, server_decode_tps_mean: { value: 1.5, status: 'ok' } });
    expect(fromServer.outcomes[0]).toMatchObject({ decodeTpsMean: 1.5, decodeFrom: 'server timings' });
    expect(decide(big, fromServer, limits('run-all-profiles'), 'interactive')).toMatchObject({ run: false, rule: 'performance', reason: 'a smaller model failed the performance threshold at Q4_K_M: small Q4_K_M t1 c1024 nice10 (interactive) decode 1.5 tok/s (server timings) < 2 tok/s' });
    // The client's figure wins when there is one, even where the server's would fail.
    const both = m({ decode_tps_mean: { value: 9, status: 'ok' }, server_decode_tps_mean: { value: 1.5, status: 'ok' } });
    expect(both.outcomes[0]).toMatchObject({ decodeTpsMean: 9, decodeFrom: 'client' });
    expect(decide(big, both, limits('run-all-profiles'), 'interactive').run).toBe(true);
    // Neither: no speed to judge, so no skip on speed.
    const neither = m({ decode_tps_mean: bunched, server_decode_tps_mean: { value: null, status: 'skipped' } });
    expect(neither.outcomes[0]!.decodeTpsMean).toBeNull();
    expect(decide(big, neither, limits('run-all-profiles'), 'interactive').run).toBe(true);
  });
  test('any other value is rejected', () => {
    const r = configSchema.safeParse({ ...base, planner: { after_performance_failure: 'skip' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['planner', 'after_performance_failure']);
  });
});

describe('planner.quick_quants / full_quants', () => {
  test('defaults are the lists the planner used before they were settings', () => {
    const p = configSchema.parse(base).planner;
    expect(p.quick_quants).toEqual(['Q4_K_M', 'Q5_K_M']);
    expect(p.full_quants).toBeNull();
    expect(plannerLimits(configSchema.parse(base), {}).quants).toBeNull();
    expect(plannerLimits(configSchema.parse({ ...base, planner: { mode: 'quick' } }), {}).quants).toEqual(['Q4_K_M', 'Q5_K_M']);
  });
  test('each mode runs its own list; the other quantizations need no model file', () => {
    const quick = configSchema.parse({ ...base, planner: { mode: 'quick', quick_quants: ['Q2_K'] } });
    expect(modeRuns(quick, 'Q2_K')).toBe(true);
    expect(modeRuns(quick, 'Q4_K_M')).toBe(false);
    const full = configSchema.parse({ ...base, planner: { mode: 'full', full_quants: ['Q4_K_M', 'Q8_0'] } });
    expect(modeRuns(full, 'Q8_0')).toBe(true);
    expect(modeRuns(full, 'Q2_K')).toBe(false);
    expect(modeRuns({ ...full, planner: { ...full.planner, enabled: false } }, 'Q2_K')).toBe(true);
    // A remote server's quantization is not chosen here: the lists do not apply.
    expect(modeRuns({ ...quick, target: { kind: 'remote-llama' } }, 'Q4_K_M')).toBe(true);
    const cells = [cell('small', 'Q2_K', 50), cell('small', 'Q4_K_M', 70)];
    const dry = plannerDryRun(quick, null, cells.map((c) => c.cell), cells.map((c) => ({ file: c.model.path, bytes: c.model.bytes, memory: null })));
    // In traversal order (planner.quant_order: Q4_K_M before Q2_K).
    expect(dry.map((d) => [d.file, d.skip])).toEqual([
      ['/m/small-Q4_K_M.gguf', 'quick mode runs Q2_K only'],
      ['/m/small-Q2_K.gguf', undefined],
    ]);
  });
  test('a list with a quantization twice, or empty, is rejected at its path', () => {
    const twice = configSchema.safeParse({ ...base, planner: { quick_quants: ['Q4_K_M', 'Q4_K_M'] } });
    expect(twice.error!.issues[0]).toMatchObject({ path: ['planner', 'quick_quants', 1], message: 'expected each quantization once; Q4_K_M is listed twice' });
    const empty = configSchema.safeParse({ ...base, planner: { full_quants: [] } });
    expect(empty.error!.issues[0]!.path).toEqual(['planner', 'full_quants']);
  });
  test('full mode whose full_quants has none of the matrix is a config error with the line', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-modes-')), 'c.yaml');
    writeFileSync(file, `${BASE}planner:\n  mode: full\n  full_quants: [Q8_0]\n`);
    expect(() => loadConfig(file)).toThrow(
      'planner.mode (line 12): full mode runs Q8_0 only (planner.full_quants), and matrix.quants (Q4_K_M) has none of them; expected one of them in matrix.quants, another planner.full_quants, or mode: quick',
    );
  });
});

describe('--quick / --full', () => {
  test('--quick sets planner.mode for the run, over the file; --full the other way', () => {
    const sb = sandbox(`${BASE}planner:\n  mode: full\n`);
    expect(accepts(sb, ['--quick'])).toMatchObject({ mode: 'quick', loaded: { config: { planner: { mode: 'quick' } } } });
    const quickFile = sandbox(`${BASE}planner:\n  mode: quick\n`);
    expect(accepts(quickFile, ['--full'])).toMatchObject({ mode: 'full', loaded: { config: { planner: { mode: 'full' } } } });
    expect(accepts(sb, [])).not.toHaveProperty('mode');
  });
  test('the mode given outside the file is part of the config hash (a resume compares it)', () => {
    const sb = sandbox();
    const plain = loadConfig(sb.configFile, { env: { XDG_CACHE_HOME: sb.cache } }).hash;
    const quick = loadConfig(sb.configFile, { env: { XDG_CACHE_HOME: sb.cache }, mode: 'quick' }).hash;
    const fromEnv = loadConfig(sb.configFile, { env: { XDG_CACHE_HOME: sb.cache, BENCH_PLANNER_MODE: 'quick' } });
    expect(quick).not.toBe(plain);
    expect(fromEnv.hash).toBe(quick);
    expect(fromEnv.config.planner.mode).toBe('quick');
  });
  test('--quick --full together exits 2 naming both flags', () => {
    rejects(sandbox(), [/--quick --full: both set planner\.mode; expected one of them/], ['--quick', '--full']);
  });
  test('--quick=yes, --quick twice and a bad BENCH_PLANNER_MODE exit 2', () => {
    rejects(sandbox(), [/--quick: takes no value, got "yes"/], ['--quick=yes']);
    rejects(sandbox(), [/--quick: given more than once/], ['--quick', '--quick']);
    rejects(sandbox(), [/BENCH_PLANNER_MODE: got "fast", expected quick or full/], [], { BENCH_PLANNER_MODE: 'fast' });
  });
  test('--quick on a matrix without the quick quantizations exits 2 naming the flag, not planner.mode', () => {
    const sb = sandbox(BASE.replace('quants: [Q4_K_M]', 'quants: [Q8_0]'));
    const e = rejects(sb, [/--quick: quick mode runs Q4_K_M and Q5_K_M only \(planner\.quick_quants\)/], ['--quick']);
    expect(e.problems.find((p) => p.path === '--quick')).toMatchObject({ source: 'command line' });
  });
});

describe('--repeat', () => {
  test('N from 1 to 100 (or BENCH_REPEAT)', () => {
    expect(accepts(sandbox(), ['--repeat', '3']).repeat).toBe(3);
    expect(accepts(sandbox(), [], { BENCH_REPEAT: '2' }).repeat).toBe(2);
    expect(accepts(sandbox(), [])).not.toHaveProperty('repeat');
  });
  test.each([['0'], ['-1'], ['2.5'], ['101'], ['three'], ['07']])('--repeat %s exits 2', (n) => {
    rejects(sandbox(), [new RegExp(`--repeat: .*expected a whole number of repetitions from 1 to 100`)], [`--repeat=${n}`]);
  });
  test('--repeat without a value, a bad BENCH_REPEAT, and --repeat with --tune exit 2', () => {
    rejects(sandbox(), [/--repeat: expected a value/], ['--repeat']);
    rejects(sandbox(), [/BENCH_REPEAT: got "x"/], [], { BENCH_REPEAT: 'x' });
    rejects(sandbox(), [/--repeat: measures the cells a run selects N times; --tune chooses its cells step by step/], ['--repeat', '2', '--tune', 'interactive']);
  });
});

test('a ConfigError is what every rejection above is', () => {
  expect(new ConfigError('f', []).exitCode).toBe(2);
});
