import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { configSchema } from '../../harness/config/schema.ts';
import { expandMatrix } from '../../harness/matrix/cells.ts';
import type { Plan } from '../../harness/plan.ts';
import { contextLadder, fillerText } from '../../harness/profiles/long-context/workload.ts';
import { settingsOf } from '../../harness/profiles/mode.ts';
import { chooseStressCell } from '../../harness/profiles/stress/cell.ts';

const config = (extra: Record<string, unknown> = {}) =>
  configSchema.parse({ models: [{ name: 'small', builtin: 'small' }], matrix: { models: ['small'], quants: ['Q4_K_M', 'Q8_0'], threads: [1, 2], ctx: [2048] }, ...extra });

describe('contextLadder', () => {
  test('keeps the sizes under the cap and adds the cap when a larger size was asked for', () => {
    expect(contextLadder([4096, 8192, 16384], 10_000)).toEqual({ sizes: [4096, 8192, 10_000], dropped: [16384] });
    expect(contextLadder([256, 512], 1014)).toEqual({ sizes: [256, 512], dropped: [] });
  });
  test('a cap below every size still gives a curve: a quarter, a half and the whole cap', () => {
    expect(contextLadder([4096, 8192], 2014)).toEqual({ sizes: [503, 1007, 2014], dropped: [4096, 8192] });
  });
});

test('filler text is deterministic per seed and differs between seeds from the first word', () => {
  expect(fillerText(50, 1)).toBe(fillerText(50, 1));
  expect(fillerText(50, 1).split(' ')).toHaveLength(50);
  expect(fillerText(50, 1).split(' ')[0]).not.toBe(fillerText(50, 2).split(' ')[0]);
});

describe('settingsOf', () => {
  test('full mode uses the full settings; quick mode applies only the quick overrides', () => {
    const full = settingsOf(config(), 'batch');
    expect(full).toMatchObject({ count: 30, max_tokens: 96, without_cache_pass: true });
    expect(full).not.toHaveProperty('quick');
    const quick = settingsOf(config({ planner: { mode: 'quick' }, profiles: { batch: { count: 12, quick: { count: 3 } } } }), 'batch');
    expect(quick).toMatchObject({ count: 3, max_tokens: 96 });
    expect(settingsOf(config({ planner: { mode: 'quick' } }), 'stress')).toMatchObject({ duration_s: 30, interval_s: 5, abort_temperature_c: 90 });
  });
  test('an unknown key in a quick block is an error', () => {
    expect(() => config({ profiles: { stress: { quick: { duration: 5 } } } })).toThrow(/duration/);
  });
});

describe('chooseStressCell', () => {
  function plan(runDir: string, cellSetting: Record<string, unknown> = {}): Plan {
    const c = config(cellSetting);
    const cells = expandMatrix(c).map((cell) => ({ cell, model: { path: `/m/${cell.quant}.gguf`, sha256: '', bytes: cell.quant === 'Q8_0' ? 200e6 : 100e6 }, memory: null }));
    return { runDir, cells, config: c } as unknown as Plan;
  }
  test('without ratings, the last planned cell, saying why', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stress-'));
    expect(chooseStressCell(plan(dir), { cell: null })).toEqual({ id: 'small Q8_0 t2 c2048 nice10', why: expect.stringMatching(/no ratings yet/) });
    // with -t Q4_K_M, among the cells the filter kept
    expect(chooseStressCell(plan(dir), { cell: null }, (id) => id.includes('Q4_K_M')).id).toBe('small Q4_K_M t2 c2048 nice10');
  });
  test('the heaviest cell the earlier profiles rated acceptable or better, by its worst rating', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stress-'));
    const row = (profile: string, id: string, rating: string) => ({ profile, cell: { id }, state: 'completed', rating });
    writeFileSync(
      path.join(dir, 'scoreboard.json'),
      JSON.stringify({
        cells: [
          row('idle', 'small Q4_K_M t1 c2048 nice10', 'excellent'),
          row('idle', 'small Q4_K_M t2 c2048 nice10', 'good'),
          row('interactive', 'small Q4_K_M t2 c2048 nice10', 'acceptable'),
          row('idle', 'small Q8_0 t1 c2048 nice10', 'excellent'),
          row('interactive', 'small Q8_0 t1 c2048 nice10', 'poor'),
        ],
      }),
    );
    const picked = chooseStressCell(plan(dir), { cell: null });
    expect(picked.id).toBe('small Q4_K_M t2 c2048 nice10');
    expect(picked.why).toMatch(/rated acceptable.*small Q8_0 t1 c2048 nice10, was rated poor/);
  });
  test('a configured cell wins; an unknown one is a clear error', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stress-'));
    expect(chooseStressCell(plan(dir), { cell: 'small Q4_K_M t1 c2048 nice10' }).why).toMatch(/profiles.stress.cell/);
    expect(() => chooseStressCell(plan(dir), { cell: 'nope' })).toThrow(/not a planned cell; expected one of: small Q4_K_M t1/);
  });
});
