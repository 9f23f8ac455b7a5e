// llama-server's /metrics (Prometheus text exposition). Pure: samples without labels, by name; comments, labelled
// samples and values that are not finite numbers are left out.

/** `name value [timestamp]` lines of the exposition, by name. */
export function parsePrometheus(text: string): Record<string, number> {
  // No prototype: a metric named __proto__ is just a name.
  const out = Object.create(null) as Record<string, number>;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!m) continue;
    const value = Number(m[2]);
    if (Number.isFinite(value) && !Object.hasOwn(out, m[1]!)) out[m[1]!] = value;
  }
  return out;
}

/** The llama-server counters and gauges a cell records, under short names (prefix `llamacpp:` dropped). */
export const LLAMA_METRICS = [
  'prompt_tokens_total',
  'prompt_tokens_cached_total',
  'prompt_seconds_total',
  'tokens_predicted_total',
  'tokens_predicted_seconds_total',
  'n_decode_total',
  'requests_processing',
  'requests_deferred',
] as const;

/** The fields of LLAMA_METRICS that the exposition holds (null where it lacks one: never a zero). */
export function llamaMetrics(parsed: Record<string, number>): Record<(typeof LLAMA_METRICS)[number], number | null> {
  return Object.fromEntries(LLAMA_METRICS.map((k) => [k, parsed[`llamacpp:${k}`] ?? null])) as Record<(typeof LLAMA_METRICS)[number], number | null>;
}
