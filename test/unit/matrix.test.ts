import { describe, expect, test } from 'vitest';
import { configSchema } from '../../harness/config/schema.ts';
import { expandMatrix } from '../../harness/matrix/cells.ts';

function config(matrix: Record<string, unknown>, models: unknown[] = [{ name: 'small', builtin: 'small' }]) {
  return configSchema.parse({ models, matrix });
}

describe('expandMatrix', () => {
  test('cartesian product in config order with readable ids', () => {
    const cells = expandMatrix(config({ models: ['small'], quants: ['Q4_K_M', 'Q8_0'], threads: [1, 2], ctx: [2048], priority: ['nice10'] }));
    expect(cells.map((c) => c.id)).toEqual([
      'small Q4_K_M t1 c2048 nice10',
      'small Q4_K_M t2 c2048 nice10',
      'small Q8_0 t1 c2048 nice10',
      'small Q8_0 t2 c2048 nice10',
    ]);
    expect(cells[0]!.slug).toBe('small_Q4_K_M_t1_c2048_nice10');
  });
  test('skips quantizations a model does not offer, and duplicates', () => {
    const cells = expandMatrix(
      config({ models: ['mine', 'mine'], quants: ['Q4_K_M', 'Q8_0'], threads: [2], ctx: [512] }, [{ name: 'mine', path: '/m.gguf', quant: 'Q8_0' }]),
    );
    expect(cells.map((c) => c.id)).toEqual(['mine Q8_0 t2 c512 nice10']);
  });
  test('ids are stable across calls', () => {
    const c = config({ models: ['small'], quants: ['Q2_K'], threads: [1], ctx: [128], priority: ['normal', 'nice19'] });
    expect(expandMatrix(c)).toEqual(expandMatrix(c));
  });
  test('knob axes multiply the cells; only knobs that vary appear in the id', () => {
    const cells = expandMatrix(config({ models: ['small'], quants: ['Q4_K_M'], threads: [1], ctx: [512], poll: [0, 50], ubatch_size: [128], mmap: [true, false] }));
    expect(cells.map((c) => c.id)).toEqual([
      'small Q4_K_M t1 c512 nice10 poll0 mmap',
      'small Q4_K_M t1 c512 nice10 poll0 nommap',
      'small Q4_K_M t1 c512 nice10 poll50 mmap',
      'small Q4_K_M t1 c512 nice10 poll50 nommap',
    ]);
    // a single-valued knob is still applied, just not named
    expect(cells.every((c) => c.ubatch_size === 128)).toBe(true);
    expect(cells[1]).toMatchObject({ poll: 0, mmap: false });
    expect(cells[1]!.slug).toBe('small_Q4_K_M_t1_c512_nice10_poll0_nommap');
  });
});
