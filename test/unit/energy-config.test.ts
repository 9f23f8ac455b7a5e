// The energy block is bad input like any other: exit 2 naming the YAML path and line, before anything starts.
import { describe, expect, test } from 'vitest';
import { accepts, BASE, rejects, sandbox } from './bad-input-helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

describe('energy config', () => {
  test('an unknown coefficient names energy.estimate, its line and the near one', () => {
    rejects(sandbox(`${BASE}energy:\n  estimate: ccf_aws_vpcu\n`), [/energy\.estimate \(line 12\): no coefficient "ccf_aws_vpcu"; did you mean ccf_aws_vcpu\?/]);
  });
  test('a coefficient file without sources, or unreadable, names energy.benchmarks_file', () => {
    const sb = sandbox(`${BASE}energy:\n  benchmarks_file: mine.yaml\n`);
    sb.file('mine.yaml', 'x:\n  kind: watts_per_vcpu\n  min_w: 1\n  max_w: 2\n');
    rejects(sb, [/energy\.benchmarks_file \(line 12\): .*mine\.yaml: x\.source/]);
    rejects(sandbox(`${BASE}energy:\n  benchmarks_file: missing.yaml\n`), [/energy\.benchmarks_file \(line 12\): .*missing\.yaml/]);
  });
  test('mode, grid intensity and baseline are checked by the schema; measured and off need no coefficient', () => {
    rejects(sandbox(`${BASE}energy:\n  mode: sometimes\n`), [/energy\.mode \(line 12\)/]);
    rejects(sandbox(`${BASE}energy:\n  grid_intensity_g_per_kwh: -1\n`), [/energy\.grid_intensity_g_per_kwh \(line 12\)/]);
    rejects(sandbox(`${BASE}energy:\n  idle_baseline_s: -1\n`), [/energy\.idle_baseline_s \(line 12\)/]);
    accepts(sandbox(`${BASE}energy:\n  mode: measured\n  estimate: nothing-here\n`));
    accepts(sandbox(`${BASE}energy:\n  powercap_root: /nonexistent\n  grid_intensity_g_per_kwh: 30\n  grid_intensity_source: "my supplier, 2026"\n`));
  });
});

describe('npm run calibrate: bad input exits 2 before anything runs', () => {
  test('no RAPL, a bad name and too few runs are all named at once', async () => {
    const { spawnSync } = await import('node:child_process');
    const path = await import('node:path');
    const sb = sandbox();
    const r = spawnSync(process.execPath, commandArgs('calibrate', ['--config', sb.configFile, '--name', 'bad name', '--runs', '1']), {
      encoding: 'utf8',
      env: { ...process.env, BENCH_POWERCAP_ROOT: path.join(sb.dir, 'no-powercap') },
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--name: got "bad name"/);
    expect(r.stderr).toMatch(/--runs: got "1", expected a whole number from 2/);
    expect(r.stderr).toMatch(/calibration needs measured energy: no RAPL on this machine/);
  }, 60_000);
});
