// The bundle's manifest from a run (pure): which cell a use case picks, what it records, the budgets block a load
// test rebuilds from it, and the errors for a use case without a pick or an unknown cell.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildManifest, commandText } from '../../harness/deploy/export.ts';
import { budgetsBlock, configBudgets, parseManifest } from '../../harness/deploy/manifest.ts';
import { chooseCell, readRunFiles, useCaseId } from '../../harness/deploy/run-files.ts';
import { BUDGETS, fixtureRun, T1 } from './deploy-fixtures.ts';

const NOW = new Date('2026-12-01T13:00:00.000Z');

describe('choosing the cell', () => {
  test('always-on is the background use case, and its pick is the cell that met every budget', () => {
    expect(useCaseId('always-on')).toBe('background');
    const chosen = chooseCell(fixtureRun(), 'always-on', null);
    expect(chosen).toMatchObject({ cellId: T1.id, useCase: 'background', selection: 'recommended' });
    expect(chosen.reports.map((r) => r.profile).sort()).toEqual(['idle', 'interactive']);
  });
  test('a use case with no pick says why and how to take a cell anyway', () => {
    const run = fixtureRun({ t1CpuMean: 45 });
    expect(() => chooseCell(run, 'always-on', null)).toThrow(/recommends no cell for "always-on": none-passed: .*ruled out: tiny Q4_K_M t1: .*To take a cell anyway: --cell/);
  });
  test('--cell takes any measured cell, even one that missed a budget; an unknown one lists the cells', () => {
    expect(chooseCell(fixtureRun(), 'always-on', 'tiny Q4_K_M t2')).toMatchObject({ cellId: 'tiny Q4_K_M t2', selection: 'chosen', useCase: null });
    expect(() => chooseCell(fixtureRun(), 'always-on', 'tiny Q8_0 t1')).toThrow(/has no cell "tiny Q8_0 t1"; its cells: "tiny Q4_K_M t1", "tiny Q4_K_M t2"/);
  });
});

describe('the manifest', () => {
  test('a plan whose host carries the GPU facts (an object) is read; the manifest keeps the host figures and names only', () => {
    // plan.json has had host.gpu since the report shows GPU facts; export refused such a run ("host.gpu: Invalid input").
    const run = fixtureRun();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-files-gpu-'));
    const gpu = { status: 'skipped', reason: 'no GPU (no PCI display controller under /sys/bus/pci/devices)' };
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ ...run.plan, host: { ...run.plan.host, hostname: 'box', gpu } }));
    writeFileSync(path.join(dir, 'scoreboard.json'), JSON.stringify(run.report));
    const read = readRunFiles(dir);
    expect(read.plan.host).toEqual({ cores: 2, cpu: 'test CPU', hostname: 'box', gpu });
    const m = buildManifest(read, { useCase: 'always-on', cellId: null, noModel: false, port: 8080 }, NOW);
    expect(m.host).toEqual({ cores: 2, cpu: 'test CPU', hostname: 'box' });
    expect(parseManifest(JSON.stringify(m), "manifest.json").host).toEqual(m.host);
  });
  test('records the cell, its server settings, the budgets and the verdicts it got, and parses back', () => {
    const m = buildManifest(fixtureRun(), { useCase: 'always-on', cellId: null, noModel: false, port: 8080 }, NOW);
    expect(m).toMatchObject({
      name: 'tiny_Q4_K_M_t1-20261201-120000-abcdef',
      createdAt: NOW.toISOString(),
      run: { id: '20261201-120000-abcdef' },
      selection: 'recommended',
      cell: T1,
      model: { file: 'model/tiny-Q4_K_M.gguf', sha256: 'e'.repeat(64), bytes: 14_115_584, hub: null },
      server: { threads: 1, ctx: 1024, priority: 'nice10', parallel: 1, port: 8080 },
      budgets: { interactive: { cpu_pct: ['mean <= 35', 'p(99) <= 50'], rss_peak_mb: ['<= 6000'], decode_tps: ['mean >= 2'] } },
      llama: { version: '0.5.0-dev', commit: 'de3ff81' },
    });
    expect(m.evidence.interactive!.map((v) => v.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(parseManifest(JSON.stringify(m), 'manifest.json')).toEqual(m);
  });
  test('--no-model leaves the file out and keeps where it was and its hash', () => {
    const m = buildManifest(fixtureRun(), { useCase: 'always-on', cellId: null, noModel: true, port: 8080 }, NOW);
    expect(m.model).toMatchObject({ file: null, sourcePath: '/models/tiny-Q4_K_M.gguf', sha256: 'e'.repeat(64) });
  });
  test('the command line binds 127.0.0.1 and names the model inside the bundle', () => {
    const m = buildManifest(fixtureRun(), { useCase: 'always-on', cellId: null, noModel: false, port: 8123 }, NOW);
    expect(commandText(m)).toBe('/opt/llama/llama-server --model model/tiny-Q4_K_M.gguf --host 127.0.0.1 --port 8123 --threads 1 --threads-batch 1 --ctx-size 1024 --parallel 1 --prio 0 --no-webui --metrics --offline\n');
  });
  test('a manifest with a path that climbs out of the bundle is refused', () => {
    const m = buildManifest(fixtureRun(), { useCase: 'always-on', cellId: null, noModel: false, port: 8080 }, NOW);
    expect(() => parseManifest(JSON.stringify({ ...m, model: { ...m.model, file: '../../etc/passwd' } }), 'manifest.json')).toThrow(/model\.file/);
    expect(() => parseManifest('{', 'manifest.json')).toThrow(/manifest\.json is not JSON/);
  });
});

describe('budgets for the load test', () => {
  test('the resolved budgets become a budgets block, and defaults it does not name are turned off', () => {
    const block = budgetsBlock(BUDGETS.interactive);
    expect(block).toEqual({ cpu_pct: ['mean <= 35', 'p(99) <= 50'], rss_peak_mb: ['<= 6000'], decode_tps: ['mean >= 2'] });
    expect(configBudgets(block, { cpu_pct: ['mean <= 35'], latency_s: 'p(95) <= 2.5', decode_tps: 'mean >= 2' })).toEqual({
      latency_s: 'off',
      cpu_pct: ['mean <= 35', 'p(99) <= 50'],
      rss_peak_mb: ['<= 6000'],
      decode_tps: ['mean >= 2'],
    });
  });
});
