import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../harness/config/load.ts';
import { expandMatrix } from '../../harness/matrix/cells.ts';
import { canonicalJson, decideResume, keyParts, notRunCells, resumeStamp, resumeStampOf, selectedByPattern, type KeyParts } from '../../harness/matrix/checkpoint.ts';
import type { CellMeasurement, Verdict } from '../../harness/measurement/schema.ts';
import type { Plan, PlannedCell } from '../../harness/plan.ts';
import { resumeOverview, resumeRunDir, storedOutcome } from '../../harness/profiles/resume.ts';
import { reportHtml } from '../../harness/report/html.ts';
import { scoreboardCsv } from '../../harness/report/csv.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { runReport } from './report-fixtures.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-checkpoint-'));
const configFile = path.join(dir, 'bench.config.yaml');
writeFileSync(
  configFile,
  `models:
  - name: tiny
    builtin: tiny
matrix:
  models: [tiny]
  quants: [Q4_K_M]
  threads: [1]
  ctx: [512, 1024]
`,
);

function makePlan(): Plan {
  const loaded = loadConfig(configFile);
  const cells: PlannedCell[] = expandMatrix(loaded.config).map((cell) => ({ cell, model: { path: '/m/tiny-Q4_K_M.gguf', sha256: 'a'.repeat(64), bytes: 1 } }));
  return {
    runId: 'run-1',
    runDir: path.join(dir, 'results', 'run-1'),
    configFile,
    configHash: loaded.hash,
    createdAt: '2026-01-01T00:00:00.000Z',
    host: { cpu: 'x', cores: 2, physicalCores: 2, memoryGb: 4, os: 'Linux', kernel: '6', arch: 'x64', node: 'v20' } as Plan['host'],
    llama: { serverPath: '/bin/llama-server', quantizePath: '/bin/llama-quantize', source: 'cache', version: '6000', commit: 'abc1234' },
    config: loaded.config,
    budgets: loaded.budgets,
    cells,
  };
}

const base: KeyParts = {
  cell: { id: 'tiny Q4_K_M t1 c512 nice10', slug: 'tiny_Q4_K_M_t1_c512_nice10', model: 'tiny', quant: 'Q4_K_M', threads: 1, ctx: 512, priority: 'nice10' },
  profile: 'idle',
  settings: { enabled: true, settle_s: 0.5, duration_s: 2 },
  budgets: [{ metric: 'cpu_mean_pct', op: '<=', limit: 2 }],
  conditions: { llama: { parallel: 1, extra_args: [] }, sampler: { interval_ms: 100 } },
  modelSha256: 'a'.repeat(64),
  llama: { version: '6000', commit: 'abc1234' },
};

describe('resume key', () => {
  test('is stable: the same parts give the same key, whatever the order of object fields', () => {
    const reordered: KeyParts = {
      llama: { commit: 'abc1234', version: '6000' },
      modelSha256: 'a'.repeat(64),
      conditions: { sampler: { interval_ms: 100 }, llama: { extra_args: [], parallel: 1 } },
      budgets: [{ limit: 2, op: '<=', metric: 'cpu_mean_pct' }],
      settings: { duration_s: 2, settle_s: 0.5, enabled: true },
      profile: 'idle',
      cell: { priority: 'nice10', ctx: 512, threads: 1, quant: 'Q4_K_M', model: 'tiny', slug: 'tiny_Q4_K_M_t1_c512_nice10', id: 'tiny Q4_K_M t1 c512 nice10' },
    };
    expect(resumeStampOf(reordered).key).toBe(resumeStampOf(base).key);
    expect(resumeStampOf(base).key).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  const changes: [string, (p: KeyParts) => KeyParts][] = [
    ['a cell axis', (p) => ({ ...p, cell: { ...(p.cell as object), ctx: 1024 } })],
    ['a matrix axis the cell did not have before', (p) => ({ ...p, cell: { ...(p.cell as object), poll: 0 } })],
    ['the profile', (p) => ({ ...p, profile: 'interactive' })],
    ['a profile setting', (p) => ({ ...p, settings: { enabled: true, settle_s: 0.5, duration_s: 3 } })],
    ['a budget', (p) => ({ ...p, budgets: [{ metric: 'cpu_mean_pct', op: '<=', limit: 3 }] })],
    ['a server flag', (p) => ({ ...p, conditions: { llama: { parallel: 2, extra_args: [] }, sampler: { interval_ms: 100 } } })],
    ['the model file SHA-256', (p) => ({ ...p, modelSha256: 'b'.repeat(64) })],
    ['the llama.cpp commit', (p) => ({ ...p, llama: { version: '6000', commit: 'def5678' } })],
    ['the llama.cpp version', (p) => ({ ...p, llama: { version: '6001', commit: 'abc1234' } })],
  ];
  test.each(changes)('changes with %s', (_what, change) => {
    expect(resumeStampOf(change(base)).key).not.toBe(resumeStampOf(base).key);
  });

  test('only the model or the build change leaves the config part of the key alone', () => {
    expect(resumeStampOf({ ...base, modelSha256: 'b'.repeat(64) }).configKey).toBe(resumeStampOf(base).configKey);
    expect(resumeStampOf({ ...base, cell: { ...(base.cell as object), threads: 2 } }).configKey).not.toBe(resumeStampOf(base).configKey);
  });

  test('from a plan: per cell and profile; where llama-server lives is not part of it, its build is', () => {
    const plan = makePlan();
    const [a, b] = plan.cells;
    expect(resumeStamp(plan, a!, 'idle').key).not.toBe(resumeStamp(plan, b!, 'idle').key);
    expect(resumeStamp(plan, a!, 'idle').key).not.toBe(resumeStamp(plan, a!, 'interactive').key);
    const moved = { ...plan, config: { ...plan.config, llama: { ...plan.config.llama, server_path: '/elsewhere/llama-server' } } };
    expect(resumeStamp(moved, a!, 'idle').key).toBe(resumeStamp(plan, a!, 'idle').key);
    const rebuilt = { ...plan, llama: { ...plan.llama, commit: 'fff0000' } };
    expect(resumeStamp(rebuilt, a!, 'idle').key).not.toBe(resumeStamp(plan, a!, 'idle').key);
    expect(keyParts(plan, a!, 'idle').settings).toEqual(plan.config.profiles.idle);
  });
});

function measurement(state: 'completed' | 'errored', extra: Record<string, unknown> = {}): CellMeasurement {
  return {
    profile: 'idle',
    cell: base.cell as CellMeasurement['cell'],
    state,
    ...(state === 'errored' ? { error: 'llama-server exited with code 1\nmore' } : {}),
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    modelPath: '/m/tiny.gguf',
    serverPort: 1234,
    metrics: { cpu_mean_pct: { value: 1, unit: '% of machine', status: 'ok' } },
    files: { summary: 'x/idle/summary.json' },
    ...extra,
  };
}
const verdict: Verdict = { metric: 'cpu_mean_pct', label: 'idle CPU mean', source: '<= 2', op: '<=', limit: 2, unit: '% of machine', value: 1, status: 'pass', margin: 1, used: 0.5 };

describe('resume decision', () => {
  const current = resumeStampOf(base);

  test('a completed measurement under the same key is reused as stored, fields this version does not know included', () => {
    const stored = { resume: current, measurement: measurement('completed', { futureField: 7 }), verdicts: [verdict] };
    const d = decideResume(stored, current);
    expect(d.action).toBe('reuse');
    if (d.action !== 'reuse') return;
    expect(d.measurement).toBe(stored.measurement);
    expect((d.measurement as unknown as { futureField: number }).futureField).toBe(7);
    expect(d.verdicts).toEqual([verdict]);
  });

  test('no summary, an unreadable one, an old one without a key: measured', () => {
    expect(decideResume(null, current)).toEqual({ action: 'measure', reason: 'not measured yet' });
    expect(decideResume(new Error('Unexpected end of JSON input'), current)).toEqual({ action: 'measure', reason: 'summary.json unreadable (Unexpected end of JSON input)' });
    expect(decideResume({ measurement: measurement('completed'), verdicts: [verdict] }, current)).toMatchObject({ action: 'measure', reason: expect.stringMatching(/no resume key/) });
    expect(decideResume({ resume: current, verdicts: [] }, current)).toMatchObject({ action: 'measure', reason: expect.stringMatching(/does not match the current format \(measurement\)/) });
  });

  test('an errored measurement is measured again, with its error as the reason', () => {
    const d = decideResume({ resume: current, measurement: measurement('errored'), verdicts: [] }, current);
    expect(d).toEqual({ action: 'measure', reason: 'it errored last time: llama-server exited with code 1' });
  });

  test('a different key is measured again, saying what differs', () => {
    const otherModel = resumeStampOf({ ...base, modelSha256: 'b'.repeat(64) });
    const stored = { resume: otherModel, measurement: measurement('completed'), verdicts: [verdict] };
    expect(decideResume(stored, current)).toEqual({ action: 'measure', reason: `measured under other conditions: model file sha256 ${'b'.repeat(12)} → ${'a'.repeat(12)}` });
    const otherBuild = resumeStampOf({ ...base, llama: { version: '5999', commit: '0000000' } });
    expect(decideResume({ ...stored, resume: otherBuild }, current)).toMatchObject({ reason: 'measured under other conditions: llama.cpp 5999 (0000000) → 6000 (abc1234)' });
    const otherSettings = resumeStampOf({ ...base, settings: { duration_s: 10 } });
    expect(decideResume({ ...stored, resume: otherSettings }, current)).toMatchObject({ reason: 'measured under other conditions: profile settings changed' });
    const otherCellAndBudget = resumeStampOf({ ...base, cell: { ...(base.cell as object), poll: 0 }, budgets: [] });
    expect(decideResume({ ...stored, resume: otherCellAndBudget }, current)).toMatchObject({ reason: 'measured under other conditions: cell, budgets changed' });
    const { parts: _parts, ...withoutParts } = otherSettings;
    expect(decideResume({ ...stored, resume: withoutParts }, current)).toMatchObject({ reason: expect.stringMatching(/the cell, profile settings, budgets or/) });
  });
});

describe('not-run cells', () => {
  test('planned cells × profiles without a result, in a stable order, minus what a filter leaves out', () => {
    const cells = ['b c1024', 'a c512'];
    const done = [{ profile: 'idle', cellId: 'a c512' }];
    expect(notRunCells(cells, ['interactive', 'idle'], done)).toEqual([
      { cell: 'b c1024', profile: 'idle' },
      { cell: 'a c512', profile: 'interactive' },
      { cell: 'b c1024', profile: 'interactive' },
    ]);
    expect(notRunCells(cells, ['idle'], done, (_p, id) => id.includes('c512'))).toEqual([]);
    expect(notRunCells(cells, [], done)).toEqual([]);
  });

  test('a -t pattern keeps the cells whose describe title plus a test title match, as Vitest does', () => {
    const titles = ['runs to completion', 'idle CPU mean ≤ 2 % of machine'];
    expect(selectedByPattern(undefined, 'tiny Q4_K_M t1 c512 nice10', titles)).toBe(true);
    expect(selectedByPattern(/Q4_K_M/, 'tiny Q4_K_M t1 c512 nice10', titles)).toBe(true);
    expect(selectedByPattern(/^tiny/, 'tiny Q4_K_M t1 c512 nice10', titles)).toBe(true);
    expect(selectedByPattern(/Q8_0/, 'tiny Q4_K_M t1 c512 nice10', titles)).toBe(false);
    expect(selectedByPattern(/c512 nice10 idle CPU/, 'tiny Q4_K_M t1 c512 nice10', titles)).toBe(true);
    expect(selectedByPattern(/Q4_K_M/, 'tiny Q4_K_M t1 c512 nice10', [])).toBe(false);
  });
});

describe('stored outcome (files on disk)', () => {
  test('reuses a completed summary with the current key, measures the other cell, and counts them', () => {
    const plan = makePlan();
    const [a, b] = plan.cells;
    const summary = (p: PlannedCell) => path.join(plan.runDir, p.cell.slug, 'idle', 'summary.json');
    mkdirSync(path.dirname(summary(a!)), { recursive: true });
    const stored = { resume: resumeStamp(plan, a!, 'idle'), measurement: measurement('completed', { cell: a!.cell }), verdicts: [verdict] };
    writeFileSync(summary(a!), JSON.stringify(stored));
    expect(storedOutcome(plan, a!, 'idle')).toEqual({ measurement: stored.measurement, verdicts: [verdict] });
    expect(storedOutcome(plan, b!, 'idle')).toBeNull();
    expect(storedOutcome(plan, a!, 'interactive')).toBeNull();
    expect(resumeOverview(plan, 'idle')).toMatchObject({ reused: 1, total: 2, line: 'resume run-1 · idle: 1 of 2 cell(s) reused; to measure: 1 not measured yet' });
    // The same files under another llama.cpp build: nothing is reused.
    const rebuilt = { ...plan, llama: { ...plan.llama, commit: 'fff0000' } };
    expect(storedOutcome(rebuilt, a!, 'idle')).toBeNull();
    expect(resumeOverview(rebuilt, 'idle').reused).toBe(0);
  });

  test('an unknown run id, or one that is a path, is refused with what was looked for', () => {
    const out = path.join(dir, 'results');
    mkdirSync(path.join(out, 'run-1'), { recursive: true });
    writeFileSync(path.join(out, 'run-1', 'plan.json'), '{}');
    expect(resumeRunDir(out, 'run-1')).toBe(path.join(out, 'run-1'));
    expect(() => resumeRunDir(out, 'run-2')).toThrow(/no run run-2 to resume: .*run-2\/plan\.json does not exist/);
    expect(() => resumeRunDir(out, '../run-1')).toThrow(/expected a run id/);
    expect(() => resumeRunDir(out, '')).toThrow(/expected a run id/);
  });
});

describe('an interrupted report', () => {
  const report: RunReport = runReport([], {
    partial: true,
    interrupted: true,
    endReason: 'interrupted by SIGINT',
    notRun: [{ cell: 'tiny Q4_K_M t1 c1024 <b>', profile: 'idle' }],
    host: { cpu: 'x', cores: 2 },
    llama: { version: '6000', commit: 'abc1234', serverPath: '/x', source: 'cache' },
    config: { file: 'c.yaml', hash: 'a'.repeat(64) },
  });


  test('the HTML header says so and lists the cells not run (escaped)', () => {
    const html = reportHtml(report);
    expect(html).toContain('<b>This run was interrupted</b> (interrupted by SIGINT): 1 cell × profile result(s) not run:');
    expect(html).toContain('<li>tiny Q4_K_M t1 c1024 &lt;b&gt; <small>(idle)</small></li>');
    expect(html).toContain('npm run bench -- --resume 20260101-000000-abcdef');
    expect(reportHtml({ ...report, partial: false, interrupted: false, notRun: [] })).not.toContain('This run was interrupted');
  });

  test('the CSV has a not-run row per missing cell × profile', () => {
    const lines = scoreboardCsv(report).trim().split('\n');
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    expect(lines).toHaveLength(2);
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('cell')]).toBe('tiny Q4_K_M t1 c1024 <b>');
    expect(row[header.indexOf('cell_state')]).toBe('not-run');
    expect(row[header.indexOf('reason')]).toBe('not run: the run was interrupted');
  });
});
