import { describe, expect, test } from 'vitest';
import { analyzePairedSession, pairedComparisonSchema, roundRatios, roundsToResolve, widestHalfWidthPct, type ProbePhase } from '../../harness/analysis/paired.ts';
import { pairsOf, roundOrder } from '../../harness/profiles/invisibility/paired.ts';
import type { Cell } from '../../harness/measurement/schema.ts';

const idle = (taskMs: number): ProbePhase => ({ round: -1, cell: null, taskMs, latenessP99Ms: 1, cpuSharePct: 99, serverCpuPct: null });
const active = (round: number, cell: string, taskMs: number, extra: Partial<ProbePhase> = {}): ProbePhase => ({ round, cell, taskMs, latenessP99Ms: 2, cpuSharePct: 95, serverCpuPct: 150, ...extra });

describe('round ratios', () => {
  test('each active phase over the mean of the idle phases around it', () => {
    const r = roundRatios([idle(10), active(0, 'A', 12), idle(10), active(0, 'B', 11), idle(12)]);
    expect(r.get('A')).toEqual([1.2]);
    expect(r.get('B')![0]).toBeCloseTo(1, 12);
    // only the nearest idle phase on each side counts
    expect(roundRatios([idle(50), idle(10), active(0, 'A', 15), idle(20), idle(90)]).get('A')).toEqual([1]);
  });
});

/** Rounds in which A takes `a` × and B `b` × the idle time, with a per-round machine factor that both share. */
function session(rounds: number, a: (r: number) => number, b: (r: number) => number, extra: Partial<ProbePhase> = {}): ProbePhase[] {
  const phases: ProbePhase[] = [];
  for (let r = 0; r < rounds; r++) {
    const machine = 1 + 0.3 * Math.sin(r * 1.7); // the shared machine drifts by ±30 % from round to round
    phases.push(idle(10 * machine));
    const order = r % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
    for (const c of order) {
      phases.push(active(r, c, 10 * machine * (c === 'A' ? a(r) : b(r)), extra));
      phases.push(idle(10 * machine));
    }
  }
  return phases;
}

describe('paired analysis', () => {
  const pairs = [{ a: 'A', b: 'B', axis: 'threads' }];
  test('a steady 10 % difference under a drifting machine is resolved', () => {
    const noise = [1, -1, 0.5, -0.5, 0.2, -0.2];
    const c = analyzePairedSession({ group: 'g', phases: session(6, (r) => 1.21 * (1 + 0.01 * noise[r]!), () => 1.1), cells: ['A', 'B'], pairs, level: 0.95, stopReason: 'test' });
    const p = c.pairs[0]!;
    expect(p.status).toBe('resolved');
    expect(p.differencePct!).toBeCloseTo(10, 0);
    expect(p.differenceCi!.low).toBeGreaterThan(8);
    expect(p.differenceCi!.high).toBeLessThan(12);
    expect(p.differenceCi!.method).toBe('student-t-log');
    expect(p.rounds).toBe(6);
    expect(p.roundsToResolve).toBeNull();
    expect(p.explanation).toMatch(/^resolved: the foreground task took 10\.0 % longer while A decoded than while B did/);
    expect(c.cells.map((x) => x.slowdownPct)).toEqual([expect.closeTo(21, 0), expect.closeTo(10, 0)]);
    expect(c.rounds).toBe(6);
    expect(pairedComparisonSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(widestHalfWidthPct(c)).toBeLessThan(2);
  });
  test('no difference, probe on a full core: unresolved, and the explanation names caches and memory bandwidth', () => {
    const noise = [0.05, -0.04, 0.03, -0.06, 0.02, 0.01];
    const c = analyzePairedSession({ group: 'g', phases: session(6, (r) => 1.15 * (1 + noise[r]!), () => 1.15), cells: ['A', 'B'], pairs: [{ a: 'A', b: 'B', axis: 'priority' }], level: 0.95, stopReason: 'test' });
    const p = c.pairs[0]!;
    expect(p.status).toBe('unresolved');
    expect(p.differenceCi!.low).toBeLessThan(0);
    expect(p.differenceCi!.high).toBeGreaterThan(0);
    expect(p.roundsToResolve).toBeGreaterThan(6);
    expect(p.explanation).toMatch(/unresolved after 6 rounds: (about \d+ rounds would resolve a difference of this size|more than 1000 rounds would be needed)/);
    expect(p.explanation).toMatch(/The probe got 95\.0 % and 95\.0 % of a core while they decoded \(99\.0 % with every server idle\), so neither server kept it off the CPU: its slowdown .* came from shared caches and memory bandwidth, which scheduling priority does not arbitrate/);
    expect(c.idleProbeCpuSharePct).toBe(99);
  });
  test('a probe that got as much CPU as in the idle phases kept its CPU, even below a full core (a loaded machine)', () => {
    const idleAt = (share: number) => (p: ProbePhase) => (p.cell === null ? { ...p, cpuSharePct: share } : p);
    const phases = session(6, (r) => 1.2 * (1 + [0.05, -0.04, 0.03, -0.06, 0.02, 0.01][r]!), () => 1.2, { cpuSharePct: 66 }).map(idleAt(68));
    const c = analyzePairedSession({ group: 'g', phases, cells: ['A', 'B'], pairs: [{ a: 'A', b: 'B', axis: 'priority' }], level: 0.95, stopReason: 'test' });
    expect(c.pairs[0]!.explanation).toMatch(/66\.0 % and 66\.0 % of a core while they decoded \(68\.0 % with every server idle\), so neither server kept it off the CPU: its slowdown/);
  });
  test('a probe kept off the CPU gets another explanation', () => {
    const c = analyzePairedSession({ group: 'g', phases: session(4, (r) => 1.3 + 0.05 * (r % 2), () => 1.3, { cpuSharePct: 60 }), cells: ['A', 'B'], pairs, level: 0.95, stopReason: 'test' });
    expect(c.pairs[0]!.explanation).toMatch(/The probe got 60\.0 % of a core under A and 60\.0 % under B, against 99\.0 % with every server idle: the servers took CPU time from it/);
  });
  test('rounds to resolve: the smallest n with t(n−1)·sd/√n below the mean log ratio', () => {
    // t(17)·0.1/√18 = 0.0497 < 0.05; t(16)·0.1/√17 = 0.0514
    expect(roundsToResolve(0.05, 0.1, 0.95)).toBe(18);
    expect(roundsToResolve(0, 0.1, 0.95)).toBeNull();
    expect(roundsToResolve(1e-6, 0.1, 0.95)).toBe(1000);
  });
});

const cell = (threads: number, priority: string, extra: Partial<Cell> = {}): Cell => {
  const id = `m Q4_K_M t${threads} c512 ${priority}`;
  return { id, slug: id.replace(/ /g, '-'), model: 'm', quant: 'Q4_K_M', threads, ctx: 512, priority, ...extra };
};

describe('pairs and order', () => {
  test('cells differing in exactly one axis; A is more threads or the lower priority', () => {
    const cells = [cell(1, 'normal'), cell(2, 'normal'), cell(1, 'nice19'), cell(2, 'sched_idle')];
    expect(pairsOf(cells)).toEqual([
      { a: 'm Q4_K_M t2 c512 normal', b: 'm Q4_K_M t1 c512 normal', axis: 'threads' },
      { a: 'm Q4_K_M t1 c512 nice19', b: 'm Q4_K_M t1 c512 normal', axis: 'priority' },
      { a: 'm Q4_K_M t2 c512 sched_idle', b: 'm Q4_K_M t2 c512 normal', axis: 'priority' },
    ]);
    // listed the other way round, the orientation holds
    expect(pairsOf([cell(2, 'normal'), cell(1, 'normal')])).toEqual([{ a: 'm Q4_K_M t2 c512 normal', b: 'm Q4_K_M t1 c512 normal', axis: 'threads' }]);
    expect(pairsOf([cell(1, 'normal', { poll: 0 }), cell(1, 'normal', { poll: 50 })])[0]!.axis).toBe('poll');
  });
  test('each round rotates the order, so every cell takes every position', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(['A', 'B'], r).join(''))).toEqual(['AB', 'BA', 'AB', 'BA']);
    expect([0, 1, 2].map((r) => roundOrder(['A', 'B', 'C'], r).join(''))).toEqual(['ABC', 'BCA', 'CAB']);
  });
});
