// Downloads GGUF files from a Hugging Face–style hub the way the hub's own client does: the resolve URL, the LFS
// size and SHA-256 from a HEAD request, reuse of the Hugging Face cache, resumable `.part` files, and nothing put in
// place before its SHA-256 is checked.
import { existsSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { withLock } from '../llama/lock.ts';
import { silentProgress } from '../progress.ts';
import { destPaths, findInDestCache, findInHfCache, hubCacheDir, savedToken, writeSidecar, type DestPaths, type LocalCopy } from './hub-cache.ts';
import { DEFAULT_DEADLINES, DownloadError, fetchRemoteFile, overallDeadlineMs, refLabel, resolveUrl, type Deadlines, type HubRef, type RemoteFile } from './hub-http.ts';
import { receiveInto, verifyReceived, type ProgressCallback, type Received } from './hub-transfer.ts';

export { DownloadError } from './hub-http.ts';

export interface HubFile {
  repo: string;
  file: string;
  /** Branch, tag or commit; default 'main'. */
  revision?: string;
}

export interface DownloadOptions {
  /** Default: `$HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /** Default: `$HF_TOKEN`, else the token `huggingface-cli login` saved. An empty string sends no token. */
  token?: string;
  /** Default: `$HF_HOME`, else `~/.cache/huggingface`; the hub cache read is `<hfHome>/hub`. */
  hfHome?: string;
  /** Where our copies go, as `<destDir>/models--<org>--<name>/<revision>/<file>`. */
  destDir: string;
  progress?: ProgressCallback;
  signal?: AbortSignal;
  /** Connect, idle and overall deadlines; default DEFAULT_DEADLINES (30 s, 60 s) and a size-based overall one. */
  deadlines?: Partial<Deadlines>;
  /** Accept a file whose size the hub does not announce, up to this many bytes; default: such a file is refused. */
  maxBytes?: number;
}

export interface Downloaded {
  path: string;
  sha256: string;
  bytes: number;
  source: 'hf-cache' | 'dest-cache' | 'download' | 'resumed';
}

export interface PlannedDownload {
  file: HubFile;
  /** The file's full size; null when it is unknown (or the hub refused to say). */
  bytes: number | null;
  needed: boolean;
  reason: string;
  /** Set when the real download would fail, so a dry run can fail the same way. */
  error?: DownloadError;
}

interface Settings {
  endpoint: string;
  token: string | undefined;
  hubCache: string;
  destDir: string;
  deadlines: Deadlines;
  maxBytes: number | null;
}

function settingsFrom(opts: Omit<DownloadOptions, 'progress' | 'signal'>): Settings {
  const token = opts.token !== undefined ? opts.token : process.env.HF_TOKEN || savedToken(opts.hfHome);
  return {
    endpoint: (opts.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: token || undefined,
    hubCache: hubCacheDir(opts.hfHome),
    destDir: path.resolve(opts.destDir),
    deadlines: { ...DEFAULT_DEADLINES, ...opts.deadlines },
    maxBytes: opts.maxBytes ?? null,
  };
}

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;
const isTraversal = (segment: string) => segment === '' || segment === '.' || segment === '..';

/** Repo, file and revision become paths on disk: anything that could climb out of the cache is refused. */
function toRef(f: HubFile): HubRef {
  const revision = f.revision ?? 'main';
  const repoParts = f.repo.split('/');
  if (repoParts.length > 2 || !repoParts.every((p) => SAFE_SEGMENT.test(p) && !isTraversal(p))) {
    throw new DownloadError(`invalid repo "${f.repo}": expected "org/name"`, null);
  }
  if (/[\\\0]/.test(f.file) || f.file.split('/').some(isTraversal)) throw new DownloadError(`invalid file path "${f.file}" in ${f.repo}`, null);
  if (/\0/.test(revision) || revision.split('/').some(isTraversal)) throw new DownloadError(`invalid revision "${revision}" for ${f.repo}`, null);
  return { repo: f.repo, file: f.file, revision };
}

/** The Hugging Face cache first (another tool may have fetched the file already), then our own earlier download. */
async function findLocalCopy(ref: HubRef, s: Settings, verify: boolean): Promise<LocalCopy | null> {
  return (await findInHfCache(s.hubCache, ref, verify)) ?? (await findInDestCache(destPaths(s.destDir, ref), verify));
}

function fromLocal(copy: LocalCopy): Downloaded {
  // Verified copies always carry their hash; the check keeps the type honest.
  if (copy.sha256 === null) throw new Error(`internal: ${copy.path} was reused without its SHA-256`);
  return { path: copy.path, sha256: copy.sha256, bytes: copy.bytes, source: copy.source };
}

/** We never accept an unverifiable download: the hub must name the file's SHA-256. */
function requireSha256(remote: RemoteFile, ref: HubRef): string {
  if (remote.sha256) return remote.sha256;
  throw new DownloadError(
    `the hub publishes no SHA-256 for ${refLabel(ref)} (no x-linked-etag, ${remote.etag ? `and etag "${remote.etag}" is not one` : 'no etag'}), ` +
      'so the download could not be verified and is refused; only LFS files (which GGUF files are) carry one',
    null,
  );
}

/**
 * How many bytes the file may have: the hub's size. A file of unknown size is refused (a server could stream without
 * end) unless the caller set a cap.
 */
function requireLimit(remote: RemoteFile, ref: HubRef, maxBytes: number | null): number {
  if (remote.size !== null) return remote.size;
  if (maxBytes !== null) return maxBytes;
  throw new DownloadError(`the hub announces no size for ${refLabel(ref)} (no x-linked-size, no content-length), so the download is refused: without one it could not be bounded`, null);
}

/**
 * Downloads one file, or reuses a verified local copy without any request. The file appears at its final path only
 * after its size and SHA-256 match the hub's, with a `<file>.sha256` sidecar beside it.
 */
export async function downloadHubFile(f: HubFile, opts: DownloadOptions): Promise<Downloaded> {
  const ref = toRef(f);
  const s = settingsFrom(opts);
  const local = await findLocalCopy(ref, s, true);
  if (local) return fromLocal(local);
  const paths = destPaths(s.destDir, ref);
  // Two processes appending to one .part would corrupt it: one downloads, the other waits and then reuses its copy.
  return withLock(paths.lock, `downloading ${refLabel(ref)}`, silentProgress, async () => {
    const finishedMeanwhile = await findInDestCache(paths, true);
    return finishedMeanwhile ? fromLocal(finishedMeanwhile) : fetchVerified(ref, paths, s, opts);
  });
}

async function fetchVerified(ref: HubRef, paths: DestPaths, s: Settings, opts: DownloadOptions): Promise<Downloaded> {
  const url = resolveUrl(s.endpoint, ref);
  const remote = await fetchRemoteFile(url, ref, s.token, opts.signal, s.deadlines);
  const expected = { size: remote.size, sha256: requireSha256(remote, ref) };
  // A Hugging Face cache file with no hash of its own (a copy, not a link to a named blob) is used only if it matches the hub's.
  const cached = await findInHfCache(s.hubCache, ref, true, expected.sha256);
  if (cached) return fromLocal(cached);
  const limit = requireLimit(remote, ref, s.maxBytes);
  const overallMs = overallDeadlineMs(s.deadlines, remote.size ?? limit);
  const deadline = AbortSignal.timeout(overallMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const deadlines = { ...s.deadlines, overallMs };
  const transfer = { url, token: s.token, part: paths.part, remote, limit, deadlines, progress: opts.progress, signal };
  let got: Received = await receiveInto(transfer, ref);
  try {
    verifyReceived(got, expected, ref, paths.part);
  } catch (e) {
    // A .part left by an older version of the file resumes into wrong bytes; verifyReceived has deleted it, and one
    // fresh download settles it. A short .part is still there: that is a cut connection, to be resumed next time.
    if (!got.resumed || existsSync(paths.part)) throw e;
    got = await receiveInto(transfer, ref);
    verifyReceived(got, expected, ref, paths.part);
  }
  writeSidecar(paths.final, got.sha256);
  renameSync(paths.part, paths.final);
  return { path: paths.final, sha256: got.sha256, bytes: got.bytes, source: got.resumed ? 'resumed' : 'download' };
}

function partBytes(part: string): number {
  return existsSync(part) ? statSync(part).size : 0;
}

/** One file of a dry run: local presence (not re-hashed, so planning stays quick) or a HEAD request, never a GET. */
async function planOne(file: HubFile, s: Settings): Promise<PlannedDownload> {
  try {
    const ref = toRef(file);
    const local = await findLocalCopy(ref, s, false);
    if (local) {
      const where = local.source === 'hf-cache' ? 'in the Hugging Face cache' : 'already downloaded';
      // Nothing names its hash (no blob link, no .sha256): the run checks it against the hub's before using it.
      const unverified = local.sha256 === null ? ", no hash of its own: checked against the hub's SHA-256 before use" : '';
      return { file, bytes: local.bytes, needed: false, reason: `${where}: ${local.path}${unverified}` };
    }
    const remote = await fetchRemoteFile(resolveUrl(s.endpoint, ref), ref, s.token, undefined, s.deadlines);
    requireSha256(remote, ref);
    requireLimit(remote, ref, s.maxBytes);
    const size = remote.size === null ? 'an unknown number of' : String(remote.size);
    const resumable = partBytes(destPaths(s.destDir, ref).part);
    const reason = resumable > 0 ? `resume: ${resumable} of ${size} bytes already downloaded` : `download ${size} bytes`;
    return { file, bytes: remote.size, needed: true, reason };
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    return { file, bytes: null, needed: true, reason: e.shortMessage, error: e };
  }
}

/** For --dry-run: what each file would cost, from local caches and HEAD requests only; nothing is downloaded. */
export async function planDownloads(files: HubFile[], opts: Omit<DownloadOptions, 'progress' | 'signal'>): Promise<PlannedDownload[]> {
  const s = settingsFrom(opts);
  return Promise.all(files.map((file) => planOne(file, s)));
}
