// The `target:` block: which server the run measures. `local-llama` (the default) is a llama-server this harness
// launches per cell; `remote-llama` and `remote-openai` are servers started elsewhere, reached at `url`.
// Everything here is pure: the URL's form and host are checked, nothing is contacted.
import { z } from 'zod';

export const TARGET_KINDS = ['local-llama', 'remote-llama', 'remote-openai'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export type RemoteKind = Exclude<TargetKind, 'local-llama'>;

/** Linux's pid_max ceiling (2^22): a larger number cannot be a process id. */
const PID_MAX = 4_194_304;

/** Host names that reach this machine only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && Number(v4[1]) === 127 && v4.slice(2).every((o) => Number(o) <= 255);
}

/**
 * Why `text` cannot be a target URL, or null. http(s) only, no credentials, query or fragment in it (a key goes in
 * an environment variable, named by api_key_env), and loopback unless `allowRemote`: tests and benchmarks talk to
 * this machine only unless the user says otherwise.
 */
export function targetUrlProblem(text: string, allowRemote: boolean, apiKey = false): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `got "${text}", not a URL; expected e.g. http://127.0.0.1:8080`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `got the scheme "${url.protocol.slice(0, -1)}", expected http or https (e.g. http://127.0.0.1:8080)`;
  if (url.username || url.password) return 'holds a user name or password; expected none in the URL (name an environment variable with api_key_env for a key)';
  if (url.search || url.hash) return `holds a ${url.search ? 'query' : 'fragment'}; expected a base URL such as http://127.0.0.1:8080 or http://127.0.0.1:11434/v1`;
  const loopback = isLoopbackHost(url.hostname);
  if (!loopback && !allowRemote) {
    return `${url.hostname} is not this machine (loopback: 127.0.0.1, ::1, localhost); to measure a server on another machine set target.allow_remote: true`;
  }
  if (!loopback && apiKey && url.protocol === 'http:') return `an API key would cross the network to ${url.hostname} unencrypted; expected an https:// URL`;
  return null;
}

/** The URL without a trailing slash, so `${base}/path` has one slash. */
export function normalizeBaseUrl(text: string): string {
  return text.replace(/\/+$/, '');
}

export const targetSchema = z
  .strictObject({
    kind: z.enum(TARGET_KINDS).default('local-llama'),
    /** Base URL of a remote target: the server's root for remote-llama, the API base (often ending in /v1) for remote-openai. */
    url: z.string().min(1).optional(),
    /** Name of the environment variable holding the API key (sent as a bearer token to the target's origin only). */
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable, such as OPENAI_API_KEY').optional(),
    /** Model name(s) sent in requests; one cell per name. Required for remote-openai. */
    model: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** The server's process id, sampled for CPU and RSS like a launched server (it must listen on the URL's port). */
    pid: z.number().int().min(1).max(PID_MAX, `(Linux process ids are at most ${PID_MAX})`).optional(),
    /** A file holding that process id (relative to the config file). */
    pid_file: z.string().min(1).optional(),
    /** Opt-in for a target that is not on this machine: requests then leave the loopback interface. */
    allow_remote: z.boolean().default(false),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'local-llama') {
      for (const key of ['url', 'api_key_env', 'model', 'pid', 'pid_file'] as const) {
        if (t[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `applies to a server started elsewhere; expected kind: remote-llama or remote-openai beside it (local-llama launches its own server)` });
      }
      return;
    }
    if (t.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `missing; a ${t.kind} target needs the URL of the running server, e.g. url: http://127.0.0.1:8080` });
    else {
      const why = targetUrlProblem(t.url, t.allow_remote, t.api_key_env !== undefined);
      if (why) ctx.addIssue({ code: 'custom', path: ['url'], message: why });
    }
    if (t.kind === 'remote-openai' && t.model === undefined) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'missing; an OpenAI-compatible server needs the model name each request names, e.g. model: llama3.2:1b' });
    }
    if (t.pid !== undefined && t.pid_file !== undefined) ctx.addIssue({ code: 'custom', path: ['pid_file'], message: 'expected pid or pid_file, not both' });
    if (Array.isArray(t.model)) {
      t.model.forEach((m, i) => {
        if (t.model!.indexOf(m) !== i) ctx.addIssue({ code: 'custom', path: ['model', i], message: `expected each model once; "${m}" is listed twice` });
      });
    }
  });

export type TargetConfig = z.infer<typeof targetSchema>;

export const DEFAULT_TARGET: TargetConfig = { kind: 'local-llama', allow_remote: false };

export function isRemoteTarget(t: TargetConfig | undefined): t is TargetConfig & { kind: RemoteKind; url: string } {
  return t !== undefined && t.kind !== 'local-llama';
}

/** The model names a remote target's cells run, in config order (none: the server's own model). */
export function targetModels(t: TargetConfig): string[] {
  return t.model === undefined ? [] : Array.isArray(t.model) ? t.model : [t.model];
}

/**
 * `--url` / `--pid` (or BENCH_TARGET_URL / BENCH_TARGET_PID): a shortcut for a remote target. The URL replaces the
 * config's target URL; the kind stays when the config already names a remote one (so remote-openai keeps its model
 * and key), else it is remote-llama.
 */
export interface TargetOverride {
  url?: string;
  pid?: number;
}

export function applyTargetOverride(data: unknown, override: TargetOverride): unknown {
  if (override.url === undefined && override.pid === undefined) return data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const doc = data as Record<string, unknown>;
  const given = doc.target !== null && typeof doc.target === 'object' && !Array.isArray(doc.target) ? (doc.target as Record<string, unknown>) : {};
  const remote = given.kind === 'remote-llama' || given.kind === 'remote-openai';
  const target: Record<string, unknown> = remote ? { ...given } : { kind: 'remote-llama', ...(given.allow_remote !== undefined ? { allow_remote: given.allow_remote } : {}) };
  if (override.url !== undefined) target.url = override.url;
  if (override.pid !== undefined) {
    target.pid = override.pid;
    delete target.pid_file;
  }
  return { ...doc, target };
}
