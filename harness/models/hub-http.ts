import { Agent, request, type Dispatcher } from 'undici';
import { DownloadError } from './download-error.ts';

export { DownloadError };

/** A file in a hub repository with its revision filled in. */
export interface HubRef {
  repo: string;
  file: string;
  revision: string;
}

export function refLabel(ref: HubRef): string {
  return `${ref.repo}/${ref.file} at revision ${ref.revision}`;
}

/** The hub's resolve URL: `<endpoint>/<repo>/resolve/<revision>/<file>`. */
export function resolveUrl(endpoint: string, ref: HubRef): string {
  const file = ref.file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${file}`;
}

/** CDN URLs carry signed query strings: an error message shows where a request went, never its credentials. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export function header(res: Dispatcher.ResponseData, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** How long a hub or CDN may take before a download gives up (its `.part` is kept, so a later run resumes). */
export interface Deadlines {
  /** Setting up a connection. */
  connectMs: number;
  /** Waiting for an answer's headers, and the longest pause between two pieces of a body. */
  idleMs: number;
  /** The whole download; default: 15 minutes plus the file at 512 KiB/s, so a slow but moving link still finishes. */
  overallMs?: number;
}

export const DEFAULT_DEADLINES: Deadlines = { connectMs: 30_000, idleMs: 60_000 };
const OVERALL_BASE_MS = 15 * 60_000;
const OVERALL_MIN_BYTES_PER_S = 512 * 1024;

/** The overall deadline for a file of `bytes` (null: unknown, bounded by a byte cap instead). */
export function overallDeadlineMs(deadlines: Deadlines, bytes: number | null): number {
  return deadlines.overallMs ?? OVERALL_BASE_MS + Math.ceil(((bytes ?? 0) / OVERALL_MIN_BYTES_PER_S) * 1000);
}

const agents = new Map<number, Agent>();
/** One connection pool per connect timeout (undici sets that timeout on the pool, not on a request). */
function agentFor(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (!agent) {
    agent = new Agent({ connect: { timeout: connectMs } });
    agents.set(connectMs, agent);
  }
  return agent;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** Why a request was aborted: the download's own overall deadline, or the caller. */
export function abortReason(signal: AbortSignal | undefined, overallMs: number | undefined): string {
  const reason = signal?.reason as { name?: string } | undefined;
  return reason?.name === 'TimeoutError' && overallMs !== undefined ? `the download did not finish within ${seconds(overallMs)}` : 'download aborted';
}

/** undici's own timeouts, in words: which deadline passed, where. */
export function timeoutMessage(e: unknown, where: string, deadlines: Deadlines): string | null {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `could not connect to ${where} within ${seconds(deadlines.connectMs)}`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return `no answer from ${where} within ${seconds(deadlines.idleMs)}`;
  if (code === 'UND_ERR_BODY_TIMEOUT') return `no data from ${where} for ${seconds(deadlines.idleMs)}`;
  return null;
}

export interface SendOptions {
  token: string | undefined;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  deadlines?: Deadlines;
  /** Stop at this redirect instead of following it (the hub's LFS metadata lives on its redirect to the CDN). */
  keepRedirect?: (res: Dispatcher.ResponseData) => boolean;
}

/**
 * One request that follows redirects by hand, so that the token goes to the hub's own origin only: the real hub
 * redirects LFS files to a CDN, which must never see it.
 */
export async function send(method: 'HEAD' | 'GET', url: string, opts: SendOptions): Promise<{ res: Dispatcher.ResponseData; url: string }> {
  const hubOrigin = new URL(url).origin;
  let current = url;
  for (let hops = 0; ; hops++) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'llm-budget-bench', ...opts.headers };
    if (opts.token && new URL(current).origin === hubOrigin) headers.authorization = `Bearer ${opts.token}`;
    const res = await requestOrExplain(method, current, headers, opts.signal, opts.deadlines ?? DEFAULT_DEADLINES);
    const location = header(res, 'location');
    if (!REDIRECT_STATUSES.has(res.statusCode) || !location || opts.keepRedirect?.(res)) return { res, url: current };
    await res.body.dump();
    if (hops >= MAX_REDIRECTS) throw new DownloadError(`too many redirects from ${describeUrl(url)}`, res.statusCode);
    current = new URL(location, current).toString();
  }
}

async function requestOrExplain(method: 'HEAD' | 'GET', url: string, headers: Record<string, string>, signal: AbortSignal | undefined, deadlines: Deadlines) {
  try {
    return await request(url, {
      method,
      headers,
      signal,
      dispatcher: agentFor(deadlines.connectMs),
      headersTimeout: deadlines.idleMs,
      bodyTimeout: deadlines.idleMs,
    });
  } catch (e) {
    if (signal?.aborted) throw new DownloadError(`${abortReason(signal, deadlines.overallMs)} before ${describeUrl(url)} answered`, null, { cause: e });
    const timedOut = timeoutMessage(e, describeUrl(url), deadlines);
    throw new DownloadError(timedOut ?? `cannot reach ${describeUrl(url)}: ${(e as Error).message}`, null, { cause: e });
  }
}

/** The error for a failed status, in the hub's terms: what went wrong and what to do about it. */
export function statusError(status: number, ref: HubRef, url: string, res?: Dispatcher.ResponseData): DownloadError {
  const hubCode = res ? header(res, 'x-error-code') : undefined;
  if (status === 401 || status === 403) {
    // The hub answers 401 for a private or missing repo as well, so as not to reveal which repos exist.
    return new DownloadError(
      `access denied (HTTP ${status}${hubCode ? `, ${hubCode}` : ''}) to ${refLabel(ref)}: gated and private repos need ` +
        'HF_TOKEN set to a token with read access, and a gated repo needs its terms accepted on its hub page ' +
        '(the hub also answers 401 for a repo that does not exist)',
      status,
    );
  }
  if (status === 404) return new DownloadError(`not found: ${refLabel(ref)}${hubCode ? ` (${hubCode})` : ''}`, status);
  return new DownloadError(`HTTP ${status} from ${describeUrl(url)} for ${refLabel(ref)}`, status);
}

/** What the hub says about a file before we download it. */
export interface RemoteFile {
  size: number | null;
  /** The LFS SHA-256; null when the hub published none (a non-LFS file's etag is a git SHA-1). */
  sha256: string | null;
  etag: string | null;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Etags arrive quoted and sometimes weak (`W/"…"`); the hash is what is inside. */
export function normalizeEtag(etag: string | undefined): string | null {
  if (!etag) return null;
  return etag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1').toLowerCase();
}

function parseSize(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

const hasLfsMetadata = (res: Dispatcher.ResponseData) => header(res, 'x-linked-etag') !== undefined || header(res, 'x-linked-size') !== undefined;

/**
 * A HEAD request, as the hub's own client makes it: the LFS size and SHA-256 are headers of the hub's redirect to
 * the CDN (`x-linked-size`, `x-linked-etag`), so that redirect is not followed; others (a renamed repo) are.
 */
export async function fetchRemoteFile(url: string, ref: HubRef, token: string | undefined, signal?: AbortSignal, deadlines?: Deadlines): Promise<RemoteFile> {
  const { res, url: answeredBy } = await send('HEAD', url, { token, signal, deadlines, keepRedirect: hasLfsMetadata });
  await res.body.dump();
  if (res.statusCode >= 400) throw statusError(res.statusCode, ref, answeredBy, res);
  // A redirect's own content-length and etag describe the redirect, not the file: fall back to them only on a 200.
  const ownHeadersDescribeFile = res.statusCode < 300;
  const etag = normalizeEtag(header(res, 'x-linked-etag') ?? (ownHeadersDescribeFile ? header(res, 'etag') : undefined));
  return {
    size: parseSize(header(res, 'x-linked-size')) ?? (ownHeadersDescribeFile ? parseSize(header(res, 'content-length')) : null),
    sha256: etag && SHA256_HEX.test(etag) ? etag : null,
    etag,
  };
}
