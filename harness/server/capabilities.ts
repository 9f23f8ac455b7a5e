// What a server backend can do, and what a profile needs of it. Pure: a profile whose needs a backend lacks is
// skipped with the reason, before any cell starts.

export const CAPABILITIES = {
  relaunch: 'restart the server with other settings (it was started here)',
  tokenize: "count tokens with the server's own tokenizer (llama-server's /tokenize, native /completion with token ids)",
  timings: 'report server-side prompt and generation timings per request',
  'cache-ram': "set the prompt cache's size (llama-server --cache-ram)",
  sleep: 'put the server to sleep when idle (llama-server --sleep-idle-seconds)',
  process: 'sample the server process for CPU and RSS (started here, or given by pid)',
  slots: "report its slots (llama-server's /slots)",
  metrics: "serve Prometheus counters (llama-server's /metrics)",
  health: 'answer /health (llama-server)',
  'same-host': 'run on this machine (loopback, or a process id given), so its load shows here',
} as const;

export type Capability = keyof typeof CAPABILITIES;
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

/** What a profile needs: a fixed list, or one that depends on its settings (batch's no-cache pass needs relaunch). */
export type Needs<Plan> = readonly Capability[] | ((plan: Plan) => readonly Capability[]);

/** The needed capabilities the backend lacks, in the order they were asked for, each once. */
export function missingCapabilities(needs: readonly Capability[], offered: { capabilities: Iterable<Capability> } | Iterable<Capability>): Capability[] {
  const has = new Set('capabilities' in offered ? offered.capabilities : offered);
  return [...new Set(needs)].filter((c) => !has.has(c));
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The skip reason: what is missing, what each means, and which server lacks it. */
export function describeMissing(profile: string, missing: readonly Capability[], server: string): string {
  return `the ${profile} profile needs ${list(missing)}, which ${server} does not offer (${missing.map((c) => `${c}: ${CAPABILITIES[c]}`).join('; ')})`;
}
