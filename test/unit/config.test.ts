import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { configPathFromEnv, loadConfig } from '../../harness/config/load.ts';
import { ConfigError } from '../../harness/config/errors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-config-'));
const VALID = `models:
  - name: tiny
    builtin: tiny
matrix:
  models: [tiny]
  quants: [Q4_K_M]
  threads: [2]
  ctx: [1024]
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problems(text: string): ConfigError {
  try {
    loadConfig(write(`c${Math.random()}.yaml`, text));
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('fills defaults and resolves budgets', () => {
    const c = loadConfig(write('ok.yaml', VALID));
    expect(c.config.sampler.interval_ms).toBe(100);
    expect(c.config.matrix.priority).toEqual(['nice10']);
    expect(c.config.profiles.idle.duration_s).toBe(10);
    expect(c.budgets.interactive.map((b) => `${b.metric} ${b.source}`)).toContain('latency_s p(95) <= 2.5');
    expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  test('the shipped bench.config.yaml is valid', () => {
    expect(() => loadConfig(path.resolve('bench.config.yaml'))).not.toThrow();
  });
  test('a budget can be overridden or turned off', () => {
    const c = loadConfig(write('b.yaml', `${VALID}profiles:\n  interactive:\n    budgets:\n      latency_s: "p(90) <= 0.001"\n      ttft_s: "off"\n`));
    const metrics = c.budgets.interactive.map((b) => `${b.metric} ${b.source}`);
    // A metric's list replaces its defaults: the p(95) default is gone, the p(90) is the one budget on latency_s.
    expect(metrics.filter((m) => m.startsWith('latency_s'))).toEqual(['latency_s p(90) <= 0.001']);
    expect(metrics.some((m) => m.startsWith('ttft_s'))).toBe(false);
    expect(c.warnings).toEqual([]);
  });
  test('one metric, several aggregations: a list of expressions, each its own budget', () => {
    const c = loadConfig(write('l.yaml', `${VALID}profiles:\n  interactive:\n    budgets:\n      ttft_s: ["p(50) <= 1", "p(99) <= 4", "max <= 10"]\n`));
    const ttft = c.budgets.interactive.filter((b) => b.metric === 'ttft_s');
    expect(ttft.map((b) => [b.aggregation, b.op, b.limit])).toEqual([
      [{ kind: 'p', q: 50 }, '<=', 1],
      [{ kind: 'p', q: 99 }, '<=', 4],
      [{ kind: 'max' }, '<=', 10],
    ]);
  });
  test('an older metric name still works as its aggregation, with a warning naming the new form', () => {
    const c = loadConfig(write('o.yaml', `${VALID}profiles:\n  interactive:\n    budgets:\n      latency_p95_s: "<= 0.001"\n      cpu_p99_pct: "off"\n`));
    const metrics = c.budgets.interactive.map((b) => `${b.metric} ${b.source}`);
    expect(metrics).toContain('latency_s p(95) <= 0.001');
    expect(metrics.some((m) => m.startsWith('cpu_pct p(99)'))).toBe(false);
    expect(metrics).toContain('cpu_pct mean <= 35');
    expect(c.warnings.map((w) => w.message)).toEqual(['latency_p95_s is an older name for latency_s at p(95): it still works; the new form is latency_s: "p(95) <= 0.001"']);
  });
  test('an older name written before its new metric keeps its budget: the new metric\'s list replaces only the defaults', () => {
    const c = loadConfig(write('m.yaml', `${VALID}profiles:\n  interactive:\n    budgets:\n      cpu_mean_pct: "<= 30"\n      cpu_pct: "p(99) <= 60"\n`));
    const cpu = c.budgets.interactive.filter((b) => b.metric === 'cpu_pct').map((b) => b.source);
    expect(cpu.sort()).toEqual(['mean <= 30', 'p(99) <= 60']);
  });
  test('an aggregation that does not fit the metric is exit 2 at its list position', () => {
    const e = problems(`${VALID}profiles:\n  interactive:\n    budgets:\n      ttft_s: ["p(95) <= 3", "<= 3"]\n      rss_peak_mb: "p(95) <= 900"\n`);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/profiles\.interactive\.budgets\.ttft_s\[1\] \(line \d+\): got "<= 3": ttft_s is measured per sample; expected its aggregation first/);
    expect(e.message).toMatch(/profiles\.interactive\.budgets\.rss_peak_mb \(line \d+\): got "p\(95\) <= 900": rss_peak_mb is a single figure, so it has no p\(95\)/);
  });

  // The five malformed configs of the acceptance list: each names the YAML path and what was expected.
  test('unknown key', () => {
    const e = problems(VALID.replace('threads: [2]', 'threads: [2]\n  treads: [1]'));
    expect(e.exitCode).toBe(2);
    // At the key itself, with the spelling it was probably meant to have.
    expect(e.message).toMatch(/matrix\.treads \(line 8\): unknown key "treads" \(did you mean threads\?\); expected one of: models, quants, threads, ctx, priority/);
  });
  test('wrong type', () => {
    const e = problems(VALID.replace('ctx: [1024]', 'ctx: big'));
    expect(e.message).toMatch(/matrix\.ctx \(line 8\): got "big", expected array/);
  });
  test('negative threads', () => {
    const e = problems(VALID.replace('threads: [2]', 'threads: [-2]'));
    expect(e.message).toMatch(/matrix\.threads\[0\] \(line 7\): got -2, expected ≥ 1/);
  });
  test('missing model file', () => {
    const e = problems(VALID.replace('builtin: tiny', 'path: ./nope.gguf\n    quant: Q4_K_M'));
    expect(e.message).toMatch(/models\[0\]\.path \(line 3\): model file not found: .*nope\.gguf/);
  });
  test('empty matrix axis', () => {
    const e = problems(VALID.replace('quants: [Q4_K_M]', 'quants: []'));
    expect(e.message).toMatch(/matrix\.quants \(line 6\): got \[\], expected at least 1 item/);
  });

  test('several problems are reported together', () => {
    const e = problems(VALID.replace('threads: [2]', 'threads: [0]').replace('ctx: [1024]', 'ctx: [1024]\n  extra: 1'));
    expect(e.problems).toHaveLength(2);
  });
  test('unknown budget metric, undefined model, bad priority, YAML syntax', () => {
    expect(problems(`${VALID}profiles:\n  idle:\n    budgets:\n      gpu_pct: "< 1"\n`).message).toMatch(/profiles\.idle\.budgets\.gpu_pct .*unknown metric "gpu_pct"/);
    expect(problems(VALID.replace('models: [tiny]', 'models: [huge]')).message).toMatch(/matrix\.models\[0\].*"huge", expected a model name defined under models: tiny/);
    expect(problems(`${VALID}  priority: [urgent]\n`).message).toMatch(/matrix\.priority\[0\].*got "urgent", expected one of: normal, nice10, nice19/);
    expect(problems('models: [\n').message).toMatch(/YAML syntax/);
    expect(problems(VALID.replace('builtin: tiny', 'builtin: tiny\n    path: /x.gguf')).message).toMatch(/models\[0\].*exactly one of builtin, path or files/);
  });
  test('config path: --config beats BENCH_CONFIG beats the default', () => {
    expect(configPathFromEnv('a.yaml', { BENCH_CONFIG: 'b.yaml' }, '/r')).toBe('/r/a.yaml');
    expect(configPathFromEnv(undefined, { BENCH_CONFIG: 'b.yaml' }, '/r')).toBe('/r/b.yaml');
    expect(configPathFromEnv(undefined, {}, '/r')).toBe('/r/bench.config.yaml');
  });
});
