import { describe, expect, test } from 'vitest';
import { configSchema } from '../../harness/config/schema.ts';
import { expandMatrix } from '../../harness/matrix/cells.ts';
import { middlewarePresets } from '../../harness/middleware/config.ts';

const base = { models: ['small'], quants: ['Q4_K_M'], threads: [1, 2], ctx: [2048], priority: ['nice10'] };
const config = (matrix: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  configSchema.parse({ models: [{ name: 'small', builtin: 'small' }], matrix, ...extra });

describe('matrix.middleware', () => {
  test('without the axis the ids and cells are what they always were (no middleware field)', () => {
    const cells = expandMatrix(config(base));
    expect(cells.map((c) => c.id)).toEqual(['small Q4_K_M t1 c2048 nice10', 'small Q4_K_M t2 c2048 nice10']);
    expect(cells.every((c) => !('middleware' in c))).toBe(true);
  });
  test('a varying axis multiplies the cells and appears last in the id, as mw-<preset>', () => {
    const cells = expandMatrix(config({ ...base, threads: [1], poll: [0, 50], middleware: ['none', 'concise', 'with-context'] }));
    expect(cells.map((c) => c.id)).toEqual([
      'small Q4_K_M t1 c2048 nice10 poll0 mw-none',
      'small Q4_K_M t1 c2048 nice10 poll0 mw-concise',
      'small Q4_K_M t1 c2048 nice10 poll0 mw-with-context',
      'small Q4_K_M t1 c2048 nice10 poll50 mw-none',
      'small Q4_K_M t1 c2048 nice10 poll50 mw-concise',
      'small Q4_K_M t1 c2048 nice10 poll50 mw-with-context',
    ]);
    expect(cells[1]).toMatchObject({ middleware: 'concise', slug: 'small_Q4_K_M_t1_c2048_nice10_poll0_mw-concise' });
  });
  test('a single preset applies to every cell without changing the ids', () => {
    const cells = expandMatrix(config({ ...base, middleware: ['concise'] }));
    expect(cells.map((c) => c.id)).toEqual(['small Q4_K_M t1 c2048 nice10', 'small Q4_K_M t2 c2048 nice10']);
    expect(cells.every((c) => c.middleware === 'concise')).toBe(true);
  });
  test('built-in presets, and the config adds or replaces one by name', () => {
    const c = config(base, { middleware: { presets: { concise: { system: 'security-analyst' }, mine: { prepend: 'Answer in English.' } } } });
    const presets = middlewarePresets(c.middleware);
    expect(Object.keys(presets)).toEqual(['none', 'concise', 'with-context', 'mine']);
    expect(presets.concise!.system).toBe('security-analyst');
    expect(presets.mine).toMatchObject({ prepend: 'Answer in English.', system: null });
  });
  test('bad presets are schema errors at their path', () => {
    const r = configSchema.safeParse({
      models: [{ name: 'small', builtin: 'small' }],
      matrix: { ...base, middleware: [] },
      middleware: { presets: { x: { context: 'a', context_file: 'b' }, y: { sytem: 'concise' } } },
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['matrix.middleware', 'middleware.presets.x.context_file', 'middleware.presets.y']));
  });
});
