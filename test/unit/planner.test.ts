import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { DEFAULT_QUANT_ORDER } from '../../harness/config/quants.ts';
import { configSchema } from '../../harness/config/schema.ts';
import { fitMemory, leastSquares, predictMemory } from '../../harness/matrix/memory-trend.ts';
import {
  decide,
  emptyRunState,
  orderCells,
  recordOutcome,
  recordSkip,
  stressCell,
  type MeasurementLike,
  type PlannerCell,
  type PlannerLimits,
  type RunState,
} from '../../harness/matrix/planner.ts';
import { plannerDryRun } from '../../harness/matrix/run-state.ts';

/** Decimal megabytes, as the sampler reports RSS. */
const MB = 1e6;
/** File sizes in MB per model and quant, so expectations can be checked by hand. */
const SIZES: Record<string, Record<string, number>> = {
  tiny: { Q2_K: 10, Q3_K_M: 12, Q4_K_M: 14, Q5_K_M: 16, Q6_K: 18, Q8_0: 22 },
  small: { Q2_K: 50, Q3_K_M: 60, Q4_K_M: 70, Q5_K_M: 80, Q6_K: 90, Q8_0: 110 },
  big: { Q2_K: 500, Q3_K_M: 600, Q4_K_M: 700, Q5_K_M: 800, Q6_K: 900, Q8_0: 1100 },
};

function cell(model: string, quant: string, threads = 1, ctx = 1024): PlannerCell {
  const id = `${model} ${quant} t${threads} c${ctx} nice10`;
  return { cell: { id, model, quant, threads, ctx }, model: { path: `/m/${model}-${quant}.gguf`, bytes: SIZES[model]![quant]! * MB } };
}

const LIMITS: PlannerLimits = { enabled: true, mode: 'full', quants: null, availableMemoryMb: 4000, memoryCapMb: null, ttftLimitS: 30, minDecodeTps: 2, afterPerformanceFailure: 'run-all-profiles' };

function measured(profile: string, metrics: Record<string, number>, extra: Partial<MeasurementLike> = {}): MeasurementLike {
  return {
    profile,
    state: 'completed',
    serverPort: 8080,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { value: v, status: 'ok' }])),
    ...extra,
  };
}

function ran(state: RunState, c: PlannerCell, metrics: Record<string, number>, profile = 'interactive'): RunState {
  return recordOutcome(state, c, measured(profile, metrics));
}

describe('orderCells', () => {
  test('walks Q4_K_M across every model, then Q5_K_M, Q6_K, Q3_K_M, Q2_K, Q8_0; smaller models first', () => {
    const cells = ['big', 'tiny', 'small'].flatMap((m) => ['Q8_0', 'Q2_K', 'Q4_K_M', 'Q6_K', 'Q5_K_M', 'Q3_K_M'].map((q) => cell(m, q)));
    const ids = orderCells(cells, DEFAULT_QUANT_ORDER).map((c) => `${c.cell.model} ${c.cell.quant}`);
    expect(ids).toEqual([
      'tiny Q4_K_M', 'small Q4_K_M', 'big Q4_K_M',
      'tiny Q5_K_M', 'small Q5_K_M', 'big Q5_K_M',
      'tiny Q6_K', 'small Q6_K', 'big Q6_K',
      'tiny Q3_K_M', 'small Q3_K_M', 'big Q3_K_M',
      'tiny Q2_K', 'small Q2_K', 'big Q2_K',
      'tiny Q8_0', 'small Q8_0', 'big Q8_0',
    ]);
  });
  test('keeps matrix order for ties, puts unlisted quants last, and prefers parameter counts to file sizes', () => {
    const a = cell('small', 'Q4_K_M', 1);
    const b = cell('small', 'Q4_K_M', 2);
    const f16 = { ...cell('tiny', 'Q4_K_M'), cell: { ...cell('tiny', 'Q4_K_M').cell, quant: 'F16', id: 'tiny F16' } };
    expect(orderCells([f16, b, a], ['Q4_K_M']).map((c) => c.cell.id)).toEqual([b.cell.id, a.cell.id, 'tiny F16']);
    // A bigger file with fewer parameters (say, a higher-precision embedding) still goes first when counts are known.
    const x = { ...cell('tiny', 'Q4_K_M'), model: { path: '/x', bytes: 900, parameters: 1e9 } };
    const y = { ...cell('small', 'Q4_K_M'), model: { path: '/y', bytes: 100, parameters: 3e9 } };
    expect(orderCells([y, x], ['Q4_K_M']).map((c) => c.model.path)).toEqual(['/x', '/y']);
    const z = { ...cell('big', 'Q4_K_M'), model: { path: '/z', bytes: 50, metadata: { parameterCount: 2e9 } } };
    expect(orderCells([y, z, x], ['Q4_K_M']).map((c) => c.model.path)).toEqual(['/x', '/z', '/y']);
  });
});

describe('decide', () => {
  test('runs a cell when nothing speaks against it', () => {
    expect(decide(cell('small', 'Q4_K_M'), emptyRunState(), LIMITS)).toMatchObject({ run: true, memoryMb: { mb: 84 } });
  });
  test('memory pre-check: file × 1.2 against available RAM and the configured cap', () => {
    // big Q8_0: 1100 MB × 1.2 = 1320 MB
    expect(decide(cell('big', 'Q8_0'), emptyRunState(), { ...LIMITS, availableMemoryMb: 1300 })).toEqual({
      run: false,
      rule: 'memory',
      reason: 'memory pre-check: needs about 1320 MB (file 1100 MB × 1.2 = 1320 MB), over available RAM 1300 MB',
      memoryMb: expect.objectContaining({ mb: 1320 }),
    });
    const capped = decide(cell('big', 'Q8_0'), emptyRunState(), { ...LIMITS, memoryCapMb: 1000 });
    expect(capped).toMatchObject({ run: false, reason: expect.stringContaining('over planner.memory_cap_mb 1000 MB') });
    expect(decide(cell('big', 'Q8_0'), emptyRunState(), { ...LIMITS, memoryCapMb: 1320 }).run).toBe(true);
  });
  test('memory pre-check uses the prediction made from the GGUF metadata when the plan has one', () => {
    const c = { ...cell('small', 'Q4_K_M'), memory: { bytes: 150 * MB, basis: 'weights × 1.2 + KV cache (c1024)' } };
    expect(decide(c, emptyRunState(), { ...LIMITS, memoryCapMb: 100 })).toMatchObject({
      run: false,
      reason: 'memory pre-check: needs about 150 MB (weights × 1.2 + KV cache (c1024) = 150 MB), over planner.memory_cap_mb 100 MB',
    });
  });
  test('memory pre-check uses what the same file at the same context measured, when it has been measured', () => {
    const c = cell('big', 'Q4_K_M');
    const state = ran(emptyRunState(), c, { rss_peak_mb: 2500 }, 'idle');
    expect(decide(c, state, { ...LIMITS, memoryCapMb: 2000 })).toMatchObject({
      run: false,
      rule: 'memory',
      reason: 'memory pre-check: needs about 2500 MB (measured 2500 MB on big Q4_K_M t1 c1024 nice10 (idle)), over planner.memory_cap_mb 2000 MB',
    });
  });
  test('load failure skips the remaining cells of that model file, not other files', () => {
    const failed = recordOutcome(emptyRunState(), cell('small', 'Q4_K_M', 1), {
      profile: 'idle', state: 'errored', serverPort: null, metrics: {}, error: 'llama-server did not become ready within 300 s\nlog tail…',
    });
    expect(decide(cell('small', 'Q4_K_M', 2), failed, LIMITS)).toMatchObject({
      run: false,
      rule: 'load-failure',
      reason: 'the model file failed to load on small Q4_K_M t1 c1024 nice10 (idle): llama-server did not become ready within 300 s',
    });
    expect(decide(cell('small', 'Q5_K_M', 2), failed, LIMITS).run).toBe(true);
    // A workload failure after a successful load is not a load failure.
    const workload = recordOutcome(emptyRunState(), cell('small', 'Q4_K_M', 1), { profile: 'idle', state: 'errored', serverPort: 9000, metrics: {}, error: 'socket hang up' });
    expect(decide(cell('small', 'Q4_K_M', 2), workload, LIMITS).run).toBe(true);
  });
  test('performance threshold: a slow cell skips larger models at the same quant (no more threads, no smaller context)', () => {
    const state = ran(emptyRunState(), cell('small', 'Q4_K_M', 2, 1024), { decode_tps_mean: 1.5, ttft_p95_s: 3 });
    const reason = 'a smaller model failed the performance threshold at Q4_K_M: small Q4_K_M t2 c1024 nice10 (interactive) decode 1.5 tok/s < 2 tok/s';
    expect(decide(cell('big', 'Q4_K_M', 2, 1024), state, LIMITS)).toMatchObject({ run: false, rule: 'performance', reason });
    expect(decide(cell('big', 'Q4_K_M', 1, 4096), state, LIMITS)).toMatchObject({ run: false, reason });
    expect(decide(cell('big', 'Q4_K_M', 4, 1024), state, LIMITS).run).toBe(true); // more threads may be fast enough
    expect(decide(cell('big', 'Q4_K_M', 2, 512), state, LIMITS).run).toBe(true); // a smaller context may be too
    expect(decide(cell('tiny', 'Q4_K_M', 2, 1024), state, LIMITS).run).toBe(true); // smaller model
    expect(decide(cell('big', 'Q5_K_M', 2, 1024), state, LIMITS).run).toBe(true); // another quant
    // The failed cell itself still runs its other profiles (planner.after_performance_failure: run-all-profiles).
    expect(decide(cell('small', 'Q4_K_M', 2, 1024), state, LIMITS, 'quality').run).toBe(true);
    expect(decide(cell('small', 'Q4_K_M', 2, 1024), state, LIMITS, 'interactive').run).toBe(true);
  });
  test('performance threshold: TTFT p95 over the limit; thresholds are configurable', () => {
    const state = ran(emptyRunState(), cell('small', 'Q4_K_M'), { decode_tps_mean: 9, ttft_p95_s: 31 });
    expect(decide(cell('big', 'Q4_K_M'), state, LIMITS)).toMatchObject({ run: false, reason: expect.stringMatching(/TTFT p95 31 s > 30 s$/) });
    expect(decide(cell('big', 'Q4_K_M'), state, { ...LIMITS, ttftLimitS: 40 }).run).toBe(true);
    expect(decide(cell('big', 'Q4_K_M'), ran(emptyRunState(), cell('small', 'Q4_K_M'), { decode_tps_mean: 9 }), { ...LIMITS, minDecodeTps: 10 }).run).toBe(false);
    // Only interactive's short-prompt figures count: a long-context TTFT is slow for another reason.
    expect(decide(cell('big', 'Q4_K_M'), ran(emptyRunState(), cell('small', 'Q4_K_M'), { ttft_p95_s: 60 }, 'long-context'), LIMITS).run).toBe(true);
  });
  test('quant path: when Q4_K_M, Q5_K_M and Q6_K of a model all failed, Q8_0 is not tried', () => {
    const slow = { decode_tps_mean: 1 };
    let state = ran(emptyRunState(), cell('big', 'Q4_K_M'), slow);
    state = ran(state, cell('big', 'Q5_K_M'), slow);
    expect(decide(cell('big', 'Q8_0'), state, LIMITS).run).toBe(true); // Q6_K not known to fail yet
    const withQ6 = ran(state, cell('big', 'Q6_K'), slow);
    expect(decide(cell('big', 'Q8_0'), withQ6, LIMITS)).toMatchObject({ run: false, rule: 'quant-path', reason: 'Q4_K_M, Q5_K_M, Q6_K of big all failed, so Q8_0 is not tried' });
    expect(decide(cell('big', 'Q2_K'), withQ6, LIMITS).run).toBe(true); // lighter quants still run
    // A skip for memory counts as a failure too; a Q6_K cell that passed (another thread count) does not.
    const skipped = recordSkip(state, cell('big', 'Q6_K'), 'idle', { rule: 'memory', reason: 'too big' });
    expect(decide(cell('big', 'Q8_0'), skipped, LIMITS).run).toBe(false);
    const passed = ran(withQ6, cell('big', 'Q6_K', 4), { decode_tps_mean: 3 });
    expect(decide(cell('big', 'Q8_0'), passed, LIMITS).run).toBe(true);
  });
  test('memory trend: peak RSS fitted over three measured cells predicts a fourth over the limit, with the prediction in the reason', () => {
    // RSS = 100 + 1.5 × weights MB + 0.05 × ctx, exactly: tiny Q4 (14), small Q4 (70) at c1024, small Q4 at c2048.
    let state = ran(emptyRunState(), cell('tiny', 'Q4_K_M', 1, 1024), { rss_peak_mb: 100 + 21 + 51.2 }, 'idle');
    state = ran(state, cell('small', 'Q4_K_M', 1, 1024), { rss_peak_mb: 100 + 105 + 51.2 }, 'idle');
    expect(decide(cell('big', 'Q4_K_M', 1, 2048), state, { ...LIMITS, memoryCapMb: 1000 }).run).toBe(true); // 2 points: file × 1.2 = 840
    state = ran(state, cell('small', 'Q4_K_M', 1, 2048), { rss_peak_mb: 100 + 105 + 102.4 }, 'idle');
    // big Q4_K_M at c2048: 100 + 1.5 × 700 + 0.05 × 2048 = 1252.4 MB
    const d = decide(cell('big', 'Q4_K_M', 1, 2048), state, { ...LIMITS, memoryCapMb: 1000 });
    expect(d).toMatchObject({ run: false, rule: 'memory-trend' });
    expect(!d.run && d.reason).toBe(
      'memory trend: needs about 1252 MB (memory trend predicts 1252 MB (RSS ≈ 100 MB + 1.50 × weights MB + 50.0 MB per 1k ctx, fitted over 3 measured cells)), over planner.memory_cap_mb 1000 MB',
    );
    expect(d.memoryMb.mb).toBeCloseTo(1252.4, 6);
  });
  test('quick mode skips every quantization but Q4_K_M and Q5_K_M; a disabled planner skips nothing', () => {
    const quick = { ...LIMITS, mode: 'quick' as const, quants: ['Q4_K_M', 'Q5_K_M'] };
    expect(decide(cell('small', 'Q6_K'), emptyRunState(), quick)).toMatchObject({ run: false, rule: 'mode', reason: 'quick mode runs Q4_K_M and Q5_K_M only' });
    expect(decide(cell('small', 'Q5_K_M'), emptyRunState(), quick).run).toBe(true);
    expect(decide(cell('big', 'Q8_0'), emptyRunState(), { ...quick, enabled: false, memoryCapMb: 1 }).run).toBe(true);
  });
});

describe('memory trend fit', () => {
  test('least squares recovers an exact plane and the slope of a noisy line', () => {
    expect(leastSquares([[1, 0], [0, 1], [1, 1], [2, 3]], [3, 4, 5, 10])!.map((v) => Number(v.toFixed(9)))).toEqual([2, 1, 2]);
    // y = 1 + 2x with residuals ±1 alternating: the fit is the line through the midpoints, 1 + 2x (hand check: means
    // x̄ = 1.5, ȳ = 4, the residual pattern +1 −1 −1 +1 is orthogonal to x − x̄ = −1.5 −0.5 0.5 1.5).
    expect(leastSquares([[0], [1], [2], [3]], [2, 2, 4, 8])!.map((v) => Number(v.toFixed(9)))).toEqual([1, 2]);
  });
  test('needs three distinct points; drops a feature that does not vary and then predicts only at its value', () => {
    expect(fitMemory([{ weightsMb: 1, ctx: 512, rssMb: 10 }, { weightsMb: 2, ctx: 512, rssMb: 20 }])).toBeNull();
    const fit = fitMemory([
      { weightsMb: 10, ctx: 512, rssMb: 30 },
      { weightsMb: 20, ctx: 512, rssMb: 50 },
      { weightsMb: 40, ctx: 512, rssMb: 90 },
    ])!;
    expect(fit.perCtx).toBeNull();
    expect(predictMemory(fit, 100, 512)).toBeCloseTo(210, 9);
    expect(predictMemory(fit, 100, 4096)).toBeNull();
    // Collinear features cannot be told apart.
    expect(fitMemory([1, 2, 3].map((k) => ({ weightsMb: k, ctx: 512 * k, rssMb: 10 * k })))).toBeNull();
  });
});

describe('stressCell', () => {
  test('the heaviest configuration rated acceptable or better, and the heavier one that did not pass', () => {
    const rated = [
      { ...cell('big', 'Q4_K_M'), rating: 'failed' as const },
      { ...cell('tiny', 'Q4_K_M'), rating: 'excellent' as const },
      { ...cell('small', 'Q5_K_M'), rating: 'poor' as const },
      { ...cell('small', 'Q4_K_M', 2, 2048), rating: 'acceptable' as const },
      { ...cell('small', 'Q4_K_M', 2, 1024), rating: 'good' as const },
    ];
    const s = stressCell(rated)!;
    expect(s.pick.cell.id).toBe('small Q4_K_M t2 c2048 nice10');
    expect(s.heavierFailing?.cell.id).toBe('small Q5_K_M t1 c1024 nice10');
    expect(stressCell(rated.filter((c) => c.rating === 'failed' || c.rating === 'poor'))).toBeNull();
  });
});

describe('planner config and dry run', () => {
  const base = { models: [{ name: 'small', builtin: 'small' }], matrix: { models: ['small'], quants: ['Q4_K_M'], threads: [1], ctx: [512] } };
  test('defaults', () => {
    expect(configSchema.parse(base).planner).toEqual({
      enabled: true,
      mode: 'full',
      quick_quants: ['Q4_K_M', 'Q5_K_M'],
      full_quants: null,
      after_performance_failure: 'run-all-profiles',
      quant_order: ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q3_K_M', 'Q2_K', 'Q8_0'],
      memory_cap_mb: null,
      ttft_limit_s: 30,
      min_decode_tps: 2,
    });
  });
  test('a quantization listed twice is rejected at its index', () => {
    const r = configSchema.safeParse({ ...base, planner: { quant_order: ['Q4_K_M', 'Q8_0', 'Q4_K_M'] } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['planner', 'quant_order', 2], message: 'expected each quantization once; Q4_K_M is listed twice' });
  });
  test('a bad planner setting exits 2 naming the YAML path and line', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-planner-')), 'c.yaml');
    writeFileSync(file, 'models:\n  - name: tiny\n    builtin: tiny\nmatrix:\n  models: [tiny]\n  quants: [Q4_K_M]\n  threads: [1]\n  ctx: [512]\nplanner:\n  mode: fast\n  memory_cap_mb: -1\n');
    let error: unknown;
    try {
      loadConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toContain('planner.mode (line 10): got "fast", expected one of: quick, full');
    expect((error as ConfigError).message).toContain('planner.memory_cap_mb (line 11): got -1, expected > 0');
  });
  test('quick mode with neither Q4_K_M nor Q5_K_M in the matrix is a config error', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-planner-')), 'c.yaml');
    writeFileSync(file, 'models:\n  - name: tiny\n    builtin: tiny\nmatrix:\n  models: [tiny]\n  quants: [Q8_0]\n  threads: [1]\n  ctx: [512]\nplanner:\n  mode: quick\n');
    expect(() => loadConfig(file)).toThrow(
      'planner.mode (line 10): quick mode runs Q4_K_M and Q5_K_M only (planner.quick_quants), and matrix.quants (Q8_0) has none of them; expected one of them in matrix.quants, another planner.quick_quants, or mode: full',
    );
    writeFileSync(file, 'models:\n  - name: tiny\n    builtin: tiny\nmatrix:\n  models: [tiny]\n  quants: [Q8_0, Q5_K_M]\n  threads: [1]\n  ctx: [512]\nplanner:\n  mode: quick\n');
    expect(loadConfig(file).config.planner.mode).toBe('quick');
  });
  test('the dry run gets its cells in traversal order with the skips known before running', () => {
    const config = configSchema.parse({ ...base, planner: { mode: 'quick' } });
    const cells = [cell('small', 'Q8_0'), cell('small', 'Q4_K_M'), cell('tiny', 'Q4_K_M')];
    const dry = cells.map((c) => ({ id: c.cell.id, file: c.model.path, bytes: c.model.bytes, memory: null }));
    const out = plannerDryRun(config, 80, cells.map((c) => c.cell), dry);
    expect(out.map((d) => [d.id, d.skip])).toEqual([
      ['tiny Q4_K_M t1 c1024 nice10', undefined],
      ['small Q4_K_M t1 c1024 nice10', 'memory pre-check: needs about 84 MB (file 70 MB × 1.2 = 84 MB), over available RAM 80 MB'],
      ['small Q8_0 t1 c1024 nice10', 'quick mode runs Q4_K_M and Q5_K_M only'],
    ]);
  });
});
