import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { abortReason, DownloadError, header, refLabel, send, statusError, timeoutMessage, type Deadlines, type HubRef, type RemoteFile } from './hub-http.ts';

export type ProgressCallback = (p: { file: string; received: number; total: number | null }) => void;

export interface Transfer {
  url: string;
  token: string | undefined;
  part: string;
  remote: RemoteFile;
  /** Bytes the file may have at most: the hub's size, else a configured cap. Reading stops the moment it is passed. */
  limit: number;
  /** With `overallMs` resolved; `signal` carries the overall deadline. */
  deadlines: Deadlines & { overallMs: number };
  progress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface Received {
  bytes: number;
  sha256: string;
  resumed: boolean;
}

const PROGRESS_INTERVAL_MS = 250;

/** Calls `progress` at most every 250 ms, always at the end, and only when `received` moved. */
function throttledProgress(file: string, total: number | null, progress: ProgressCallback | undefined) {
  let lastAt = -Infinity;
  let lastReceived = -1;
  return (received: number, force = false) => {
    const now = Date.now();
    if (!progress || received === lastReceived || (!force && now - lastAt < PROGRESS_INTERVAL_MS)) return;
    lastAt = now;
    lastReceived = received;
    progress({ file, received, total });
  };
}

async function hashExisting(file: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash;
}

/** The first byte a 206 answer starts at, from `Content-Range: bytes <start>-<end>/<total>`. */
function rangeStart(res: Dispatcher.ResponseData): number | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header(res, 'content-range') ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * Asks for the bytes after `offset`. A server that ignores Range answers 200 with the whole file, which is used
 * from zero; a 206 from the wrong place or a 416 is dropped and the whole file asked for again.
 */
async function openBody(t: Transfer, ref: HubRef, offset: number): Promise<{ res: Dispatcher.ResponseData; offset: number }> {
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const { res, url } = await send('GET', t.url, { token: t.token, headers, signal: t.signal, deadlines: t.deadlines });
  if (res.statusCode === 200) return { res, offset: 0 };
  if (res.statusCode === 206 && offset > 0 && rangeStart(res) === offset) return { res, offset };
  await res.body.dump();
  if (offset > 0 && (res.statusCode === 206 || res.statusCode === 416)) return openBody(t, ref, 0);
  throw statusError(res.statusCode, ref, url, res);
}

/**
 * Streams the file into `part`, resuming what is there, and returns what arrived with its SHA-256. Every chunk is
 * written before the next is read, so a cut connection leaves a `.part` that holds exactly the bytes received.
 */
export async function receiveInto(t: Transfer, ref: HubRef): Promise<Received> {
  mkdirSync(path.dirname(t.part), { recursive: true });
  let offset = existsSync(t.part) ? statSync(t.part).size : 0;
  if (offset > t.limit) offset = 0; // longer than the file can be: not a prefix of it
  // Hash what is on disk before asking for the rest: a CDN may drop a connection left idle while we read gigabytes.
  let hash = offset > 0 ? await hashExisting(t.part) : createHash('sha256');
  if (t.remote.size !== null && offset === t.remote.size) return { bytes: offset, sha256: hash.digest('hex'), resumed: true };

  const answer = await openBody(t, ref, offset);
  if (answer.offset !== offset) hash = createHash('sha256');
  const declared = parseLength(header(answer.res, 'content-length'));
  if (declared !== null && answer.offset + declared > t.limit) {
    answer.res.body.destroy();
    rmSync(t.part, { force: true });
    throw oversize(ref, t, `it announced ${answer.offset + declared} bytes`);
  }
  const report = throttledProgress(ref.file, t.remote.size, t.progress);
  let received = answer.offset;
  const out = await open(t.part, answer.offset > 0 ? 'a' : 'w');
  let tooMuch: DownloadError | null = null;
  try {
    report(received, true);
    for await (const chunk of answer.res.body) {
      const bytes = chunk as Buffer;
      // Checked before the bytes are written: the .part never holds more than the file can have.
      if (received + bytes.length > t.limit) {
        tooMuch = oversize(ref, t, `at least ${received + bytes.length} bytes arrived`);
        break;
      }
      hash.update(bytes);
      await out.write(bytes);
      received += bytes.length;
      report(received);
    }
  } catch (e) {
    throw interrupted(ref, received, t, e);
  } finally {
    await out.close();
  }
  if (tooMuch) {
    rmSync(t.part, { force: true });
    throw tooMuch;
  }
  report(received, true);
  return { bytes: received, sha256: hash.digest('hex'), resumed: answer.offset > 0 };
}

function parseLength(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

/** More bytes than the file can have: stopped at once, and the partial file deleted (no resume can fix it). */
function oversize(ref: HubRef, t: Transfer, what: string): DownloadError {
  const bound = t.remote.size !== null ? `the ${t.remote.size} bytes the hub announced` : `the ${t.limit}-byte cap (the hub announced no size)`;
  return new DownloadError(`the server sent more than ${bound} for ${refLabel(ref)} (${what}): download stopped and its partial file deleted`, null);
}

function interrupted(ref: HubRef, received: number, t: Transfer, cause: unknown): DownloadError {
  const of = t.remote.size === null ? '' : ` of ${t.remote.size}`;
  const what = t.signal?.aborted
    ? abortReason(t.signal, t.deadlines.overallMs)
    : (timeoutMessage(cause, 'the server', t.deadlines) ?? `connection lost (${(cause as Error).message})`);
  return new DownloadError(`${what} after ${received}${of} bytes of ${refLabel(ref)}; the partial file is kept, run again to resume`, null, { cause });
}

/**
 * Checks what arrived against the hub's size and SHA-256. A short file is kept for resuming; a wrong one is deleted,
 * since resuming it could never give the right bytes.
 */
export function verifyReceived(got: Received, expected: { size: number | null; sha256: string }, ref: HubRef, part: string): void {
  if (expected.size !== null && got.bytes < expected.size) {
    throw new DownloadError(`download ended early: ${got.bytes} of ${expected.size} bytes of ${refLabel(ref)}; run again to resume`, null);
  }
  if (expected.size !== null && got.bytes > expected.size) {
    rmSync(part, { force: true });
    throw new DownloadError(`size mismatch for ${refLabel(ref)}: expected ${expected.size} bytes, got ${got.bytes}`, null);
  }
  if (got.sha256 !== expected.sha256) {
    rmSync(part, { force: true });
    throw new DownloadError(`checksum mismatch: expected ${expected.sha256}, got ${got.sha256} (${refLabel(ref)})`, null);
  }
}
