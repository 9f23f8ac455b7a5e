// systemd units from a fixture run: the limits derived from the budgets (hand-checked), the values in the rendered
// units, and `systemd-analyze verify` over them where it is installed (Debian's `systemd` package).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildManifest, unitContext, unitFiles } from '../../harness/deploy/export.ts';
import { resourceLimits } from '../../harness/deploy/limits.ts';
import { autobenchTimer, execWord, serverUnit } from '../../harness/deploy/units.ts';
import { fixtureRun } from './deploy-fixtures.ts';

const manifest = (priority = 'nice10') => {
  const m = buildManifest(fixtureRun(), { useCase: 'always-on', cellId: null, noModel: false, port: 8080 }, new Date('2026-12-01T13:00:00Z'));
  return { ...m, server: { ...m.server, priority }, cell: { ...m.cell, priority } };
};
const lines = (text: string) => text.split('\n');
const key = (text: string, k: string) => lines(text).filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));

describe('resource limits from the budgets', () => {
  const cpu = (aggregation: string, limit: number) => ({ metric: 'cpu_pct', aggregation, op: '<=', limit });
  test('the p99 CPU budget in % of the machine times the CPUs is the CPUQuota; the RSS budget is MemoryMax', () => {
    // 50 % of a 2-CPU machine is one CPU: 100 % in systemd's per-CPU count.
    expect(resourceLimits([cpu('mean', 35), cpu('p(99)', 50), { metric: 'rss_peak_mb', op: '<=', limit: 6000 }], 'nice10', 2)).toEqual({
      cpuMachinePct: 50, cpuQuotaPct: 100, memoryMaxMb: 6000, nice: 10, cpuWeight: 20, schedIdle: false,
    });
  });
  test('without a p99 budget the mean one is used; the tightest of several profiles wins; none gives no quota', () => {
    expect(resourceLimits([cpu('mean', 35)], 'normal', 4)).toMatchObject({ cpuMachinePct: 35, cpuQuotaPct: 140, memoryMaxMb: null, nice: 0, cpuWeight: 100 });
    expect(resourceLimits([cpu('p(99)', 50), cpu('p(99)', 30), { metric: 'rss_peak_mb', op: '<=', limit: 4000.2 }, { metric: 'rss_peak_mb', op: '<=', limit: 6000 }], 'nice19', 1)).toMatchObject({ cpuQuotaPct: 30, memoryMaxMb: 4001, nice: 19, cpuWeight: 5 });
    expect(resourceLimits([], 'sched_idle', 2)).toMatchObject({ cpuQuotaPct: null, memoryMaxMb: null, schedIdle: true, cpuWeight: 1 });
  });
  test('a lower limit (>=) is no cap, a tiny quota is at least 1 %, and bad input throws', () => {
    expect(resourceLimits([{ metric: 'cpu_pct', aggregation: 'mean', op: '>=', limit: 10 }], 'nice10', 2).cpuQuotaPct).toBeNull();
    expect(resourceLimits([cpu('p(99)', 0.1)], 'nice10', 2).cpuQuotaPct).toBe(1);
    expect(() => resourceLimits([], 'turbo', 2)).toThrow(/unknown priority "turbo"/);
    expect(() => resourceLimits([], 'nice10', 0)).toThrow(/whole number of CPUs/);
  });
});

describe('the server unit', () => {
  const ctx = (priority?: string) => unitContext(manifest(priority), '/srv/llm', '/usr/bin/node', '/opt/bench');
  test('carries the values the budgets and the priority give, and binds 127.0.0.1 only', () => {
    const unit = serverUnit(ctx());
    expect(key(unit, 'Nice')).toEqual(['10']);
    expect(key(unit, 'IOSchedulingClass')).toEqual(['idle']);
    expect(key(unit, 'CPUQuota')).toEqual(['100%']);
    expect(key(unit, 'CPUWeight')).toEqual(['20']);
    expect(key(unit, 'MemoryMax')).toEqual(['6000M']);
    for (const [k, v] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'read-only'], ['PrivateTmp', 'yes'], ['Restart', 'on-failure']]) expect(key(unit, k!), k).toEqual([v]);
    expect(key(unit, 'CPUSchedulingPolicy')).toEqual([]);
    expect(key(unit, 'Environment')).toEqual(['LLM_BUNDLE=/srv/llm/current']);
    const exec = key(unit, 'ExecStart')[0]!.split(' ');
    expect(exec[0]).toBe('/opt/llama/llama-server');
    expect(exec.filter((w, i) => exec[i - 1] === '--host')).toEqual(['127.0.0.1']);
    expect(exec[exec.indexOf('--model') + 1]).toBe('${LLM_BUNDLE}/model/tiny-Q4_K_M.gguf');
    expect(exec[exec.indexOf('--port') + 1]).toBe('8080');
  });
  test('sched_idle adds CPUSchedulingPolicy=idle and nice 19', () => {
    const unit = serverUnit(ctx('sched_idle'));
    expect(key(unit, 'CPUSchedulingPolicy')).toEqual(['idle']);
    expect(key(unit, 'Nice')).toEqual(['19']);
  });
  test('ExecStart words with spaces are quoted and % is doubled', () => {
    expect(execWord('/a b/llama-server')).toBe('"/a b/llama-server"');
    expect(execWord('50%')).toBe('"50%%"');
    expect(execWord('say "hi"')).toBe('"say \\"hi\\""');
    expect(execWord('--ctx-size')).toBe('--ctx-size');
  });
  test('the autobench timer runs every 6 hours, spread by 30 minutes, and catches up', () => {
    const timer = autobenchTimer();
    expect(key(timer, 'OnCalendar')).toEqual(['*-*-* 00/6:00:00']);
    expect(key(timer, 'RandomizedDelaySec')).toEqual(['30min']);
    expect(key(timer, 'Persistent')).toEqual(['true']);
    expect(key(timer, 'Unit')).toEqual(['llm-budget-bench@%i.service']);
  });
});

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

describe('systemd-analyze verify', () => {
  test('accepts every generated unit without a warning', (context) => {
    if (!onPath('systemd-analyze')) return context.skip('systemd-analyze is not installed (Debian package systemd)');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'units-'));
    // ExecStart must name executables that exist here: node stands in for llama-server.
    const ctx = { ...unitContext(manifest(), dir, process.execPath, dir), serverPath: process.execPath };
    const files: string[] = [];
    for (const [rel, text] of Object.entries(unitFiles(ctx))) {
      // A template is verified as an instance of it.
      const name = path.basename(rel).replace('@.', '@srv-llm.');
      writeFileSync(path.join(dir, name), text);
      files.push(path.join(dir, name));
    }
    const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8', timeout: 120_000 });
    if (r.error || /Failed to (initialize manager|lookup RuntimeDirectory)|System has not been booted with systemd/.test(r.stderr)) {
      return context.skip(`systemd-analyze cannot run in this container: ${(r.error?.message ?? r.stderr).trim().split('\n')[0]}`);
    }
    // verify exits 0 even for an unknown key or an invalid value, and only warns: any line about our files is a failure.
    const ours = `${r.stdout}${r.stderr}`.split('\n').filter((l) => files.some((f) => l.includes(path.basename(f))));
    expect(ours, `${r.stdout}${r.stderr}`).toEqual([]);
    expect(r.status).toBe(0);
    // And it would have said so: a unit with an unknown key is reported.
    const bad = path.join(dir, 'bad.service');
    writeFileSync(bad, `[Service]\nExecStart=${process.execPath}\nNicee=10\n`);
    expect(spawnSync('systemd-analyze', ['verify', bad], { encoding: 'utf8', timeout: 120_000 }).stderr).toMatch(/Unknown key 'Nicee'/);
  });
});
