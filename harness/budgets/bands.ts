/**
 * What a figure means to a person at the machine. Bands are checked in order; the first whose `below` bound the
 * value is under wins. The metric registry (catalogue.ts) attaches them to metrics.
 *
 * Two sets. `design` (the default) holds the interpretation bands of the "Inference Tester" design as issue 20
 * quotes them: decode 2–5 … 40+ tok/s, TTFT < 2 … > 30 s, context load < 5 … > 60 s, memory < 6 … > 14 GB,
 * docs/hour < 10 … > 120, temperature 70/80/85/90 °C. The design document itself was not available when these were
 * written: the outer bounds and the temperature steps are the design's, the inner steps and the wording are ours
 * and say so in the README. `small-machine` (config `interpretation.bands`) keeps, where a small machine gives a
 * measured reason to differ, the bands this suite used before: the built-in models peak at 43–173 MB RSS, all
 * inside the design's first memory band, and a 2-core machine summarises documents well past 120 an hour.
 * Latency, CPU and model-load bands (Nielsen's response-time limits; share of the machine) are the same in both.
 */
export interface Band {
  below: number;
  text: string;
}

export const BAND_SETS = ['design', 'small-machine'] as const;
export type BandSet = (typeof BAND_SETS)[number];

export const DECODE_BANDS: readonly Band[] = [
  { below: 2, text: 'under 2 tok/s: too slow to use' },
  { below: 5, text: '2–5 tok/s: slow, for background work' },
  { below: 10, text: '5–10 tok/s: usable, about reading speed' },
  { below: 20, text: '10–20 tok/s: good' },
  { below: 40, text: '20–40 tok/s: very good' },
  { below: Infinity, text: '40+ tok/s: excellent' },
];
export const TTFT_BANDS: readonly Band[] = [
  { below: 2, text: 'under 2 s: feels instant' },
  { below: 5, text: '2–5 s: good' },
  { below: 10, text: '5–10 s: acceptable' },
  { below: 30, text: '10–30 s: slow' },
  { below: Infinity, text: 'over 30 s: too slow for interactive use' },
];
/** The time to process the largest context (long-context `context_load_s`). */
export const CONTEXT_LOAD_BANDS: readonly Band[] = [
  { below: 5, text: 'under 5 s: excellent' },
  { below: 15, text: '5–15 s: good' },
  { below: 30, text: '15–30 s: acceptable' },
  { below: 60, text: '30–60 s: slow' },
  { below: Infinity, text: 'over 60 s: too slow' },
];
export const LATENCY_BANDS: readonly Band[] = [
  { below: 1, text: 'snappy' },
  { below: 2.5, text: 'responsive' },
  { below: 10, text: 'sluggish' },
  { below: Infinity, text: 'frustrating' },
];
export const LOAD_BANDS: readonly Band[] = [
  { below: 5, text: 'starts in a blink' },
  { below: 30, text: 'a short start-up' },
  { below: 60, text: 'a slow start' },
  { below: Infinity, text: 'too slow to restart casually' },
];
/** Memory in MB (1 GB = 1000 MB, as the RSS budgets count it). */
export const MEMORY_MB_BANDS: readonly Band[] = [
  { below: 6000, text: 'under 6 GB: fits an 8 GB machine' },
  { below: 10000, text: '6–10 GB: needs a 16 GB machine' },
  { below: 14000, text: '10–14 GB: tight on a 16 GB machine' },
  { below: Infinity, text: 'over 14 GB: needs 32 GB or more' },
];
export const SMALL_MACHINE_MEMORY_MB_BANDS: readonly Band[] = [
  { below: 500, text: 'negligible on most machines' },
  { below: 2000, text: 'fits beside a browser' },
  { below: 6000, text: 'wants a 16 GB machine' },
  { below: Infinity, text: 'wants a dedicated machine' },
];
export const MACHINE_CPU_BANDS: readonly Band[] = [
  { below: 1, text: 'invisible' },
  { below: 5, text: 'barely noticeable' },
  { below: 25, text: 'noticeable on battery' },
  { below: 50, text: 'a visible load' },
  { below: Infinity, text: 'competes with your work' },
];
export const DOCS_PER_HOUR_BANDS: readonly Band[] = [
  { below: 10, text: 'under 10 docs/hour: too slow for batch work' },
  { below: 30, text: '10–30 docs/hour: slow' },
  { below: 60, text: '30–60 docs/hour: moderate' },
  { below: 120, text: '60–120 docs/hour: good' },
  { below: Infinity, text: 'over 120 docs/hour: excellent' },
];
export const SMALL_MACHINE_DOCS_PER_HOUR_BANDS: readonly Band[] = [
  { below: 10, text: 'a trickle' },
  { below: 60, text: 'about one a minute or less' },
  { below: 600, text: 'a steady batch pace' },
  { below: Infinity, text: 'bulk throughput' },
];
export const TEMPERATURE_BANDS: readonly Band[] = [
  { below: 70, text: 'under 70 °C: normal' },
  { below: 80, text: '70–80 °C: warm' },
  { below: 85, text: '80–85 °C: hot' },
  { below: 90, text: '85–90 °C: very hot, throttling likely' },
  { below: Infinity, text: '90 °C or more: critical' },
];
/** Token-timing variance (CV of per-request decode tok/s, %); the interactive budget is ≤ 20 %. */
export const DECODE_CV_BANDS: readonly Band[] = [
  { below: 5, text: 'under 5 %: steady' },
  { below: 10, text: '5–10 %: slightly uneven' },
  { below: 20, text: '10–20 %: uneven, within the design limit' },
  { below: Infinity, text: 'over 20 %: erratic' },
];

/** Per alternative set, the design bands it replaces and what it puts in their place; the others stay. */
const ALTERNATIVES: Record<Exclude<BandSet, 'design'>, ReadonlyMap<readonly Band[], readonly Band[]>> = {
  'small-machine': new Map([
    [MEMORY_MB_BANDS, SMALL_MACHINE_MEMORY_MB_BANDS],
    [DOCS_PER_HOUR_BANDS, SMALL_MACHINE_DOCS_PER_HOUR_BANDS],
  ]),
};

/** The alternatives of a design band list, for the registry's declarations (`altBands`). */
export function alternativesOf(bands: readonly Band[]): Partial<Record<BandSet, readonly Band[]>> | undefined {
  const out: Partial<Record<BandSet, readonly Band[]>> = {};
  for (const [set, map] of Object.entries(ALTERNATIVES) as [BandSet, ReadonlyMap<readonly Band[], readonly Band[]>][]) {
    const alt = map.get(bands);
    if (alt) out[set] = alt;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The bands a metric shows under `set`: its alternative for that set where it declares one, else its design bands. */
export function bandsFor(definition: { bands?: readonly Band[]; altBands?: Partial<Record<BandSet, readonly Band[]>> } | undefined, set: BandSet = 'design'): readonly Band[] | undefined {
  return definition?.altBands?.[set] ?? definition?.bands;
}

export function bandText(bands: readonly Band[] | undefined, value: number | null | undefined): string | null {
  if (!bands || value === null || value === undefined || !Number.isFinite(value)) return null;
  return bands.find((b) => value < b.below)?.text ?? null;
}
