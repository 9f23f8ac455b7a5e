import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { panesOf, parseModels, parseTemps, type ComparisonData } from '../../harness/compare/model.ts';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { compareHtml } from '../../harness/report/html/compare.ts';

describe('compare command line', () => {
  test('models with and without quantization; bad items named', () => {
    expect(parseModels('tiny:Q4_K_M, small')).toEqual({ models: [{ model: 'tiny', quant: 'Q4_K_M' }, { model: 'small', quant: null }], problems: [] });
    expect(parseModels('tiny:q4,a:b:c,,x y').problems).toHaveLength(4);
    expect(parseTemps('0,0.7').temps).toEqual([0, 0.7]);
    expect(parseTemps('0,,3,-1,abc').problems).toHaveLength(4);
  });
  test('panes are models × temperatures in order; aliases name them one each', () => {
    const models = [{ model: 'a', quant: null }, { model: 'b', quant: 'Q8_0' }];
    expect(panesOf(models, [0, 0.7], null).panes.map((p) => p.alias)).toEqual(['a T0', 'a T0.7', 'b Q8_0 T0', 'b Q8_0 T0.7']);
    expect(panesOf(models, [0], ['Base', 'Creative']).panes.map((p) => p.alias)).toEqual(['Base', 'Creative']);
    expect(panesOf(models, [0], ['Base']).problems[0]).toContain('1 alias(es) for 2 pane(s)');
    expect(panesOf(models, [0], ['X', 'X']).problems).toEqual(['expected each alias once']);
  });
});

test('the comparison page escapes model output and aliases', () => {
  const hostile = '<img src=x onerror=alert(1)></pre><script>x()</script>';
  const d: ComparisonData = {
    createdAt: 'now',
    preset: 'none',
    cells: {},
    panes: [{ alias: '<b>A</b>', model: 'm', quant: 'Q4_K_M', temperature: 0, cellId: 'm Q4_K_M', error: null }],
    prompts: [{ id: 'p', text: hostile, graded: true }],
    answers: [[{ text: hostile, ok: true, error: null, promptTokens: 5, completionTokens: 3, decodeTps: 10, score: 0, expected: '<i>1</i>' }]],
  };
  const html = compareHtml(d);
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<img');
  expect(html).not.toContain('<b>A</b>');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;/pre&gt;');
  expect(html).toContain('grade <b>0.00</b> (expected &lt;i&gt;1&lt;/i&gt;)');
});

describe('middleware presets in a config file', () => {
  const write = (yaml: string) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mw-')), 'c.yaml');
    writeFileSync(file, yaml);
    return file;
  };
  const base = (extra: string) => `models:\n  - name: tiny\n    builtin: tiny\nmatrix:\n  models: [tiny]\n  quants: [Q4_K_M]\n  threads: [1]\n  ctx: [1024]\n${extra}`;
  test('an unknown preset, or a missing system prompt file, is bad input at its YAML path', () => {
    const file = write(`${base('  middleware: [none, consise, mine]\n')}middleware:\n  presets:\n    mine: { system: no-such-prompt }\n`);
    let error: unknown;
    try {
      loadConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.find((p) => p.path === 'matrix.middleware[1]')).toMatchObject({ line: 9 });
    expect(problems.find((p) => p.path === 'matrix.middleware[1]')!.message).toContain('did you mean concise?');
    expect(problems.find((p) => p.path === 'middleware.presets.mine.system')!.message).toContain('no-such-prompt.md');
  });
  test('the built-in presets load', () => {
    expect(loadConfig(write(base('  middleware: [none, concise, with-context]\n'))).config.matrix.middleware).toEqual(['none', 'concise', 'with-context']);
  });
});
