// What the client accepts from a server: a bounded number of bytes per answer, read within the request's deadline.
// A server is untrusted input like any other: it can stream hundreds of MB, stall mid-body or send garbage, and each
// of those is an error of that request, never an empty or oversized successful answer.
import type { Dispatcher } from 'undici';

/**
 * Bytes per answer, by default. llama-server's streamed `/completion` events carry about 100 bytes per token
 * (content, token id, slot and counters; 5.6 kB for 32 tokens measured on the tiny model), and its last event holds
 * a few kB of settings and repeats the prompt as text: 8 MiB holds tens of thousands of tokens and a 64k-token prompt
 * with room to spare. `client.max_response_mb` in the config changes it.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

let maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

/** Sets the cap for every later request of this process (the config's `client.max_response_mb`). */
export function configureClient(settings: { max_response_mb: number }): void {
  const bytes = Math.round(settings.max_response_mb * 1024 * 1024);
  if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`client.max_response_mb: expected a positive number, got ${settings.max_response_mb}`);
  maxResponseBytes = bytes;
}

/** The cap a request uses when it names none. */
export function responseByteCap(): number {
  return maxResponseBytes;
}

export type ClientErrorKind = 'unreachable' | 'timeout' | 'too-large' | 'too-many-tokens' | 'unreadable' | 'http' | 'malformed';

/** A request that failed, with a one-line message saying what the server did and what the client did about it. */
export class ClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClientError';
  }
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MiB`;

export function tooLarge(cap: number, seen: number): ClientError {
  return new ClientError('too-large', `the answer passed the ${mib(cap)} cap (client.max_response_mb) at ${mib(seen)}: stopped reading it`);
}

/** A declared Content-Length over the cap: refused before a byte of the body is read. */
export function checkDeclaredLength(res: Dispatcher.ResponseData, cap: number): void {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) throw tooLarge(cap, declared);
}

/**
 * Yields the body's chunks until it ends, throwing as soon as more than `cap` bytes have arrived (the caller's
 * abort then drops the connection, so the rest is never read).
 */
export async function* cappedChunks(body: AsyncIterable<unknown>, cap: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    seen += bytes.length;
    if (seen > cap) throw tooLarge(cap, seen);
    yield bytes;
  }
}

/** The whole body as text, at most `cap` bytes of it. */
export async function readCapped(res: Dispatcher.ResponseData, cap: number): Promise<string> {
  checkDeclaredLength(res, cap);
  const chunks: Buffer[] = [];
  for await (const chunk of cappedChunks(res.body, cap)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A signal for one request: its deadline (`timeoutMs`, body included) or the client's own abort, whichever comes
 * first. `fail` turns whatever was thrown into a ClientError naming which it was; `answered` says whether the
 * response had begun (a failure before that is a connection failure, with the system's own message).
 */
export function requestDeadline(timeoutMs: number, what = 'no complete answer') {
  const deadline = AbortSignal.timeout(timeoutMs);
  const own = new AbortController();
  return {
    signal: AbortSignal.any([deadline, own.signal]),
    /** Drops the connection: the body is not read any further. */
    abort: () => own.abort(),
    fail(e: unknown, answered: boolean): ClientError {
      own.abort();
      if (e instanceof ClientError) return e;
      if (deadline.aborted) return new ClientError('timeout', `${what} within ${timeoutMs / 1000} s`, { cause: e });
      const message = oneLine(e instanceof Error ? e.message : String(e));
      if (!answered) return new ClientError('unreachable', message, { cause: e });
      return new ClientError('unreadable', `the answer could not be read: ${message}`, { cause: e });
    },
  };
}

/** Server text in a message: one line, and short. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
