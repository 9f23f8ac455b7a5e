import { describe, expect, test } from 'vitest';
import { energyMetrics, energySkipped, type EnergyInput, type RequestEnergy } from '../../harness/energy/metrics.ts';
import { cpuShare, meanOver, vcpuJoules, vcpuPowerW } from '../../harness/energy/windows.ts';
import { ENERGY_METRIC_NAMES } from '../../harness/energy/declare.ts';
import type { SampleRow } from '../../harness/sampler/sampler.ts';

const req = (over: Partial<RequestEnergy> = {}): RequestEnergy => ({
  startAt: 0,
  splitAt: 200,
  endAt: 1200,
  prefillJ: 3.6, // 1 mWh
  decodeJ: 36, // 10 mWh
  inputTokens: 10,
  outputTokens: 100,
  share: 0.5,
  serverActiveMs: 1000,
  ...over,
});

const base = (over: Partial<EnergyInput> = {}): EnergyInput => ({
  method: 'measured',
  basis: 'measured: RAPL package counters under /fake',
  requests: [req()],
  idle: { watts: 10, seconds: 3 },
  noAttribution: null,
  window: { joules: 72, seconds: 4 },
  grid: { gPerKwh: 500, source: 'test grid' },
  ...over,
});

describe('energy figures from the marks (hand-checked)', () => {
  test('gross, per 1000 tokens, active, attributed, carbon and the window', () => {
    const m = energyMetrics(base());
    expect(m.prefill_wh!.value).toBeCloseTo(0.001, 12);
    expect(m.decode_wh!.value).toBeCloseTo(0.01, 12);
    expect(m.total_wh!.value).toBeCloseTo(0.011, 12);
    expect(m.prefill_wh_per_1000_input_tokens!.value).toBeCloseTo(0.1, 12); // 1 mWh / 10 tokens × 1000
    expect(m.decode_wh_per_1000_output_tokens!.value).toBeCloseTo(0.1, 12); // 10 mWh / 100 × 1000
    expect(m.energy_weighted_output_wh_per_1000_tokens!.value).toBeCloseTo(0.11, 12);
    // idle 10 W: prefill 0.2 s → 2 J less, decode 1 s → 10 J less
    expect(m.active_prefill_wh!.value).toBeCloseTo(1.6 / 3600, 12);
    expect(m.active_decode_wh!.value).toBeCloseTo(26 / 3600, 12);
    expect(m.active_total_wh!.value).toBeCloseTo(27.6 / 3600, 12);
    expect(m.active_energy_weighted_output_wh_per_1000_tokens!.value).toBeCloseTo((27.6 / 3600 / 100) * 1000, 12);
    expect(m.idle_power_w).toMatchObject({ value: 10, status: 'ok', method: 'measured' });
    // attributed: half of 39.6 J
    expect(m.e_llm_wh).toMatchObject({ status: 'ok', method: 'attributed' });
    expect(m.e_llm_wh!.value).toBeCloseTo(19.8 / 3600, 12);
    expect(m.e_llm_wh_per_1000_output_tokens!.value).toBeCloseTo((19.8 / 3600 / 100) * 1000, 12);
    // M_eff: E_llm × 1000 ms active ÷ 1200 ms wall = 16.5 J; 16.7 % below E_llm, not flagged
    expect(m.m_eff_wh_per_1000_output_tokens!.value).toBeCloseTo((16.5 / 3600 / 100) * 1000, 12);
    expect(m.m_eff_vs_e_llm_pct!.value).toBeCloseTo(100 / 6, 9);
    expect(m.m_eff_vs_e_llm_pct!.reason).not.toMatch(/FLAGGED/);
    const busy = energyMetrics(base({ requests: [req({ serverActiveMs: 600 })] })).m_eff_vs_e_llm_pct!;
    expect(busy.value).toBeCloseTo(50, 9);
    expect(busy.reason).toMatch(/^FLAGGED: above 20 %/);
    const noTimings = energyMetrics(base({ requests: [req({ serverActiveMs: null })] }));
    expect(noTimings.m_eff_vs_e_llm_pct).toMatchObject({ status: 'skipped', value: null });
    // carbon: 0.011 Wh = 1.1e-5 kWh × 500 g = 5.5 mg
    expect(m.co2_g!.value).toBeCloseTo(0.0055, 12);
    expect(m.co2_g!.reason).toMatch(/500 gCO2e\/kWh \(test grid\)/);
    expect(m.window_energy_wh!.value).toBeCloseTo(0.02, 12);
    expect(m.mean_power_w!.value).toBeCloseTo(18, 12);
    for (const name of ENERGY_METRIC_NAMES) {
      const metric = m[name]!;
      expect(metric.status, name).toBe('ok');
      expect(metric.method, name).toBeDefined();
      expect(metric.reason, name).toMatch(/RAPL/);
    }
  });

  test('cell statistics: mean/median/sd/CV and the 5–95 % range across requests', () => {
    const rs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((k) => req({ prefillJ: 0, decodeJ: 36 * k }));
    const m = energyMetrics(base({ requests: rs })).decode_wh!;
    expect(m.value).toBeCloseTo(0.105, 12); // mean of 0.01 … 0.2
    expect(m.stats!.median).toBeCloseTo(0.105, 12);
    expect(m.stats!.p5).toBeCloseTo(0.0195, 12); // linear interpolation at 0.05 × 19 = 0.95
    expect(m.stats!.p95).toBeCloseTo(0.1905, 12);
    expect(m.stats!.cv).toBeCloseTo(m.stats!.sd / m.stats!.mean, 12);
    expect(m.samples).toHaveLength(20);
    expect(m.sampleKind).toBe('independent');
  });

  test('an estimate stays an estimate, attributed or not; no process leaves attribution skipped with the reason', () => {
    const m = energyMetrics(base({ method: 'estimated', basis: 'estimated with ccf_aws_vcpu; source: CCF', noAttribution: 'no process to attribute energy to: no pid given' }));
    expect(m.total_wh!.method).toBe('estimated');
    expect(m.total_wh!.reason).toMatch(/ccf_aws_vcpu.*CCF/);
    expect(m.e_llm_wh).toMatchObject({ status: 'skipped', value: null, method: 'estimated', reason: expect.stringMatching(/no pid/) });
    const attributedEstimate = energyMetrics(base({ method: 'estimated', basis: 'estimated' })).e_llm_wh!;
    expect(attributedEstimate.method).toBe('estimated');
  });

  test('no idle baseline: active figures skipped with the reason, gross ones kept', () => {
    const m = energyMetrics(base({ idle: { none: 'energy.idle_baseline_s is 0' } }));
    expect(m.idle_power_w).toMatchObject({ status: 'skipped', value: null });
    expect(m.active_total_wh).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/idle_baseline_s is 0/) });
    expect(m.total_wh!.status).toBe('ok');
  });

  test('no tokens or no input count leave those requests out, saying how many; none at all is not a zero', () => {
    const m = energyMetrics(base({ requests: [req(), req({ inputTokens: null, outputTokens: 0 })] }));
    expect(m.prefill_wh_per_1000_input_tokens!.stats!.n).toBe(1);
    expect(m.prefill_wh_per_1000_input_tokens!.reason).toMatch(/1 of 2 request\(s\) without the figure/);
    const none = energyMetrics(base({ requests: [req({ inputTokens: null })] }));
    expect(none.prefill_wh_per_1000_input_tokens).toMatchObject({ status: 'skipped', value: null, reason: expect.stringMatching(/no input token count/) });
    const empty = energyMetrics(base({ requests: [], noRequests: 'no request was answered with a token' }));
    for (const name of ENERGY_METRIC_NAMES) expect(empty[name]!.value, name).toBeNull();
    expect(empty.total_wh).toMatchObject({ status: 'error', reason: 'no request was answered with a token' });
  });

  test('skipped: every figure, with the reason and no value', () => {
    const m = energySkipped('no RAPL on this machine');
    for (const name of ENERGY_METRIC_NAMES) expect(m[name], name).toMatchObject({ status: 'skipped', value: null, reason: 'no RAPL on this machine' });
    expect(m.idle_power_w!.unit).toBe('W');
    expect(m.co2_g!.unit).toBe('gCO2e');
    expect(m.window_co2_g!.unit).toBe('gCO2e');
    expect(m.total_wh!.unit).toBe('Wh');
  });
});

const row = (since: number, at: number, system: number | null, server: number | null): SampleRow => ({
  at, since, cpuCorePct: server, cpuMachinePct: server, rssMb: 1, pids: 1, systemCpuPct: system, swapUsedMb: 0,
  psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
});

describe('figures over a window from sampler rows', () => {
  const rows = [row(0, 100, 10, 0), row(100, 200, 50, 40), row(200, 300, 90, 45)];
  test('time-weighted means, partial overlaps, and a window inside one row', () => {
    expect(meanOver(rows, 0, 300, (r) => r.systemCpuPct)).toBeCloseTo(50, 12);
    expect(meanOver(rows, 50, 150, (r) => r.systemCpuPct)).toBeCloseTo(30, 12); // half of 10, half of 50
    expect(meanOver(rows, 120, 120, (r) => r.systemCpuPct)).toBe(50); // zero length: the row holding it
    expect(meanOver(rows, 400, 500, (r) => r.systemCpuPct)).toBeNull();
    expect(meanOver([row(0, 100, null, null)], 0, 100, (r) => r.systemCpuPct)).toBeNull();
  });
  test('CPU-time share of the server tree, capped at 1; an idle machine has no share', () => {
    expect(cpuShare(rows, 100, 300)).toBeCloseTo(85 / 140, 12);
    expect(cpuShare([row(0, 100, 40, 50)], 0, 100)).toBe(1);
    expect(cpuShare([row(0, 100, 0, 0)], 0, 100)).toBeNull();
    expect(cpuShare([row(0, 100, 30, null)], 0, 100)).toBeNull();
  });
  test('per-vCPU coefficient: vCPUs × (min + busy × (max − min)), over the time', () => {
    const ccf = { min_w: 0.74, max_w: 3.5 };
    expect(vcpuPowerW(ccf, 2, 0)).toBeCloseTo(1.48, 12);
    expect(vcpuPowerW(ccf, 2, 1)).toBeCloseTo(7, 12);
    expect(vcpuPowerW(ccf, 2, 1.7)).toBeCloseTo(7, 12);
    expect(vcpuJoules(rows, 0, 300, ccf, 2)).toBeCloseTo(2 * (0.74 + 0.5 * 2.76) * 0.3, 12);
    expect(vcpuJoules([], 0, 300, ccf, 2)).toBeNull();
  });
});
