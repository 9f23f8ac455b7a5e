import { describe, expect, test } from 'vitest';
import { flowCells, heldKnobs, type FlowCell } from '../../harness/flow/axes.ts';
import { guidedFlow, type EvaluateCells } from '../../harness/flow/guided.ts';
import type { Judgement } from '../../harness/flow/judge.ts';
import { product } from './flow-fixtures.ts';


/** A synthetic oracle with the call log: which cells each step evaluated, under which profiles. */
function oracle(judge: (c: FlowCell) => Judgement) {
  const calls: { ids: string[]; profiles: string[] }[] = [];
  const distinct = new Set<string>();
  const evaluate: EvaluateCells<FlowCell> = async (cells, profiles) => {
    calls.push({ ids: cells.map((c) => c.cell.id), profiles: [...profiles] });
    for (const c of cells) distinct.add(c.cell.id);
    return new Map(cells.map((c) => [c.cell.id, judge(c)]));
  };
  return { calls, distinct, evaluate };
}

const ok: Judgement = { pass: true, reason: 'all met', missed: 0, shortfall: 0 };
const miss = (reason: string, missed = 1): Judgement => ({ pass: false, reason, missed, shortfall: missed });

// Q8_0 t1 c1024 nice10 is the baseline (config lists c1024 and nice10 first).
const MATRIX = { threads: [1, 2, 4], priority: ['nice10', 'nice19'], ctx: [1024, 512, 2048], quants: ['Q8_0', 'Q6_K', 'Q4_K_M', 'Q2_K'] };
const FIRST = { ctx: 1024, priority: 'nice10' };
const PROFILES = ['idle', 'interactive', 'quality'];

describe('guidedFlow', () => {
  test('baseline → quant → context → threads/priority → pick → soak, each step narrowing the next', async () => {
    // Q2_K answers badly, c2048 is over the memory budget, 4 threads is over the CPU budget, nice19 at 1 thread too slow.
    const { calls, distinct, evaluate } = oracle((c) => {
      if (c.cell.quant === 'Q2_K') return miss('quality: score 0.5, budget ≥ 0.8');
      if (c.cell.ctx > 1024) return miss('interactive: peak RSS over');
      if (c.cell.threads > 2) return miss('interactive: CPU p99 over');
      if (c.cell.threads === 1 && c.cell.priority === 'nice19') return miss('interactive: p95 latency over');
      return ok;
    });
    const soaked: string[] = [];
    const r = await guidedFlow(product(MATRIX), evaluate, { profiles: PROFILES, first: FIRST, soak: async (c) => (soaked.push(c.cell.id), ok) });

    expect(r.steps.map((s) => [s.name, s.kept])).toEqual([
      ['baseline', 'm Q8_0 t1 c1024 nice10'],
      ['quant sweep', 'm Q4_K_M t1 c1024 nice10'],
      ['context sweep', 'm Q4_K_M t1 c1024 nice10'],
      ['threads and priority sweep', 'm Q4_K_M t1 c1024 nice10'],
      ['pick', 'm Q4_K_M t1 c1024 nice10'],
      ['soak', 'm Q4_K_M t1 c1024 nice10'],
    ]);
    expect(calls).toEqual([
      { ids: ['m Q8_0 t1 c1024 nice10'], profiles: PROFILES },
      // Smallest file first; all else at the baseline's values.
      { ids: ['m Q2_K t1 c1024 nice10', 'm Q4_K_M t1 c1024 nice10', 'm Q6_K t1 c1024 nice10', 'm Q8_0 t1 c1024 nice10'], profiles: PROFILES },
      { ids: ['m Q4_K_M t1 c512 nice10', 'm Q4_K_M t1 c1024 nice10', 'm Q4_K_M t1 c2048 nice10'], profiles: PROFILES },
      // Cheapest first: fewest threads, then lowest priority.
      {
        ids: ['m Q4_K_M t1 c1024 nice19', 'm Q4_K_M t1 c1024 nice10', 'm Q4_K_M t2 c1024 nice19', 'm Q4_K_M t2 c1024 nice10', 'm Q4_K_M t4 c1024 nice19', 'm Q4_K_M t4 c1024 nice10'],
        profiles: PROFILES,
      },
    ]);
    expect(distinct.size).toBe(11); // of 4 × 3 × 3 × 2 = 72
    expect(r.pick).toBe('m Q4_K_M t1 c1024 nice10');
    expect(soaked).toEqual([r.pick]);
    expect(r.soak).toEqual({ id: r.pick, pass: true, reason: 'all met' });
    expect(r.steps[1]!.decision).toBe('m Q4_K_M is the smallest model file that passes; cheaper ones fail: m Q2_K t1 c1024 nice10 (quality: score 0.5, budget ≥ 0.8)');
    expect(r.steps[2]!.decision).toBe('c1024 is the largest context that passes (c2048 did not)');
    expect(r.steps[3]!.decision).toMatch(/^1 thread\(s\) at nice10 is the cheapest that passes; cheaper ones fail: m Q4_K_M t1 c1024 nice19 \(interactive: p95 latency over\)$/);
  });

  test('a failing baseline does not stop the flow; a sweep with no passing cell does, naming the closest', async () => {
    const { calls, evaluate } = oracle((c) => (c.cell.quant === 'Q4_K_M' ? miss('one budget') : miss('three budgets', 3)));
    let soaks = 0;
    const steps: string[] = [];
    const r = await guidedFlow(product(MATRIX), evaluate, { profiles: PROFILES, first: FIRST, soak: async () => (soaks++, ok), onStep: (s) => steps.push(s.name) });
    expect(r.steps[0]!.decision).toMatch(/misses budgets; the quantization sweep goes on/);
    expect(r.stoppedAt).toBe('quant sweep');
    expect(r.pick).toBeNull();
    expect(r.closest).toEqual({ id: 'm Q4_K_M t1 c1024 nice10', reason: 'one budget' });
    expect(r.steps.at(-1)!.decision).toBe('no cell passes idle + interactive + quality; the flow stops here. Closest: m Q4_K_M t1 c1024 nice10 (one budget)');
    expect(calls).toHaveLength(2);
    expect(soaks).toBe(0);
    expect(steps).toEqual(['baseline', 'quant sweep']);
  });

  test('a failed soak is reported on the pick; no soak function means no soak step', async () => {
    const failedSoak = await guidedFlow(product(MATRIX), oracle(() => ok).evaluate, { profiles: PROFILES, first: FIRST, soak: async () => miss('stress: throttled') });
    // Every cell passes: the smallest file, the largest context, the fewest threads at the lowest priority.
    expect(failedSoak.steps[2]!.kept).toBe('m Q2_K t1 c2048 nice10');
    expect(failedSoak.pick).toBe('m Q2_K t1 c2048 nice19');
    expect(failedSoak.soak).toEqual({ id: 'm Q2_K t1 c2048 nice19', pass: false, reason: 'stress: throttled' });
    expect(failedSoak.steps.at(-1)).toMatchObject({ name: 'soak', kept: null, decision: 'm Q2_K t1 c2048 nice19 fails the soak: stress: throttled' });
    const none = await guidedFlow(product(MATRIX), oracle(() => ok).evaluate, { profiles: PROFILES, first: FIRST, soak: null });
    expect(none.steps.map((s) => s.name)).toEqual(['baseline', 'quant sweep', 'context sweep', 'threads and priority sweep', 'pick']);
    expect(none.soak).toBeNull();
  });
});

describe('flow cells', () => {
  test('knob axes are held at their first value and quick-mode placeholders are left out', () => {
    const cells = product({ threads: [1], priority: ['nice10'], ctx: [512], quants: ['Q4_K_M', 'Q8_0'] }).flatMap((c) =>
      [0, 50].map((poll) => ({ ...c, cell: { ...c.cell, id: `${c.cell.id} poll${poll}`, poll }, model: c.cell.quant === 'Q8_0' ? { path: '', bytes: 0 } : c.model })),
    );
    const held = heldKnobs({ models: ['m'], quants: [], threads: [1], ctx: [512], priority: ['nice10'], poll: [50, 0] });
    expect(held).toEqual({ poll: 50 });
    expect(flowCells(cells, held).map((c) => c.cell.id)).toEqual(['m Q4_K_M t1 c512 nice10 poll50']);
  });
});
