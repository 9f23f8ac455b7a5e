/**
 * What a figure means to a person at the machine, as one data table. Bands are checked in order; the first whose
 * `below` bound the value is under wins. Sources: reading speed ≈ 4–5 words/s ≈ 6–8 tokens/s; Nielsen's response
 * time limits (0.1 s, 1 s, 10 s) for the latency bands.
 */
interface Band {
  below: number;
  text: string;
}

const DECODE: Band[] = [
  { below: 2, text: 'too slow to follow' },
  { below: 5, text: 'slower than reading' },
  { below: 10, text: 'about reading speed' },
  { below: 15, text: 'comfortable reading speed' },
  { below: 30, text: 'faster than reading' },
  { below: Infinity, text: 'streams faster than the eye' },
];
const TTFT: Band[] = [
  { below: 0.1, text: 'instantaneous' },
  { below: 2, text: 'feels instant' },
  { below: 5, text: 'a noticeable pause' },
  { below: 15, text: 'a wait' },
  { below: Infinity, text: 'too long for a chat' },
];
const LATENCY: Band[] = [
  { below: 1, text: 'snappy' },
  { below: 2.5, text: 'responsive' },
  { below: 10, text: 'sluggish' },
  { below: Infinity, text: 'frustrating' },
];
const LOAD: Band[] = [
  { below: 5, text: 'starts in a blink' },
  { below: 30, text: 'a short start-up' },
  { below: 60, text: 'a slow start' },
  { below: Infinity, text: 'too slow to restart casually' },
];
const MEMORY_MB: Band[] = [
  { below: 500, text: 'negligible on most machines' },
  { below: 2000, text: 'fits beside a browser' },
  { below: 6000, text: 'wants a 16 GB machine' },
  { below: Infinity, text: 'wants a dedicated machine' },
];
const MACHINE_CPU: Band[] = [
  { below: 1, text: 'invisible' },
  { below: 5, text: 'barely noticeable' },
  { below: 25, text: 'noticeable on battery' },
  { below: 50, text: 'a visible load' },
  { below: Infinity, text: 'competes with your work' },
];
const DOCS_PER_HOUR: Band[] = [
  { below: 10, text: 'a trickle' },
  { below: 60, text: 'about one a minute or less' },
  { below: 600, text: 'a steady batch pace' },
  { below: Infinity, text: 'bulk throughput' },
];
const TEMPERATURE: Band[] = [
  { below: 60, text: 'cool' },
  { below: 75, text: 'warm' },
  { below: 85, text: 'hot: fans audible on a laptop' },
  { below: Infinity, text: 'near throttling' },
];

export const INTERPRETATIONS: Record<string, Band[]> = {
  decode_tps_mean: DECODE,
  server_decode_tps_mean: DECODE,
  ttft_p50_s: TTFT,
  ttft_p95_s: TTFT,
  latency_p50_s: LATENCY,
  latency_p95_s: LATENCY,
  latency_p99_s: LATENCY,
  answer_latency_p95_s: LATENCY,
  load_s: LOAD,
  rss_peak_mb: MEMORY_MB,
  rss_mean_mb: MEMORY_MB,
  cpu_mean_pct: MACHINE_CPU,
  cpu_p99_pct: MACHINE_CPU,
  docs_per_hour: DOCS_PER_HOUR,
  temperature_max_c: TEMPERATURE,
};

export function interpret(metric: string, value: number | null | undefined): string | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return INTERPRETATIONS[metric]?.find((b) => value < b.below)?.text ?? null;
}
