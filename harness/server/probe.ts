// What a server started elsewhere is, asked once when the run is planned: llama-server's /health, /props, /v1/models
// and /metrics; an OpenAI-compatible server's /models, then (at its origin) Ollama's /api/version, llama-server's
// /props or vLLM's /version. Every request goes to the target's origin; the API key is sent there and nowhere else.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { ServerApi } from '../client/endpoints.ts';
import { oneLine, readCapped } from '../client/limits.ts';
import type { RemoteKind } from '../config/target-schema.ts';
import type { Progress } from '../progress.ts';
import { TargetError } from './errors.ts';
import type { ServerFacts } from './target.ts';

/** /props holds the chat template: a few kB usually, far below this. */
const PROBE_BYTES = 4 * 1024 * 1024;
const PROBE_TIMEOUT_MS = 5000;
/** How long a URL where nothing listens is retried: a server started a moment ago may not be listening yet. */
const UNREACHABLE_GRACE_MS = 10_000;

export interface HttpAnswer {
  status: number;
  text: string;
}

export interface ProbeOptions {
  kind: RemoteKind;
  url: string;
  /** The key itself, read from target.api_key_env by the caller; only ever sent to the URL's origin. */
  apiKey: string | null;
  /** Model names the cells will request (target.model). */
  models: readonly string[];
  /** How long a llama-server that answers 503 (still loading its model) is waited for. */
  loadTimeoutMs: number;
  progress: Progress;
}

/** GET within a deadline; throws the system's one-line message when nothing answers. */
export async function httpGet(url: string, headers: Record<string, string>, timeoutMs = PROBE_TIMEOUT_MS): Promise<HttpAnswer> {
  const res = await request(url, { headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs + 500) });
  return { status: res.statusCode, text: await readCapped(res, PROBE_BYTES) };
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

/** llama-server's build_info, e.g. "b1-de3ff81" or "b6123-0a1b2c3d": build number and commit. */
export function parseBuildInfo(buildInfo: string): { version: string; commit: string | null } {
  const m = /^(b?\d+)-([0-9a-f]{7,40})$/.exec(buildInfo.trim());
  return m ? { version: m[1]!.startsWith('b') ? m[1]! : `b${m[1]}`, commit: m[2]! } : { version: buildInfo.trim(), commit: null };
}

/** Facts from llama-server's /props (and /v1/models for the model's name). */
export function llamaFacts(props: unknown, models: unknown): Omit<ServerFacts, 'metrics' | 'notes'> {
  const p = obj(props);
  const build = str(p.build_info);
  const { version, commit } = build ? parseBuildInfo(build) : { version: 'unreported', commit: null };
  const listed = obj(models).data;
  const first = Array.isArray(listed) ? str(obj(listed[0]).id) : null;
  return {
    name: 'llama-server',
    version,
    commit,
    reported: build ?? 'unreported',
    model: first ?? str(p.model_alias) ?? str(p.model_path),
    slots: int(p.total_slots),
    ctx: int(obj(p.default_generation_settings).n_ctx),
  };
}

/** Model ids of an OpenAI /models answer; null when it is not one. */
export function listedModels(body: unknown): string[] | null {
  const data = obj(body).data;
  if (!Array.isArray(data)) return null;
  return data.map((m) => str(obj(m).id)).filter((id): id is string => id !== null);
}

/** GET `url` until it answers, retrying while nothing listens (UNREACHABLE_GRACE_MS) or while `wait` says so. */
async function getPatiently(url: string, headers: Record<string, string>, wait: (a: HttpAnswer) => boolean, deadlineMs: number, onWait: () => void): Promise<HttpAnswer> {
  const start = performance.now();
  let waited = false;
  for (;;) {
    try {
      const answer = await httpGet(url, headers);
      if (!wait(answer) || performance.now() - start > deadlineMs) return answer;
      if (!waited) onWait();
      waited = true;
    } catch (e) {
      if (performance.now() - start > UNREACHABLE_GRACE_MS) {
        throw new TargetError(`nothing answers at ${url}: ${oneLine((e as Error).message)} (is the server running, and is this its address?)`);
      }
    }
    await sleep(250);
  }
}

function refused(status: number, what: string, apiKey: string | null): string {
  if (status === 401 || status === 403) return `${what} answered HTTP ${status}: ${apiKey ? 'the server refused the API key' : 'the server wants an API key; name the variable holding it with target.api_key_env'}`;
  return `${what} answered HTTP ${status}`;
}

/** What the target is and which API it speaks; a server that does not answer as its kind should is a TargetError. */
export async function probeTarget(o: ProbeOptions): Promise<{ api: ServerApi; facts: ServerFacts }> {
  const base = o.url;
  const origin = new URL(base).origin;
  const auth: Record<string, string> = o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {};
  const optional = async (url: string): Promise<HttpAnswer | null> => {
    try {
      return await httpGet(url, auth);
    } catch {
      return null;
    }
  };
  const notes: string[] = [];
  if (o.kind === 'remote-llama') {
    const health = await getPatiently(`${base}/health`, auth, (a) => a.status === 503, o.loadTimeoutMs, () => o.progress(`waiting for the server at ${base} to load its model (/health answers 503)`));
    if (health.status !== 200) {
      const hint = health.status === 404 ? ': is it a llama-server? For another OpenAI-compatible server use target.kind: remote-openai' : health.status === 503 ? ` for ${o.loadTimeoutMs / 1000} s (llama.load_timeout_s): still loading` : '';
      throw new TargetError(`${refused(health.status, `GET ${base}/health`, o.apiKey)}${hint}`);
    }
    const props = await optional(`${base}/props`);
    const models = await optional(`${base}/v1/models`);
    const facts = llamaFacts(props?.status === 200 ? json(props.text) : null, models?.status === 200 ? json(models.text) : null);
    if (props?.status !== 200) notes.push(`GET /props answered ${props ? `HTTP ${props.status}` : 'nothing'}: the server's version is unreported`);
    const metrics = await optional(`${base}/metrics`);
    const servesMetrics = metrics?.status === 200 && metrics.text.includes('llamacpp:');
    if (!servesMetrics) notes.push("no /metrics (start llama-server with --metrics for its token and slot counters)");
    return { api: 'llama', facts: { ...facts, metrics: servesMetrics, notes } };
  }
  const listing = await getPatiently(`${base}/models`, auth, () => false, 0, () => {});
  if (listing.status !== 200) throw new TargetError(`${refused(listing.status, `GET ${base}/models`, o.apiKey)}: not an OpenAI-compatible API base (expected e.g. http://127.0.0.1:11434/v1)`);
  const ids = listedModels(json(listing.text));
  if (ids === null) throw new TargetError(`GET ${base}/models answered without a "data" list of models: not an OpenAI-compatible API base (expected e.g. http://127.0.0.1:11434/v1)`);
  const unlisted = o.models.filter((m) => !ids.includes(m));
  if (ids.length > 0 && unlisted.length > 0) notes.push(`the server does not list ${unlisted.join(', ')} among its models (${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', …' : ''}); requests naming it may fail`);
  const common = { model: o.models[0] ?? ids[0] ?? null, slots: null, ctx: null, notes };
  const ollama = await optional(`${origin}/api/version`);
  const ollamaVersion = ollama?.status === 200 ? str(obj(json(ollama.text)).version) : null;
  if (ollamaVersion) return { api: 'ollama', facts: { ...common, name: 'ollama', version: ollamaVersion, commit: null, reported: `ollama ${ollamaVersion}`, metrics: false } };
  const props = await optional(`${origin}/props`);
  const llama = props?.status === 200 ? llamaFacts(json(props.text), null) : null;
  if (llama && llama.reported !== 'unreported') {
    const metrics = await optional(`${origin}/metrics`);
    return { api: 'openai', facts: { ...common, ...llama, model: common.model, metrics: metrics?.status === 200 && metrics.text.includes('llamacpp:') } };
  }
  const version = await optional(`${origin}/version`);
  const v = version?.status === 200 ? str(obj(json(version.text)).version) : null;
  if (!v) notes.push('the server reports no version (tried /api/version, /props and /version at its origin): a resumed run cannot tell whether it changed');
  return { api: 'openai', facts: { ...common, name: 'OpenAI-compatible server', version: v ?? 'unreported', commit: null, reported: v ? `version ${v}` : 'unreported', metrics: false } };
}
