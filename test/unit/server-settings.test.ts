// Server logs per stream, the stop grace bound, output formats and logs, logging, and the default threads and
// context size: each from the config (exit 2 with the YAML path on bad values) to what it does.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { autoThreads } from '../../harness/config/machine.ts';
import { expandMatrix } from '../../harness/matrix/cells.ts';
import { describeLog, logPaths, readServerLog, separateLogs, serverLogTail } from '../../harness/llama/server-log.ts';
import { makeLogger, shown } from '../../harness/logging.ts';
import { writeRunReport } from '../../harness/report/write.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { baseReport } from '../fixtures/hostile-report.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-server-settings-'));
const machine = { cpus: [0, 1, 2, 3], cores: 4 };

function config(extra: string, matrix = '  threads: [1]\n  ctx: [512]\n'): string {
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `models:\n  - name: tiny\n    builtin: tiny\nmatrix:\n  models: [tiny]\n  quants: [Q4_K_M]\n${matrix}${extra}`);
  return file;
}
function problems(extra: string, matrix?: string): string {
  try {
    loadConfig(config(extra, matrix), { machine });
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return 'no error';
}

describe('server logs per stream', () => {
  test('server.log becomes server.stdout.log and server.stderr.log; one path stays one combined file', () => {
    expect(separateLogs('/r/cell/idle/server.log')).toEqual({ stdout: '/r/cell/idle/server.stdout.log', stderr: '/r/cell/idle/server.stderr.log' });
    expect(separateLogs('/r/x')).toEqual({ stdout: '/r/x.stdout.log', stderr: '/r/x.stderr.log' });
    expect(logPaths('/r/server.log')).toEqual(['/r/server.log']);
    expect(describeLog(separateLogs('/r/server.log'))).toBe('/r/server.stderr.log and /r/server.stdout.log');
  });

  test('readers see both streams: the sleep lines wherever they were written, the tail of each under its name', () => {
    const files = separateLogs(path.join(dir, 'server.log'));
    expect(readServerLog(files)).toBe('');
    expect(serverLogTail(files)).toBe('(no log)');
    writeFileSync(files.stderr, 'srv  load_model: loading\nsrv  handle_sleep: entering sleeping state\n');
    writeFileSync(files.stdout, 'plain output\n');
    const text = readServerLog(files);
    expect(text.match(/entering sleeping state/g)).toHaveLength(1);
    expect(text).toContain('plain output');
    const tail = serverLogTail(files, 1);
    expect(tail).toMatch(/^\[stderr\]\nsrv {2}handle_sleep: entering sleeping state\n\n\[stdout\]\nplain output\n$/);
    // an empty stream gets no header
    writeFileSync(files.stdout, '');
    expect(serverLogTail(files)).not.toContain('[stdout]');
    // one combined file: the plain tail, as before
    const one = path.join(dir, 'combined.log');
    writeFileSync(one, 'a\nb\nc\n');
    expect(serverLogTail(one, 2)).toBe('b\nc\n');
    expect(serverLogTail(path.join(dir, 'missing.log'))).toBe('(no log)');
  });
});

describe('llama.stop_grace_s', () => {
  test('up to 30 s; more is exit 2 at its path; default 5', () => {
    expect(loadConfig(config(''), { machine }).config.llama.stop_grace_s).toBe(5);
    expect(loadConfig(config('llama:\n  stop_grace_s: 30\n'), { machine }).config.llama.stop_grace_s).toBe(30);
    expect(problems('llama:\n  stop_grace_s: 31\n')).toMatch(/llama\.stop_grace_s.*got 31, expected ≤ 30/);
    expect(problems('llama:\n  stop_grace_s: 0\n')).toMatch(/llama\.stop_grace_s/);
  });
});

describe('llama.default_threads and llama.default_ctx_size', () => {
  test('matrix.threads and ctx left out: the llama defaults, concrete in the loaded config and the cells', () => {
    const loaded = loadConfig(config('llama:\n  default_threads: 3\n  default_ctx_size: 4096\n', ''), { machine });
    expect(loaded.config.matrix.threads).toEqual([3]);
    expect(loaded.config.matrix.ctx).toEqual([4096]);
    expect(expandMatrix(loaded.config).map((c) => c.id)).toEqual(['tiny Q4_K_M t3 c4096 nice10']);
  });

  test('default_threads null: one per physical core of the machine; ctx defaults to 2048; listed axes win', () => {
    const loaded = loadConfig(config('', ''), { machine: { cpus: [0, 1], cores: 2 } });
    expect(loaded.config.llama.default_threads).toBeNull();
    expect(loaded.config.matrix.threads).toEqual([autoThreads({ cpus: [0, 1], cores: 2 })]);
    expect(loaded.config.matrix.ctx).toEqual([2048]);
    expect(loadConfig(config('llama:\n  default_threads: 3\n'), { machine }).config.matrix.threads).toEqual([1]);
  });

  test('autoThreads counts physical cores from sysfs topology (SMT siblings once), else the usable CPUs', () => {
    const sys = path.join(dir, 'sys');
    const core = (cpu: number, pkg: number, id: number) => {
      const t = path.join(sys, `devices/system/cpu/cpu${cpu}/topology`);
      mkdirSync(t, { recursive: true });
      writeFileSync(path.join(t, 'physical_package_id'), `${pkg}\n`);
      writeFileSync(path.join(t, 'core_id'), `${id}\n`);
    };
    // 2 packages × 2 cores × 2 threads
    [[0, 0, 0], [1, 0, 1], [2, 1, 0], [3, 1, 1], [4, 0, 0], [5, 0, 1], [6, 1, 0], [7, 1, 1]].forEach(([c, p, i]) => core(c!, p!, i!));
    expect(autoThreads({ cpus: [0, 1, 2, 3, 4, 5, 6, 7], cores: 8 }, sys)).toBe(4);
    expect(autoThreads({ cpus: [0, 4], cores: 2 }, sys)).toBe(1); // siblings of one core
    expect(autoThreads({ cpus: [0, 9], cores: 2 }, sys)).toBe(2); // cpu9 has no topology: the usable count
  });

  test('bad values: exit 2 naming the path', () => {
    expect(problems('llama:\n  default_threads: 0\n')).toMatch(/llama\.default_threads/);
    expect(problems('llama:\n  default_threads: 1.5\n')).toMatch(/llama\.default_threads/);
    expect(problems('llama:\n  default_ctx_size: 64\n')).toMatch(/llama\.default_ctx_size/);
    expect(problems('', '  threads: []\n  ctx: [512]\n')).toMatch(/matrix\.threads/);
  });
});

describe('output.formats and output.include_logs', () => {
  test('defaults: every format, logs kept; json is required, each format once', () => {
    const { output } = loadConfig(config(''), { machine }).config;
    expect(output).toEqual({ dir: 'results', formats: ['json', 'csv', 'html'], include_logs: true });
    expect(problems('output:\n  formats: [csv, html]\n')).toMatch(/output\.formats.*includes json.*--resume/);
    expect(problems('output:\n  formats: [json, pdf]\n')).toMatch(/output\.formats\[1\]/);
    expect(problems('output:\n  formats: [json, json]\n')).toMatch(/output\.formats\[1\].*twice/);
    expect(problems('output:\n  formats: []\n')).toMatch(/output\.formats/);
    expect(problems('output:\n  include_logs: 1\n')).toMatch(/output\.include_logs/);
  });

  test('writeRunReport writes the formats asked for; scoreboard.json always', () => {
    const report: RunReport = { ...baseReport(), runId: 'r1' };
    const run = (formats: string[]) => {
      const runDir = path.join(mkdtempSync(path.join(dir, 'out-')), 'r1');
      mkdirSync(runDir);
      return { written: writeRunReport(runDir, report, { html: true, formats }).map((f) => path.basename(f)), runDir };
    };
    const jsonOnly = run(['json']);
    expect(jsonOnly.written).toEqual(['scoreboard.json']);
    expect(existsSync(path.join(jsonOnly.runDir, 'scoreboard.csv'))).toBe(false);
    expect(existsSync(path.join(jsonOnly.runDir, 'scoreboard-summary.csv'))).toBe(false);
    expect(run(['json', 'html']).written).toEqual(['scoreboard.json', 'report.html']);
    // Both CSVs (the long one and the one-row-per-cell summary) come with csv.
    expect(run(['json', 'csv', 'html']).written).toEqual(['scoreboard.json', 'scoreboard.csv', 'report.html', 'scoreboard-summary.csv']);
  });
});

describe('logging', () => {
  test('level filters: error < warn < info < debug', () => {
    expect(shown('error', 'warn')).toBe(true);
    expect(shown('info', 'warn')).toBe(false);
    expect(shown('debug', 'info')).toBe(false);
    expect(shown('debug', 'debug')).toBe(true);
  });

  test('lines at or above the level reach stderr and, time-stamped, the file; an unwritable file never throws', () => {
    const file = path.join(dir, 'logs', 'harness.log');
    const out: string[] = [];
    const log = makeLogger({ level: 'warn', file }, '[cell · idle] ', (l) => out.push(l), () => new Date('2026-12-01T10:00:00.000Z'));
    log('info', 'server ready');
    log('warn', 'killed after the grace');
    log('error', 'aborted by guards.allow_swap false');
    expect(out).toEqual(['[cell · idle] killed after the grace\n', '[cell · idle] aborted by guards.allow_swap false\n']);
    expect(readFileSync(file, 'utf8')).toBe(
      '2026-12-01T10:00:00.000Z warn [cell · idle] killed after the grace\n2026-12-01T10:00:00.000Z error [cell · idle] aborted by guards.allow_swap false\n',
    );
    const bad: string[] = [];
    const broken = makeLogger({ level: 'info', file: path.join(file, 'under-a-file.log') }, '', (l) => bad.push(l));
    broken('info', 'one');
    broken('info', 'two');
    expect(bad.filter((l) => /cannot be written/.test(l))).toHaveLength(1);
    expect(bad.filter((l) => l === 'one\n' || l === 'two\n')).toHaveLength(2);
  });

  test('config: level and file (relative to the config file); bad values at their path', () => {
    const file = config('logging:\n  level: debug\n  file: logs/run.log\n');
    const { logging } = loadConfig(file, { machine }).config;
    expect(logging).toEqual({ level: 'debug', file: path.join(path.dirname(file), 'logs/run.log') });
    expect(loadConfig(config(''), { machine }).config.logging).toEqual({ level: 'info', file: null });
    expect(problems('logging:\n  level: verbose\n')).toMatch(/logging\.level/);
    expect(problems('logging:\n  file: ""\n')).toMatch(/logging\.file/);
  });
});
