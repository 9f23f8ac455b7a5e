import { describe, expect, test } from 'vitest';
import { product } from './flow-fixtures.ts';
import type { FlowCell } from '../../harness/flow/axes.ts';
import type { Judgement } from '../../harness/flow/judge.ts';
import { monotonicityViolations, tuneSearch, type TuneAxis, type TuneSpace } from '../../harness/flow/tune.ts';
import { tuneSpace } from '../../harness/flow/tune-space.ts';
import { mulberry32 } from '../../harness/stats/prng.ts';


const pass = (ok: boolean, why = ''): Judgement => ({ pass: ok, reason: ok ? 'ok' : why || 'missed', missed: ok ? 0 : 1, shortfall: ok ? 0 : 1 });

/** Counts the oracle's calls, so the tests see every evaluation. */
function counting(f: (c: FlowCell) => boolean) {
  const calls: string[] = [];
  return { calls, oracle: async (c: FlowCell) => (calls.push(c.cell.id), pass(f(c))) };
}

const BIG = { threads: [8, 1, 2, 3, 4, 6], priority: ['normal', 'nice10', 'nice19'], ctx: [2048, 512, 4096, 1024], quants: ['Q8_0', 'Q4_K_M', 'Q2_K'] };

describe('tuneSpace', () => {
  test('orders each axis cheapest first, with the directions the search assumes', () => {
    const space = tuneSpace(product(BIG), 'interactive');
    expect(space.axes).toEqual([
      { name: 'threads', values: ['1', '2', '3', '4', '6', '8'], direction: 'up' },
      { name: 'priority', values: ['nice19', 'nice10', 'normal'], direction: 'up' },
      { name: 'ctx', values: ['512', '1024', '2048', '4096'], direction: 'down' },
      { name: 'model file', values: ['Q2_K', 'Q4_K_M', 'Q8_0'], direction: 'down' },
    ]);
    expect(space.at([3, 1, 0, 2])?.cell.id).toBe('m Q8_0 t4 c512 nice10');
    // For answer quality a larger file helps: that axis turns around.
    expect(tuneSpace(product(BIG), 'quality').axes[3]!.direction).toBe('up');
  });
});

describe('tuneSearch', () => {
  test('a speed-limited oracle: the fewest threads and lowest priority that pass, in 6 of 216 evaluations', async () => {
    // Passes from 4 threads, not at nice19, up to c2048, any file: the cheapest is t4 nice10 c512 Q2_K.
    const { calls, oracle } = counting((c) => c.cell.threads >= 4 && c.cell.priority !== 'nice19' && c.cell.ctx <= 2048);
    const r = await tuneSearch(tuneSpace(product(BIG), 'interactive'), oracle);
    expect(r.found?.id).toBe('m Q2_K t4 c512 nice10');
    expect(r.total).toBe(216);
    // threads: t8 (the most likely cell), then bisection t3 ✗, t6 ✓, t4 ✓; priority: nice10 ✓, nice19 ✗; ctx and file: known.
    expect(calls).toEqual(['m Q2_K t8 c512 normal', 'm Q2_K t3 c512 normal', 'm Q2_K t6 c512 normal', 'm Q2_K t4 c512 normal', 'm Q2_K t4 c512 nice10', 'm Q2_K t4 c512 nice19']);
    expect(r.evaluations).toHaveLength(6);
    expect(r.steps.map((s) => [s.axis, s.value])).toEqual([
      ['threads', '4'],
      ['priority', 'nice10'],
      ['ctx', '512'],
      ['model file', 'Q2_K'],
    ]);
    expect(r.steps[0]!.reason).toMatch(/^4 is the cheapest that passes \(m Q2_K t4 c512 normal\); 3 fails \(missed\); cheaper values are assumed to fail as 3 did$/);
    expect(r.violations).toEqual([]);
  });

  test('quality: the smallest file that still answers well enough, bisecting the file axis too', async () => {
    const { calls, oracle } = counting((c) => c.model.bytes >= 20);
    const r = await tuneSearch(tuneSpace(product(BIG), 'quality'), oracle);
    expect(r.found?.id).toBe('m Q4_K_M t1 c512 nice19');
    // threads t8, t3, t2, t1; priority nice10, nice19; file Q4_K_M ✓, Q2_K ✗.
    expect(calls).toHaveLength(8);
    expect(calls.at(-1)).toBe('m Q2_K t1 c512 nice19');
  });

  test('nothing passes: two evaluations (the most likely cell, then the other end of threads), the reason, the closest', async () => {
    const { calls, oracle } = counting((c) => (c.cell.threads === 1 ? false : false));
    const r = await tuneSearch(tuneSpace(product(BIG), 'interactive'), async (c) => ({ ...(await oracle(c)), missed: c.cell.threads === 1 ? 1 : 2 }));
    expect(r.found).toBeNull();
    expect(calls).toEqual(['m Q2_K t8 c512 normal', 'm Q2_K t1 c512 normal']);
    expect(r.closest?.id).toBe('m Q2_K t1 c512 normal');
    expect(r.steps).toEqual([
      expect.objectContaining({ axis: 'threads', value: null, reason: 'm Q2_K t8 c512 normal and m Q2_K t1 c512 normal fail (missed); they are the most likely to pass of the whole matrix (priority normal, ctx 512, model file Q2_K), so no cell passes' }),
    ]);
  });

  test('a CPU-limited profile, where more threads fail: the other end of the axis is tried and kept', async () => {
    // Passes up to 2 threads (CPU budget) and from nice10 up: the cheapest is t1 nice10 c512 Q2_K.
    const { calls, oracle } = counting((c) => c.cell.threads <= 2 && c.cell.priority !== 'nice19');
    const r = await tuneSearch(tuneSpace(product(BIG), 'interactive'), oracle);
    expect(r.found?.id).toBe('m Q2_K t1 c512 nice10');
    expect(calls).toEqual(['m Q2_K t8 c512 normal', 'm Q2_K t1 c512 normal', 'm Q2_K t1 c512 nice10', 'm Q2_K t1 c512 nice19']);
    expect(r.steps[0]!.reason).toBe('1, the cheapest, is kept (m Q2_K t1 c512 normal); 8 fails (missed) but 1 passes: this axis runs the other way for this profile');
    // The axis is taken the other way from then on: these evaluations are consistent with that, so no warning.
    expect(r.violations).toEqual([]);
  });

  test('on random monotone oracles it finds the brute-force cheapest cell, with fewer evaluations than cells', async () => {
    const rand = mulberry32(7);
    const axes: TuneAxis[] = [
      { name: 'a', values: ['0', '1', '2', '3', '4'], direction: 'up' },
      { name: 'b', values: ['0', '1', '2'], direction: 'up' },
      { name: 'c', values: ['0', '1', '2', '3'], direction: 'down' },
      { name: 'd', values: ['0', '1', '2'], direction: 'down' },
    ];
    const all: number[][] = [];
    for (let a = 0; a < 5; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) for (let d = 0; d < 3; d++) all.push([a, b, c, d]);
    const space: TuneSpace<number[]> = { axes, at: (i) => [...i], id: (i) => i.join(',') };
    let found = 0;
    for (let round = 0; round < 300; round++) {
      // Monotone: a weighted sum of "likeliness" (up: the index; down: its reverse) over a threshold.
      const w = axes.map(() => rand());
      const likeliness = (i: readonly number[]) => i.reduce((s, v, k) => s + w[k]! * (axes[k]!.direction === 'up' ? v : axes[k]!.values.length - 1 - v), 0);
      const threshold = rand() * likeliness([4, 2, 0, 0]) * 1.1;
      const passes = (i: readonly number[]) => likeliness(i) >= threshold;
      let calls = 0;
      const r = await tuneSearch(space, async (i) => (calls++, pass(passes(i))));
      const expected = all.find(passes) ?? null; // `all` is in lexicographic (cost) order
      expect(r.found?.cell ?? null).toEqual(expected);
      expect(r.violations).toEqual([]);
      expect(calls).toBeLessThan(all.length);
      expect(calls).toBeLessThanOrEqual(1 + 3 + 2); // the top cell, then ⌈log2 5⌉ + ⌈log2 3⌉ bisection steps
      if (expected) found++;
    }
    expect(found).toBeGreaterThan(200); // the thresholds mostly leave something passing
  });
});

describe('monotonicityViolations', () => {
  test('names a cheaper pass whose dearer neighbour failed on an up axis', () => {
    const axes: TuneAxis[] = [{ name: 'threads', values: ['1', '2'], direction: 'up' }];
    const e = (id: string, i: number, ok: boolean) => ({ cell: id, id, index: [i], judgement: pass(ok, 'CPU p99 over') });
    expect(monotonicityViolations(axes, [e('t1', 0, true), e('t2', 1, false)])).toEqual(['t1 passed but t2, at least as likely to pass on every axis, failed (CPU p99 over)']);
    expect(monotonicityViolations(axes, [e('t1', 0, false), e('t2', 1, true)])).toEqual([]);
  });
});
