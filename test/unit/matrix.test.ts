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
});
