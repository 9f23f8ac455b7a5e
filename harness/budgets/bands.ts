/**
 * What a figure means to a person at the machine. Bands are checked in order; the first whose `below` bound the
 * value is under wins. Sources: reading speed ≈ 4–5 words/s ≈ 6–8 tokens/s; Nielsen's response time limits
 * (0.1 s, 1 s, 10 s) for the latency bands. The metric registry (catalogue.ts) attaches them to metrics.
 */
export interface Band {
  below: number;
  text: string;
}

export const DECODE_BANDS: readonly Band[] = [
  { below: 2, text: 'too slow to follow' },
  { below: 5, text: 'slower than reading' },
  { below: 10, text: 'about reading speed' },
  { below: 15, text: 'comfortable reading speed' },
  { below: 30, text: 'faster than reading' },
  { below: Infinity, text: 'streams faster than the eye' },
];
export const TTFT_BANDS: readonly Band[] = [
  { below: 0.1, text: 'instantaneous' },
  { below: 2, text: 'feels instant' },
  { below: 5, text: 'a noticeable pause' },
  { below: 15, text: 'a wait' },
  { below: Infinity, text: 'too long for a chat' },
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
export const MEMORY_MB_BANDS: readonly Band[] = [
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
  { below: 10, text: 'a trickle' },
  { below: 60, text: 'about one a minute or less' },
  { below: 600, text: 'a steady batch pace' },
  { below: Infinity, text: 'bulk throughput' },
];
export const TEMPERATURE_BANDS: readonly Band[] = [
  { below: 60, text: 'cool' },
  { below: 75, text: 'warm' },
  { below: 85, text: 'hot: fans audible on a laptop' },
  { below: Infinity, text: 'near throttling' },
];

export function bandText(bands: readonly Band[] | undefined, value: number | null | undefined): string | null {
  if (!bands || value === null || value === undefined || !Number.isFinite(value)) return null;
  return bands.find((b) => value < b.below)?.text ?? null;
}
