// The `energy:` block of the config: where the RAPL counters are, which figures to give where there are none
// (an estimate from a named coefficient, or nothing), the idle baseline before each cell, and the grid intensity
// that turns energy into carbon. Pure zod, like the rest of the config schema.
import { z } from 'zod';

/** The longest idle baseline: the interactive profile's setup time allows this much for it. */
export const MAX_IDLE_BASELINE_S = 60;

/** World average carbon intensity of electricity generation, 2023. */
export const DEFAULT_GRID_INTENSITY_G_PER_KWH = 480;
export const DEFAULT_GRID_INTENSITY_SOURCE = 'Ember, Global Electricity Review 2024: world average carbon intensity of electricity generation in 2023';
/** The coefficient estimated mode uses unless the config names another (energy/benchmarks.yaml). */
export const DEFAULT_ENERGY_ESTIMATE = 'ccf_aws_vcpu';

export const energySchema = z
  .strictObject({
    /**
     * `auto`: RAPL where it can be read, else an estimate from `estimate`; `measured`: RAPL only (skipped without);
     * `estimated`: the coefficient even where RAPL exists; `off`: no energy figures (each says so).
     */
    mode: z.enum(['auto', 'measured', 'estimated', 'off']).default('auto'),
    /** The powercap tree holding intel-rapl:* (default /sys/class/powercap; BENCH_POWERCAP_ROOT overrides both). */
    powercap_root: z.string().min(1).nullable().default(null),
    /** A coefficient of energy/benchmarks.yaml (or of `benchmarks_file`) for estimated mode. */
    estimate: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a coefficient name such as ccf_aws_vcpu').default(DEFAULT_ENERGY_ESTIMATE),
    /** Another coefficients file, relative to the config file; its entries are added to (and override) the built-in ones. */
    benchmarks_file: z.string().min(1).nullable().default(null),
    /**
     * A Scaphandre Prometheus exporter (e.g. http://127.0.0.1:8080/metrics) for E_llm from per-process power;
     * SCAPHANDRE_URL overrides it. Without it, E_llm is the RAPL energy × the server's CPU-time share.
     */
    scaphandre_url: z.url({ protocol: /^https?$/ }).nullable().default(null),
    /** Idle power of the loaded server, measured before each interactive cell's requests; 0 leaves it (and the active figures) out. */
    idle_baseline_s: z.number().min(0).max(MAX_IDLE_BASELINE_S, `(the interactive cell's setup time allows ${MAX_IDLE_BASELINE_S} s for it)`).default(3),
    /** gCO2e per kWh of the electricity used, and where that figure comes from (shown beside every carbon figure). */
    grid_intensity_g_per_kwh: z.number().min(0).max(5000).default(DEFAULT_GRID_INTENSITY_G_PER_KWH),
    grid_intensity_source: z.string().min(1).default(DEFAULT_GRID_INTENSITY_SOURCE),
  })
  .prefault({});

export type EnergyConfig = z.output<typeof energySchema>;
