import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../paths.ts';
import { sha256File } from './hash.ts';
import type { HubRef } from './hub-http.ts';

/** A copy of a hub file already on this machine. `sha256` is null only when it was not checked and nothing names it. */
export interface LocalCopy {
  path: string;
  bytes: number;
  sha256: string | null;
  source: 'hf-cache' | 'dest-cache';
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The Hugging Face home as the hub's client finds it: `$HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function defaultHfHome(env = process.env): string {
  if (env.HF_HOME) return env.HF_HOME;
  const cacheBase = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cacheBase, 'huggingface');
}

/** The hub cache: `<hfHome>/hub` for an explicit home, else `$HF_HUB_CACHE` or `<HF_HOME>/hub` as the hub's client does. */
export function hubCacheDir(hfHome: string | undefined, env = process.env): string {
  if (hfHome) return path.join(hfHome, 'hub');
  return env.HF_HUB_CACHE || path.join(defaultHfHome(env), 'hub');
}

/** The token `huggingface-cli login` saved (`$HF_TOKEN_PATH` or `<hfHome>/token`), if any. */
export function savedToken(hfHome: string | undefined, env = process.env): string | undefined {
  const file = hfHome ? path.join(hfHome, 'token') : env.HF_TOKEN_PATH || path.join(defaultHfHome(env), 'token');
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `org/name` → `models--org--name`, the hub cache's folder name for a model repo. */
export function repoFolderName(repo: string): string {
  return `models--${repo.split('/').join('--')}`;
}

/** The snapshot a revision points to: `refs/<revision>` holds its commit; a commit hash names its snapshot itself. */
function snapshotFor(repoDir: string, revision: string): string {
  try {
    const commit = readFileSync(path.join(repoDir, 'refs', ...revision.split('/')), 'utf8').trim();
    if (commit) return commit;
  } catch {
    // No ref: the revision may be a commit hash already.
  }
  return revision;
}

/** Snapshot files of LFS objects are symlinks to `blobs/<sha256>`: the blob's name is the expected hash. */
function hashFromBlobName(file: string): string | null {
  if (!lstatSync(file).isSymbolicLink()) return null;
  const blob = path.basename(realpathSync(file));
  return SHA256_HEX.test(blob) ? blob : null;
}

/** The first word of a `sha256sum`-style sidecar, when it is a SHA-256. */
function readSidecar(file: string): string | null {
  try {
    const word = readFileSync(file, 'utf8').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    return SHA256_HEX.test(word) ? word : null;
  } catch {
    return null;
  }
}

/** Written next to each file we download, in `sha256sum -c` format. */
export function writeSidecar(file: string, sha256: string): void {
  writeFileAtomic(sidecarPath(file), `${sha256}  ${path.basename(file)}\n`);
}

export const sidecarPath = (file: string) => `${file}.sha256`;

/**
 * Compares a file with its expected hash. A file nothing names a hash for is not verified, so it is not used. With
 * `verify` off (a dry run), only presence is checked, so planning never reads gigabytes.
 */
async function checked(file: string, expected: string | null, source: LocalCopy['source'], verify: boolean): Promise<LocalCopy | null> {
  const bytes = statSync(file).size;
  if (!verify) return { path: file, bytes, sha256: expected, source };
  if (expected === null) return null;
  const actual = await sha256File(file);
  return actual === expected ? { path: file, bytes, sha256: actual, source } : null;
}

/**
 * The file in the Hugging Face hub cache, `<hub>/models--org--name/snapshots/<commit>/<file>`, if it is there and
 * matches its own hash: the blob it links to is named by it, or a `.sha256` beside it. A file with neither is not
 * used, unless `hubSha256` (the hub's own, from a HEAD request) is given: then only such a file is checked, against it.
 */
export async function findInHfCache(hubCache: string, ref: HubRef, verify: boolean, hubSha256: string | null = null): Promise<LocalCopy | null> {
  const repoDir = path.join(hubCache, repoFolderName(ref.repo));
  const file = path.join(repoDir, 'snapshots', snapshotFor(repoDir, ref.revision), ...ref.file.split('/'));
  // existsSync follows the symlink, so a snapshot entry whose blob is gone counts as absent.
  if (!existsSync(file)) return null;
  const own = hashFromBlobName(file) ?? readSidecar(sidecarPath(file));
  if (hubSha256 !== null) return own === null ? checked(file, hubSha256, 'hf-cache', verify) : null;
  return checked(file, own, 'hf-cache', verify);
}

/** Where our own copy of a file lives; the repo and revision are part of the path, so equal file names never collide. */
export interface DestPaths {
  final: string;
  part: string;
  lock: string;
}

export function destPaths(destDir: string, ref: HubRef): DestPaths {
  const final = path.join(destDir, repoFolderName(ref.repo), encodeURIComponent(ref.revision), ...ref.file.split('/'));
  return { final, part: `${final}.part`, lock: `${final}.lock` };
}

/** Our earlier download, reused only when its sidecar is there and (unless a dry run) the content still matches it. */
export async function findInDestCache(paths: DestPaths, verify: boolean): Promise<LocalCopy | null> {
  const expected = readSidecar(sidecarPath(paths.final));
  if (expected === null || !existsSync(paths.final)) return null;
  return checked(paths.final, expected, 'dest-cache', verify);
}
