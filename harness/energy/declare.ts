/**
 * The energy metrics, declared once (label, unit, direction, bands) for the profiles that measure energy per request
 * (interactive). Per-request figures are sampled, so budgets name their aggregation
 * (`energy_weighted_output_wh_per_1000_tokens: "p(95) <= 0.5"`); per-cell figures are plain.
 * Names follow the Behaviour Lab energy design: "Wh/1000 e-tokens" is total energy over output tokens.
 */
import type { Band } from '../budgets/bands.ts';
import { lower, neither, sampled, type MetricDefinition } from '../budgets/metric.ts';

/** Idle watts as what an always-on server costs in a year (W × 8760 h): arithmetic, not a judgement. */
const ALWAYS_ON_BANDS: readonly Band[] = [
  { below: 2, text: 'under 18 kWh a year, always on' },
  { below: 10, text: 'under 88 kWh a year, always on' },
  { below: 30, text: 'under 263 kWh a year, always on' },
  { below: Infinity, text: 'over 263 kWh a year, always on' },
];

const perRequest = (label: string, unit: string): MetricDefinition => sampled(lower(label, unit), 'independent');

/** The per-request figures, gross (what the counters saw) and active (less the idle baseline over the same time). */
export const ENERGY_REQUEST_METRICS = {
  prefill_wh: perRequest('prefill energy (request sent → first token)', 'Wh'),
  decode_wh: perRequest('decode energy (first → last token)', 'Wh'),
  total_wh: perRequest('energy per request', 'Wh'),
  prefill_wh_per_1000_input_tokens: perRequest('prefill energy per 1000 input tokens', 'Wh'),
  decode_wh_per_1000_output_tokens: perRequest('decode energy per 1000 output tokens', 'Wh'),
  energy_weighted_output_wh_per_1000_tokens: perRequest('Wh per 1000 e-tokens (energy ÷ output tokens)', 'Wh'),
  active_prefill_wh: perRequest('active prefill energy (less idle)', 'Wh'),
  active_decode_wh: perRequest('active decode energy (less idle)', 'Wh'),
  active_total_wh: perRequest('active energy per request (less idle)', 'Wh'),
  active_prefill_wh_per_1000_input_tokens: perRequest('active prefill energy per 1000 input tokens', 'Wh'),
  active_decode_wh_per_1000_output_tokens: perRequest('active decode energy per 1000 output tokens', 'Wh'),
  active_energy_weighted_output_wh_per_1000_tokens: perRequest('active Wh per 1000 e-tokens (less idle)', 'Wh'),
  e_llm_wh: perRequest('server energy per request (E_llm, by CPU-time share)', 'Wh'),
  e_llm_wh_per_1000_output_tokens: perRequest('server energy per 1000 output tokens (E_llm)', 'Wh'),
  m_eff_wh_per_1000_output_tokens: perRequest('M_eff per 1000 output tokens (E_llm × server active time ÷ wall time)', 'Wh'),
  co2_g: perRequest('carbon per request', 'gCO2e'),
  co2_g_per_1000_e_tokens: perRequest('carbon per 1000 e-tokens', 'gCO2e'),
} as const satisfies Record<string, MetricDefinition>;

/** Per-cell figures. */
export const ENERGY_CELL_METRICS = {
  idle_power_w: lower('idle power of the loaded server (the always-on cost)', 'W', ALWAYS_ON_BANDS),
  window_energy_wh: lower('energy of the measured window', 'Wh'),
  window_co2_g: lower('carbon of the measured window', 'gCO2e'),
  mean_power_w: neither('mean power while answering', 'W'),
  // How far the server's own account of its busy time (timings) is from the wall time E_llm covers; flagged above 20 %.
  m_eff_vs_e_llm_pct: neither('M_eff vs E_llm deviation', '%'),
} as const satisfies Record<string, MetricDefinition>;

export const ENERGY_METRICS = { ...ENERGY_REQUEST_METRICS, ...ENERGY_CELL_METRICS } as const;
export type EnergyMetricName = keyof typeof ENERGY_METRICS;
export const ENERGY_METRIC_NAMES = Object.keys(ENERGY_METRICS) as EnergyMetricName[];
