import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../harness/config/errors.ts';
import { configSchema } from '../../harness/config/schema.ts';
import { checkFlowArgs } from '../../harness/flow/command.ts';
import { exactCellPattern } from '../../harness/flow/filter.ts';
import { closest, combine, judgeProfile } from '../../harness/flow/judge.ts';
import { selectedByPattern } from '../../harness/matrix/checkpoint.ts';
import type { Verdict } from '../../harness/measurement/schema.ts';

function verdict(status: Verdict['status'], value: number | null = 1, limit = 2): Verdict {
  return { metric: 'decode_tps_mean', label: 'decode speed', source: `>= ${limit}`, op: '>=', limit, unit: 'tok/s', value, status, margin: value === null ? null : value - limit, used: null };
}

describe('judgeProfile', () => {
  const measured = (verdicts: Verdict[]) => ({ kind: 'measured' as const, state: 'completed' as const, verdicts });

  test('passes when no verdict would fail its test: pass, skipped, inconclusive under warn or pass', () => {
    expect(judgeProfile('idle', measured([verdict('pass', 3), verdict('skipped', null)]), 'warn')).toMatchObject({ pass: true, missed: 0, reason: 'idle: 1 budget(s) met; not known to meet 1: decode speed skipped' });
    expect(judgeProfile('idle', measured([verdict('inconclusive', 1.9)]), 'warn').pass).toBe(true);
    expect(judgeProfile('idle', measured([verdict('inconclusive', 1.9)]), 'pass').pass).toBe(true);
  });

  test('fails on fail, error, inconclusive under fail, an errored cell, a planner skip, a missing result', () => {
    const failed = judgeProfile('interactive', measured([verdict('pass', 3), verdict('fail', 1.5)]), 'warn');
    expect(failed).toMatchObject({ pass: false, missed: 1, shortfall: 0.25 });
    expect(failed.reason).toBe('interactive: decode speed = 1.5 tok/s, budget ≥ 2 tok/s: fail');
    expect(judgeProfile('idle', measured([verdict('error', null)]), 'warn')).toMatchObject({ pass: false, shortfall: 1 });
    expect(judgeProfile('idle', measured([verdict('inconclusive', 1.9)]), 'fail').pass).toBe(false);
    expect(judgeProfile('idle', { kind: 'measured', state: 'errored', error: 'load timeout\nmore', verdicts: [] }, 'warn').reason).toBe('idle: the cell failed to run: load timeout');
    expect(judgeProfile('idle', { kind: 'skipped', reason: 'memory pre-check: needs 9 GB' }, 'warn')).toMatchObject({ pass: false, reason: 'idle: skipped by the planner: memory pre-check: needs 9 GB' });
    expect(judgeProfile('idle', { kind: 'missing', reason: 'not measured' }, 'warn').pass).toBe(false);
  });

  test('combine needs every profile; closest prefers fewer misses, then a smaller shortfall', () => {
    const a = { pass: true, reason: 'idle ok', missed: 0, shortfall: 0 };
    const b = { pass: false, reason: 'interactive: slow', missed: 2, shortfall: 0.5 };
    expect(combine([a, b])).toEqual({ pass: false, reason: 'interactive: slow', missed: 2, shortfall: 0.5 });
    expect(combine([a, a]).pass).toBe(true);
    const c = { pass: false, reason: 'near', missed: 2, shortfall: 0.1 };
    expect(closest([{ item: 'b', judgement: b }, { item: 'c', judgement: c }, { item: 'd', judgement: { ...c, missed: 3, shortfall: 0 } }])?.item).toBe('c');
  });
});

describe('exactCellPattern', () => {
  test('selects exactly the named cells, as Vitest matches -t (cell id + test title)', () => {
    const titles = ['runs to completion', 'decode speed ≥ 2 tok/s'];
    const pattern = new RegExp(exactCellPattern(['tiny Q4_K_M t1 c512 nice10', 'tiny Q8_0 t2 c1024 nice10'], titles));
    const picked = (id: string) => selectedByPattern(pattern, id, titles);
    expect(picked('tiny Q4_K_M t1 c512 nice10')).toBe(true);
    expect(picked('tiny Q8_0 t2 c1024 nice10')).toBe(true);
    expect(picked('tiny Q4_K_M t1 c512 nice10 poll0')).toBe(false);
    expect(picked('tiny Q4_K_M t1 c5120 nice10')).toBe(false);
    expect(picked('tiny Q8_0 t2 c512 nice10')).toBe(false);
    // Regex characters in ids and titles are literal.
    expect(new RegExp(exactCellPattern(['m Q4 t1 c512 nice10 cpu0-1'], ['p99/p50 < 2'])).test('m Q4 t1 c512 nice10 cpu0-1 p99/p50 < 2')).toBe(true);
    expect(new RegExp(exactCellPattern(['a.b'], ['x'])).test('aXb x')).toBe(false);
  });
});

describe('checkFlowArgs', () => {
  const config = configSchema.parse({ models: [{ name: 'tiny', builtin: 'tiny' }], matrix: { models: ['tiny'], quants: ['Q4_K_M'], threads: [1], ctx: [512] }, profiles: { batch: { enabled: false } } });
  const args = (over: Partial<Parameters<typeof checkFlowArgs>[0]>) => ({ dryRun: false, passthrough: [], ...over });
  const problem = (over: Partial<Parameters<typeof checkFlowArgs>[0]>) => {
    try {
      checkFlowArgs(args(over), config, 'c.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems[0]!;
    }
    throw new Error('expected a ConfigError');
  };

  test('accepts a known, enabled profile and the guided flow', () => {
    expect(checkFlowArgs(args({ tune: 'interactive' }), config, 'c.yaml')).toEqual({ kind: 'tune', profile: 'interactive' });
    expect(checkFlowArgs(args({ flow: 'guided' }), config, 'c.yaml')).toEqual({ kind: 'guided' });
  });

  test('bad input names the flag and what was expected', () => {
    expect(problem({ tune: 'interactiv' })).toEqual({ path: '--tune', source: 'command line', message: expect.stringMatching(/^got "interactiv", expected one of: idle, interactive, .*quality/) });
    expect(problem({ tune: 'interactiv' }).message).not.toMatch(/stress/);
    expect(problem({ tune: 'stress' }).message).toMatch(/stress soaks one cell/);
    expect(problem({ tune: 'batch' }).message).toBe('profile batch is disabled (profiles.batch.enabled: false)');
    expect(problem({ flow: 'fast' })).toEqual({ path: '--flow', source: 'command line', message: 'got "fast", expected one of: guided' });
    expect(problem({ flow: 'guided', tune: 'idle' }).message).toBe('expected either --tune or --flow, got both');
    expect(problem({ tune: 'idle', passthrough: ['-t', 'Q4'] }).message).toMatch(/expected no Vitest options, got -t Q4/);
    expect(problem({ tune: 'idle', profiles: ['idle'] }).path).toBe('--profile');
    expect(problem({ flow: 'guided', dryRun: true }).path).toBe('--dry-run');
  });

  test('every problem is reported at once', () => {
    try {
      checkFlowArgs(args({ tune: 'interactiv', profiles: ['idle'], dryRun: true, passthrough: ['-t', 'x'] }), config, 'c.yaml');
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.path)).toEqual(['--profile', '--dry-run', '--tune', '--tune']);
    }
  });
});
