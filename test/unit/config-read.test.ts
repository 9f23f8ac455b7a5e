// The pieces the bad-input checks are made of: reading the file, YAML positions, "did you mean", CPU lists, run ids,
// budget ranges by unit, the strict command-line parser.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../harness/cli/args.ts';
import { checkBudgetLimit } from '../../harness/config/budget-ranges.ts';
import { show } from '../../harness/config/describe.ts';
import { isSafeRevision } from '../../harness/limits.ts';
import { formatCpuList, parseCpuList } from '../../harness/config/machine.ts';
import { MAX_CONFIG_BYTES, parseConfigYaml, readConfigText } from '../../harness/config/read.ts';
import { closest, editDistance } from '../../harness/config/suggest.ts';
import { isRunId } from '../../harness/run-id.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'config-read-'));
const file = (name: string, content: string | Uint8Array) => {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
};
const problemOf = (f: string) => {
  const r = readConfigText(f);
  if (!('problem' in r)) throw new Error('expected a problem');
  return r.problem;
};

describe('readConfigText', () => {
  test('UTF-8 with or without a byte order mark', () => {
    expect(readConfigText(file('plain.yaml', 'a: é\n'))).toEqual({ text: 'a: é\n' });
    expect(readConfigText(file('bom.yaml', Buffer.from('\uFEFFa: 1\n')))).toEqual({ text: 'a: 1\n' });
  });
  test('UTF-32 is named as UTF-32, not UTF-16', () => {
    expect(problemOf(file('u32.yaml', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]))).message).toMatch(/^is UTF-32 LE text/);
  });
  test('the first invalid byte is found, with its line, also in a 3-byte sequence cut short', () => {
    const bad = Buffer.concat([Buffer.from('a: 1\nb: ok\nc: '), Buffer.from([0xe2, 0x82]), Buffer.from('x\n')]);
    expect(problemOf(file('cut.yaml', bad))).toMatchObject({ line: 3, message: expect.stringMatching(/byte 0xE2 at column 4/) });
    expect(problemOf(file('ff.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]))).message).toMatch(/byte 0xFF at column 4/);
  });
  test('a file too large to be a config', () => {
    expect(problemOf(file('big.yaml', Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x61))).message).toMatch(/expected a YAML config of at most/);
  });
});

describe('parseConfigYaml', () => {
  test('an alias bomb stops at the alias limit, fast', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(',')}]`);
    const bomb = `l0: &l0 [lol]\n${levels.join('\n')}\n`;
    const started = performance.now();
    const r = parseConfigYaml(bomb);
    expect(performance.now() - started).toBeLessThan(5000);
    expect('problems' in r && r.problems[0]!.message).toMatch(/alias bomb/);
  });
  test('a few aliases are fine', () => {
    const r = parseConfigYaml('a: &x [1, 2]\nb: *x\n');
    expect('data' in r && r.data).toEqual({ a: [1, 2], b: [1, 2] });
  });
});

describe('small helpers', () => {
  test('show keeps YAML spellings of non-finite numbers', () => {
    expect([show(Number.NaN), show(Infinity), show(-Infinity), show([1, Infinity])]).toEqual(['.nan', '.inf', '-.inf', '[1,".inf"]']);
  });
  test('closest: separators do not count, far candidates are not suggested', () => {
    expect(closest('--dryrun', ['--dry-run', '--config'])).toBe('--dry-run');
    expect(closest('threds', ['threads', 'ctx'])).toBe('threads');
    expect(closest('zzz', ['threads', 'ctx'])).toBeNull();
    expect(editDistance('ab', 'ba')).toBe(1);
  });
  test('CPU lists', () => {
    expect(parseCpuList('0-2,5,1')).toEqual([0, 1, 2, 5]);
    for (const bad of ['', '0-', '-1', '1-0', 'a', '0,,1', '0-1-2']) expect(typeof parseCpuList(bad), bad).toBe('string');
    expect(formatCpuList([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
  });
  test('run ids: no separators, no dot or dash first', () => {
    for (const ok of ['20260101-120000-abcdef', 'my-run_1.2']) expect(isRunId(ok), ok).toBe(true);
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', '-rf', '.hidden', 'x'.repeat(101), 'a b']) expect(isRunId(bad), bad).toBe(false);
  });
  test('hub revisions', () => {
    for (const ok of ['main', 'v1.0', 'refs/pr/1', 'a'.repeat(40), 'release-2025_01']) expect(isSafeRevision(ok), ok).toBe(true);
    for (const bad of ['', '..', '../main', 'a//b', 'a/.b', 'main.lock', 'main/', 'main.', '-x', 'ma in', 'main@{1}', '%2e%2e']) expect(isSafeRevision(bad), bad).toBe(false);
  });
  test('budget limits by unit', () => {
    expect(checkBudgetLimit('<=', 35, '% of machine')).toEqual({});
    expect(checkBudgetLimit('<=', 101, '% of machine').error).toMatch(/out of range/);
    expect(checkBudgetLimit('>=', 0.8, 'score')).toEqual({});
    expect(checkBudgetLimit('>=', -0.1, 'score').error).toMatch(/out of range/);
    expect(checkBudgetLimit('>', 1, 'score').error).toMatch(/never be met/);
    expect(checkBudgetLimit('>=', 0, 'tok/s').warning).toMatch(/always met/);
    expect(checkBudgetLimit('<=', 0, 'MB')).toEqual({});
    expect(checkBudgetLimit('<=', -50, 'MB/h')).toEqual({});
    expect(checkBudgetLimit('<=', Infinity, 's').error).toMatch(/finite/);
  });
});

describe('parseCommandLine', () => {
  const specs = { config: { type: 'string' as const, value: 'FILE' }, list: { type: 'boolean' as const } };
  test('collects every problem instead of stopping at the first', () => {
    const r = parseCommandLine(['--lst', '--cofig=x', 'extra', '--config'], specs);
    expect(r.problems.map((p) => p.path)).toEqual(['--lst', '--cofig', '--config', 'extra']);
    expect(r.problems[1]!.message).toMatch(/did you mean --config x\?/);
    expect(r.problems.every((p) => p.source === 'command line')).toBe(true);
  });
  test('a value that starts with "-" needs the = form', () => {
    expect(parseCommandLine(['--config=-odd.yaml'], specs).values.config).toBe('-odd.yaml');
    expect(parseCommandLine(['--config', '-odd.yaml'], specs).problems[0]!.message).toMatch(/write --config=-odd\.yaml/);
  });
  test('positionals up to the allowed count', () => {
    const r = parseCommandLine(['a', 'b'], specs, { positionals: { max: 1, what: 'run id' } });
    expect(r.positionals).toEqual(['a']);
    expect(r.problems[0]).toMatchObject({ path: 'b', message: 'unexpected argument (expected at most 1 run id)' });
  });
});
