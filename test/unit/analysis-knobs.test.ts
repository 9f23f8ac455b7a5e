import { describe, expect, test } from 'vitest';
import { knobEffects, type KnobCell } from '../../harness/analysis/knobs.ts';
import type { Cell, Knobs, Metric } from '../../harness/measurement/schema.ts';

function cell(threads: number, knobs: Knobs, figures: { cpu?: number | Metric; ratio?: number | Metric }, profile = 'interactive', state = 'completed'): KnobCell {
  const knobText = Object.entries(knobs).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const id = `tiny Q4_K_M t${threads} c1024 nice10 ${knobText}`;
  const c: Cell = { id, slug: id.replace(/\W+/g, '_'), model: 'tiny', quant: 'Q4_K_M', threads, ctx: 1024, priority: 'nice10', ...knobs };
  const metric = (x: number | Metric | undefined, unit: string): Metric | undefined => (x === undefined ? undefined : typeof x === 'number' ? { value: x, unit, status: 'ok' } : x);
  const metrics: Record<string, Metric> = {};
  const cpu = metric(figures.cpu, '% of machine');
  const ratio = metric(figures.ratio, '×');
  if (cpu) metrics.cpu_p99_pct = cpu;
  if (ratio) metrics.latency_p99_over_p50 = ratio;
  return { profile, cell: c, state, metrics };
}

const withCi = (value: number, low: number, high: number): Metric => ({ value, unit: '% of machine', status: 'ok', ci: { low, high, level: 0.95, method: 'order-statistic-ess' } });

describe('knobEffects', () => {
  test('a clear effect: poll 0 cuts CPU p99 to a quarter over four pairs; latency p99/p50 unchanged; poll 0 tames spikes', () => {
    const cpu0 = [10, 12, 11, 9];
    const cpu50 = [40, 45, 42, 38];
    const lat0 = [1.5, 1.8, 1.4, 1.9];
    const lat50 = [1.6, 1.5, 1.7, 1.6];
    const cells = [1, 2, 3, 4].flatMap((t, i) => [cell(t, { poll: 50 }, { cpu: cpu50[i]!, ratio: lat50[i]! }), cell(t, { poll: 0 }, { cpu: cpu0[i]!, ratio: lat0[i]! })]);
    const [effect, ...rest] = knobEffects(cells);
    expect(rest).toEqual([]);
    expect(effect!.knob).toBe('poll');
    expect(effect!.values).toEqual(['poll 0', 'poll 50']);
    const cpu = effect!.comparisons.find((c) => c.metric === 'cpu_p99_pct')!;
    // a is the later setting, b the earlier: poll 50 over poll 0
    expect([cpu.a, cpu.b]).toEqual(['poll 50', 'poll 0']);
    expect(cpu.pairs).toHaveLength(4);
    // geometric mean of 40/10, 45/12, 42/11, 38/9 = exp(mean(ln 4, ln 3.75, ln 3.818, ln 4.222)) = 3.943
    expect(cpu.ratio).toBeCloseTo(3.943, 2);
    expect(cpu.ci!.method).toBe('student-t-log');
    expect(cpu.ci!.low).toBeGreaterThan(1);
    expect(cpu.status).toBe('higher');
    const lat = effect!.comparisons.find((c) => c.metric === 'latency_p99_over_p50')!;
    expect(lat.status).toBe('unresolved');
    expect(lat.ci!.low).toBeLessThan(1);
    expect(lat.ci!.high).toBeGreaterThan(1);
    expect(effect!.tamer).toBe('poll 0');
    expect(effect!.conclusion).toMatch(/^On this machine poll 0 tames spikes in interactive: CPU p99 ×3\.94 for poll 50 against poll 0, 95 % CI /);
    expect(effect!.unpaired).toEqual([]);
  });

  test('no effect: ratios scatter around 1 on both figures, so nothing tames spikes and the sentence says unresolved', () => {
    const a = [20, 30, 25, 22];
    const b = [22, 27, 26, 20];
    const cells = [1, 2, 3, 4].flatMap((t, i) => [cell(t, { mlock: false }, { cpu: a[i]!, ratio: 1.5 + i / 10 }), cell(t, { mlock: true }, { cpu: b[i]!, ratio: 1.6 - i / 20 })]);
    const [effect] = knobEffects(cells);
    expect(effect!.values).toEqual(['mlock false', 'mlock true']);
    expect(effect!.comparisons.map((c) => c.status)).toEqual(['unresolved', 'unresolved']);
    expect(effect!.tamer).toBeNull();
    expect(effect!.conclusion).toMatch(/^Unresolved: no setting of mlock is known to tame spikes in interactive \(CPU p99 ×/);
  });

  test('a single unpaired cell: the cells differ in threads too, so there is no pair and no claim', () => {
    const cells = [cell(1, { ubatch_size: 512 }, { cpu: 50, ratio: 1.2 }), cell(2, { ubatch_size: 64 }, { cpu: 10, ratio: 1.1 })];
    const [effect] = knobEffects(cells);
    expect(effect!.knob).toBe('ubatch_size');
    expect(effect!.values).toEqual(['ubatch_size 64', 'ubatch_size 512']);
    expect(effect!.comparisons.every((c) => c.pairs.length === 0 && c.status === 'unresolved' && c.ratio === null)).toBe(true);
    expect(effect!.unpaired.sort()).toEqual(cells.map((c) => c.cell.id).sort());
    expect(effect!.tamer).toBeNull();
    expect(effect!.conclusion).toContain('no two interactive cells differ in ubatch_size alone (2 unpaired cell(s))');
  });

  test('one unpaired cell beside three pairs is listed and left out of the pairs', () => {
    const cells = [1, 2, 3].flatMap((t) => [cell(t, { poll: 50 }, { cpu: 40 + t }), cell(t, { poll: 0 }, { cpu: 10 + t })]);
    cells.push(cell(8, { poll: 0 }, { cpu: 99 }));
    const [effect] = knobEffects(cells);
    expect(effect!.unpaired).toEqual([cells[6]!.cell.id]);
    const cpu = effect!.comparisons.find((c) => c.metric === 'cpu_p99_pct')!;
    expect(cpu.pairs.map((p) => p.cellB)).not.toContain(cells[6]!.cell.id);
    expect(cpu.pairs).toHaveLength(3);
    expect(cpu.status).toBe('higher');
    // no latency figure in any cell: no latency comparison can be made, and CPU alone decides
    expect(effect!.comparisons.find((c) => c.metric === 'latency_p99_over_p50')!.pairs).toEqual([]);
    expect(effect!.tamer).toBe('poll 0');
  });

  test('a knob that does not vary is not analysed (nor one set on a single cell, nor a run without knobs)', () => {
    expect(knobEffects([cell(1, { poll: 0 }, { cpu: 10 }), cell(2, { poll: 0 }, { cpu: 20 })])).toEqual([]);
    expect(knobEffects([cell(1, { flash_attn: 'on' }, { cpu: 10 }), cell(1, {}, { cpu: 20 })])).toEqual([]);
    expect(knobEffects([cell(1, {}, { cpu: 10 }), cell(2, {}, { cpu: 20 })])).toEqual([]);
    expect(knobEffects([])).toEqual([]);
  });

  test('fewer than three pairs: resolved only by non-overlapping cell intervals, all in one direction', () => {
    const disjoint = [cell(1, { flash_attn: 'off' }, { cpu: withCi(40, 35, 45) }), cell(1, { flash_attn: 'on' }, { cpu: withCi(20, 15, 25) })];
    const [d] = knobEffects(disjoint);
    const cpu = d!.comparisons.find((c) => c.metric === 'cpu_p99_pct')!;
    expect([cpu.a, cpu.b]).toEqual(['flash_attn on', 'flash_attn off']);
    expect(cpu.status).toBe('lower');
    expect(cpu.ci).toBeUndefined();
    expect(cpu.method).toMatch(/per-cell intervals/);
    expect(d!.tamer).toBe('flash_attn on');

    const overlap = [cell(1, { flash_attn: 'off' }, { cpu: withCi(40, 30, 45) }), cell(1, { flash_attn: 'on' }, { cpu: withCi(20, 15, 31) })];
    const o = knobEffects(overlap)[0]!.comparisons.find((c) => c.metric === 'cpu_p99_pct')!;
    expect(o.status).toBe('unresolved');
    expect(o.note).toContain('overlap');

    // A large ratio without intervals is still no claim.
    const bare = [cell(1, { flash_attn: 'off' }, { cpu: 90 }), cell(1, { flash_attn: 'on' }, { cpu: 1 })];
    const b = knobEffects(bare)[0]!;
    expect(b.comparisons.find((c) => c.metric === 'cpu_p99_pct')!.status).toBe('unresolved');
    expect(b.comparisons.find((c) => c.metric === 'cpu_p99_pct')!.note).toContain('no interval of its own');
    expect(b.tamer).toBeNull();

    // Two pairs pointing opposite ways.
    const split = [
      cell(1, { flash_attn: 'off' }, { cpu: withCi(40, 35, 45) }),
      cell(1, { flash_attn: 'on' }, { cpu: withCi(20, 15, 25) }),
      cell(2, { flash_attn: 'off' }, { cpu: withCi(20, 15, 25) }),
      cell(2, { flash_attn: 'on' }, { cpu: withCi(40, 35, 45) }),
    ];
    const s = knobEffects(split)[0]!.comparisons.find((c) => c.metric === 'cpu_p99_pct')!;
    expect(s.status).toBe('unresolved');
    expect(s.note).toContain('disagree');
  });

  test('errored cells, skipped figures and zero figures make no pair; the note says which were left out', () => {
    const cells = [
      cell(1, { poll: 0 }, { cpu: 10 }),
      cell(1, { poll: 50 }, { cpu: 40 }, 'interactive', 'errored'),
      cell(2, { poll: 0 }, { cpu: { value: null, unit: '% of machine', status: 'skipped', reason: 'no sensor' } }),
      cell(2, { poll: 50 }, { cpu: 40 }),
      cell(3, { poll: 0 }, { cpu: 0 }),
      cell(3, { poll: 50 }, { cpu: 40 }),
    ];
    const [effect] = knobEffects(cells);
    const cpu = effect!.comparisons.find((c) => c.metric === 'cpu_p99_pct')!;
    expect(cpu.pairs).toEqual([]);
    expect(cpu.note).toContain('not measured in both');
    expect(cpu.note).toContain('of 0 has no ratio');
    expect(effect!.unpaired).toEqual([cells[0]!.cell.id]);
    expect(effect!.tamer).toBeNull();
  });

  test('mixed: one setting lowers CPU p99 but raises latency p99/p50, so none tames both', () => {
    const cells = [1, 2, 3, 4].flatMap((t) => [cell(t, { batch_size: 2048 }, { cpu: 40 + t, ratio: 1.2 + t / 100 }), cell(t, { batch_size: 256 }, { cpu: 20 + t, ratio: 2.4 + t / 50 })]);
    const [effect] = knobEffects(cells);
    expect(effect!.comparisons.map((c) => c.status)).toEqual(['higher', 'lower']);
    expect(effect!.tamer).toBeNull();
    expect(effect!.conclusion).toMatch(/^Mixed: /);
  });

  test('three settings in numeric order, every pair compared; the one lowest against both others tames spikes; profiles apart', () => {
    const cpu: Record<number, number[]> = { 32: [10, 11, 12], 128: [20, 22, 21], 512: [40, 41, 44] };
    const cells = [1, 2, 3].flatMap((t, i) => [512, 32, 128].map((u) => cell(t, { ubatch_size: u }, { cpu: cpu[u]![i]! })));
    const idle = [cell(1, { ubatch_size: 32 }, { cpu: 1 }, 'idle'), cell(1, { ubatch_size: 512 }, { cpu: 1 }, 'idle')];
    const effects = knobEffects([...cells, ...idle]);
    expect(effects.map((e) => e.profile)).toEqual(['idle', 'interactive']);
    const effect = effects[1]!;
    expect(effect.values).toEqual(['ubatch_size 32', 'ubatch_size 128', 'ubatch_size 512']);
    const cpuComparisons = effect.comparisons.filter((c) => c.metric === 'cpu_p99_pct');
    expect(cpuComparisons.map((c) => `${c.a} vs ${c.b}`)).toEqual(['ubatch_size 128 vs ubatch_size 32', 'ubatch_size 512 vs ubatch_size 32', 'ubatch_size 512 vs ubatch_size 128']);
    expect(cpuComparisons.every((c) => c.status === 'higher')).toBe(true);
    expect(effect.tamer).toBe('ubatch_size 32');
    // idle: one pair, equal figures, no intervals
    expect(effects[0]!.tamer).toBeNull();
  });
});
