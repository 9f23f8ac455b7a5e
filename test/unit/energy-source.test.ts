import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { energySchema } from '../../harness/config/energy-schema.ts';
import { BUILTIN_BENCHMARKS_FILE, loadBenchmarks, readBenchmarks } from '../../harness/energy/benchmarks.ts';
import { EnergyRecorder, energySource } from '../../harness/energy/recorder.ts';
import type { SampleRow } from '../../harness/sampler/sampler.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'energy-source-'));
const configFile = path.join(dir, 'bench.config.yaml');
const noTree = { BENCH_POWERCAP_ROOT: path.join(dir, 'absent') };
function fakeTree(): string {
  const root = path.join(dir, `powercap-${Math.random().toString(36).slice(2)}`);
  mkdirSync(path.join(root, 'intel-rapl:0'), { recursive: true });
  writeFileSync(path.join(root, 'intel-rapl:0/name'), 'package-0');
  writeFileSync(path.join(root, 'intel-rapl:0/energy_uj'), '1000');
  writeFileSync(path.join(root, 'intel-rapl:0/max_energy_range_uj'), '262143328850');
  return root;
}

describe('which source the energy figures come from', () => {
  test('auto: RAPL where it reads, else the default coefficient, named with its source and why', () => {
    const rapl = energySource(energySchema.parse({}), configFile, null, { BENCH_POWERCAP_ROOT: fakeTree() });
    expect(rapl.kind).toBe('rapl');
    const est = energySource(energySchema.parse({}), configFile, null, noTree);
    expect(est).toMatchObject({ kind: 'estimate', coefficient: { name: 'ccf_aws_vcpu', kind: 'watts_per_vcpu' } });
    if (est.kind !== 'estimate') return;
    expect(est.basis).toMatch(/estimated with ccf_aws_vcpu.*source: Cloud Carbon Footprint.*\(no live counter: no RAPL on this machine/);
  });
  test('measured without counters, off, another host, an unknown coefficient: none, with the reason', () => {
    expect(energySource(energySchema.parse({ mode: 'measured' }), configFile, null, noTree)).toMatchObject({ kind: 'none', reason: expect.stringMatching(/no RAPL on this machine.*allows no estimate/) });
    expect(energySource(energySchema.parse({ mode: 'off' }), configFile, null, noTree)).toEqual({ kind: 'none', reason: 'energy.mode is off in the config' });
    expect(energySource(energySchema.parse({}), configFile, 'the remote-openai server may run on another host', { BENCH_POWERCAP_ROOT: fakeTree() })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/another host: this machine's counters do not measure it/) });
    expect(energySource(energySchema.parse({ estimate: 'nope' }), configFile, null, noTree)).toMatchObject({ kind: 'none', reason: expect.stringMatching(/no coefficient "nope"; known: ccf_aws_vcpu/) });
  });
  test('estimated mode uses the coefficient even where RAPL reads', () => {
    const s = energySource(energySchema.parse({ mode: 'estimated', estimate: 'ccf_gcp_vcpu' }), configFile, null, { BENCH_POWERCAP_ROOT: fakeTree() });
    expect(s).toMatchObject({ kind: 'estimate', coefficient: { name: 'ccf_gcp_vcpu' } });
    if (s.kind === 'estimate') expect(s.basis).toMatch(/\(energy.mode: estimated\)/);
  });
  test('the config file powercap_root is used; BENCH_POWERCAP_ROOT wins over it', () => {
    expect(energySource(energySchema.parse({ powercap_root: fakeTree() }), configFile, null, {}).kind).toBe('rapl');
    expect(energySource(energySchema.parse({ powercap_root: fakeTree() }), configFile, null, noTree).kind).toBe('estimate');
  });
});

describe('coefficient files', () => {
  test('the built-in file: every coefficient has a source', () => {
    const all = readBenchmarks(BUILTIN_BENCHMARKS_FILE);
    expect(Object.keys(all)).toContain('ccf_aws_vcpu');
    for (const c of Object.values(all)) expect(c.source.length, c.name).toBeGreaterThan(20);
  });
  test("a user's file adds and overrides; a bad one names the file and the path", () => {
    writeFileSync(path.join(dir, 'mine.yaml'), 'rapl_calibrated_tiny:\n  kind: wh_per_1000_tokens\n  prefill_wh_per_1000: 0.01\n  decode_wh_per_1000: 0.05\n  idle_w: 4\n  source: calibrated here\n');
    const all = loadBenchmarks('mine.yaml', configFile);
    expect(all.rapl_calibrated_tiny).toMatchObject({ kind: 'wh_per_1000_tokens', idle_w: 4 });
    expect(all.ccf_aws_vcpu).toBeDefined();
    writeFileSync(path.join(dir, 'bad.yaml'), 'x:\n  kind: watts_per_vcpu\n  min_w: 5\n  max_w: 1\n');
    expect(() => loadBenchmarks('bad.yaml', configFile)).toThrow(/bad\.yaml: x\.source: /);
    writeFileSync(path.join(dir, 'broken.yaml'), 'x: [unclosed');
    expect(() => readBenchmarks(path.join(dir, 'broken.yaml'))).toThrow(/broken\.yaml/);
  });
});

describe('estimated figures from sampler rows', () => {
  const row = (since: number, at: number, system: number): SampleRow => ({
    at, since, cpuCorePct: 20, cpuMachinePct: 10, rssMb: 1, pids: 1, systemCpuPct: system, swapUsedMb: 0,
    psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
  });
  test('per-vCPU: idle from the baseline rows, each phase from its own rows; per-token: tokens × coefficient', async () => {
    const est = energySource(energySchema.parse({}), configFile, null, noTree);
    const rec = new EnergyRecorder(est);
    const m = (at: number) => ({ at, packageJ: null });
    // 0–1000 ms idle at 0 % busy, 1000–1100 prefill at 100 %, 1100–2100 decode at 50 %
    const rows = [row(0, 1000, 0), row(1000, 1100, 100), row(1100, 2100, 50)];
    const figures = rec.finish({
      requests: [{ start: m(1000), split: m(1100), end: m(2100), inputTokens: 10, outputTokens: 100 }],
      baseline: { from: m(0), to: m(1000) },
      baselineS: 1,
      window: { from: m(1000), to: m(2100) },
      rows,
      noProcess: null,
      grid: { gPerKwh: 480, source: 'x' },
    });
    const vcpus = os.availableParallelism();
    expect(figures.idle_power_w!.value).toBeCloseTo(vcpus * 0.74, 9);
    expect(figures.prefill_wh!.value! * 3600).toBeCloseTo(vcpus * 3.5 * 0.1, 9);
    expect(figures.decode_wh!.value! * 3600).toBeCloseTo(vcpus * (0.74 + 0.5 * 2.76) * 1, 9);
    expect(figures.total_wh!.method).toBe('estimated');
    // the server had 10 % of a machine that was 50–100 % busy: a share, still an estimate
    expect(figures.e_llm_wh).toMatchObject({ status: 'ok', method: 'estimated' });

    writeFileSync(path.join(dir, 'tok.yaml'), 'tok:\n  kind: wh_per_1000_tokens\n  prefill_wh_per_1000: 0.1\n  decode_wh_per_1000: 1\n  idle_w: 2\n  source: test\n');
    const tok = new EnergyRecorder(energySource(energySchema.parse({ mode: 'estimated', estimate: 'tok', benchmarks_file: 'tok.yaml' }), configFile, null, noTree));
    const f2 = tok.finish({
      requests: [{ start: m(1000), split: m(1100), end: m(2100), inputTokens: 10, outputTokens: 100 }],
      baseline: { from: m(0), to: m(1000) }, baselineS: 1, window: { from: m(1000), to: m(2100) }, rows: [], noProcess: 'none here', grid: { gPerKwh: 480, source: 'x' },
    });
    expect(f2.idle_power_w!.value).toBeCloseTo(2, 9);
    expect(f2.prefill_wh!.value).toBeCloseTo(0.001 + (2 * 0.1) / 3600, 12);
    expect(f2.decode_wh!.value).toBeCloseTo(0.1 + 2 / 3600, 12);
    expect(f2.active_decode_wh!.value).toBeCloseTo(0.1, 12);
    expect(f2.window_energy_wh!.value).toBeCloseTo(0.101 + (2 * 1.1) / 3600, 12);
  });
});

describe('a saturated machine', () => {
  test('an estimate whose idle baseline already had every vCPU busy leaves the active figures skipped, saying why', () => {
    const rec = new EnergyRecorder(energySource(energySchema.parse({}), configFile, null, noTree));
    const m = (at: number) => ({ at, packageJ: null });
    const row = (since: number, at: number, system: number): SampleRow => ({
      at, since, cpuCorePct: 20, cpuMachinePct: 10, rssMb: 1, pids: 1, systemCpuPct: system, swapUsedMb: 0,
      psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
    });
    const f = rec.finish({
      requests: [{ start: m(1000), split: m(1100), end: m(2100), inputTokens: 10, outputTokens: 100 }],
      baseline: { from: m(0), to: m(1000) }, baselineS: 1, window: { from: m(1000), to: m(2100) },
      rows: [row(0, 1000, 97), row(1000, 2100, 100)], noProcess: null, grid: { gPerKwh: 480, source: 'x' },
    });
    expect(f.idle_power_w!.status).toBe('ok');
    expect(f.active_total_wh).toMatchObject({ status: 'skipped', value: null, method: 'estimated', reason: expect.stringMatching(/already 97 % busy .* cannot show a request's own cost/) });
    expect(f.e_llm_wh!.status).toBe('ok');
  });
});
