// What the plan knows about the server it measures (plain, serialisable data; it is written to plan.json, so it
// never holds an API key, only the name of its variable).
import type { TargetKind } from '../config/target-schema.ts';
import type { ServerApi } from '../client/endpoints.ts';
import type { Capability } from './capabilities.ts';

/** What the server says it is. */
export interface ServerFacts {
  /** "llama-server", "ollama", "vllm" or "an OpenAI-compatible server". */
  name: string;
  /** Its version, as far as it tells (e.g. "b1" for llama-server, "0.12.3" for Ollama); "unreported" when it does not. */
  version: string;
  commit: string | null;
  /** The version string exactly as the server reported it (the resume key's): e.g. "b1-de3ff81". */
  reported: string;
  /** The model the server has loaded or lists first, as it names it. */
  model: string | null;
  /** Slots (parallel sequences) and their context, when the server tells. */
  slots: number | null;
  ctx: number | null;
  /** llama-server serves /metrics. */
  metrics: boolean;
  /** Things worth a line in the log: a model not listed, a /metrics left off. */
  notes: string[];
}

/** A server process started elsewhere, given by pid: what it was checked to be. */
export interface SampledProcess {
  pid: number;
  /** Where the pid came from. */
  from: 'target.pid' | 'target.pid_file';
  name: string;
  exe: string | null;
  /** What was checked, e.g. "port 8080". */
  listens: string;
}

export interface PlannedTarget {
  kind: TargetKind;
  /** Base URL of a remote target (no credentials: the config refuses them); null for a launched server. */
  url: string | null;
  api: ServerApi;
  /** The environment variable holding the API key (its name only). */
  apiKeyEnv: string | null;
  facts: ServerFacts | null;
  capabilities: Capability[];
  /** The process sampled for CPU and RSS when the server was not started here. */
  process: SampledProcess | null;
  /** Why CPU and RSS are not sampled; null when a process is. */
  noProcess: string | null;
}

/** Capabilities of a llama-server launched here: everything but /metrics, which needs --metrics. */
export function localCapabilities(extraArgs: readonly string[]): Capability[] {
  return ['relaunch', 'tokenize', 'timings', 'cache-ram', 'sleep', 'process', 'slots', 'health', 'same-host', ...(extraArgs.includes('--metrics') ? (['metrics'] as const) : [])];
}

/** Capabilities of a server started elsewhere: what its API offers, plus sampling when a pid was given. */
export function remoteCapabilities(kind: TargetKind, facts: ServerFacts, pid: boolean, loopback: boolean): Capability[] {
  const out: Capability[] = [];
  if (kind === 'remote-llama') out.push('tokenize', 'timings', 'health', 'slots');
  // Through the OpenAI API, llama-server still sends its timings, and Ollama's native API has them.
  else if (facts.name === 'llama-server' || facts.name === 'ollama') out.push('timings');
  if (facts.metrics) out.push('metrics');
  if (pid) out.push('process');
  if (pid || loopback) out.push('same-host');
  return out;
}

/** The plan's target, a launched llama-server when the plan has none (plans written before targets existed). */
export function targetOf(plan: { target?: PlannedTarget; config: { llama: { extra_args: readonly string[] } } }): PlannedTarget {
  return plan.target ?? { kind: 'local-llama', url: null, api: 'llama', apiKeyEnv: null, facts: null, capabilities: localCapabilities(plan.config.llama.extra_args), process: null, noProcess: null };
}

/** How the target reads in a sentence: "the remote-llama server at http://127.0.0.1:8080". */
export function describeTarget(t: PlannedTarget): string {
  return t.kind === 'local-llama' ? 'a llama-server launched per cell' : `the ${t.kind} server at ${t.url}`;
}

/** Why figures that need the model file or the launched server (llama-bench, the decode roofline) are not taken; null for a launched server. */
export function notLaunchedHere(plan: { target?: PlannedTarget }): string | null {
  const t = plan.target;
  if (!t || t.kind === 'local-llama') return null;
  return `the server at ${t.url} was not started here: its model file and build are not known to this harness`;
}
