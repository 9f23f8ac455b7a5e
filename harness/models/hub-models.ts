// Hub models of the config (`repo` + `files`) as files to fetch: where they go, how a download reports progress,
// and what a failed one says.
import path from 'node:path';
import type { BenchConfig, ModelConfig } from '../config/schema.ts';
import { cacheDir } from '../paths.ts';
import type { Progress } from '../progress.ts';
import { formatBytes } from '../units.ts';
import { DownloadError } from './download-error.ts';
import type { DownloadOptions, Downloaded, HubFile } from './hub.ts';
import type { ProgressCallback } from './hub-transfer.ts';

export const DEFAULT_REVISION = 'main';
/** A long download prints a progress line at most this often. */
export const DOWNLOAD_PROGRESS_INTERVAL_MS = 5_000;

/** `<cache dir>/models/hub`: the default `model_dir`, where hub models are downloaded to. */
export function defaultModelDir(env = process.env): string {
  return path.join(cacheDir(env), 'models', 'hub');
}

/** The config's model_dir (made absolute by loadConfig), else the default. */
export function modelDirOf(config: BenchConfig): string {
  return config.model_dir ?? defaultModelDir();
}

export function isHubModel(m: ModelConfig): m is ModelConfig & { repo: string; files: Record<string, string> } {
  return m.repo !== undefined && m.files !== undefined;
}

/** The file a hub model offers for `quant`, or null when the model is not a hub model or has no such quantization. */
export function hubFileFor(m: ModelConfig, quant: string): HubFile | null {
  if (!isHubModel(m)) return null;
  const file = m.files[quant];
  return file === undefined ? null : { repo: m.repo, file, revision: m.revision ?? DEFAULT_REVISION };
}

export const hubFileLabel = (f: HubFile) => `${f.repo}/${f.file} at ${f.revision ?? DEFAULT_REVISION}`;

/** Turns the downloader's byte counts into progress lines, one every few seconds and one at the end. */
export function downloadProgress(progress: Progress, label: string, intervalMs = DOWNLOAD_PROGRESS_INTERVAL_MS, now = Date.now): ProgressCallback {
  let lastAt = -Infinity;
  let finished = false;
  return ({ received, total }) => {
    const done = total !== null && received >= total;
    if (finished || (!done && now() - lastAt < intervalMs)) return;
    lastAt = now();
    finished = done;
    const share = total ? ` of ${formatBytes(total)} (${Math.floor((received / total) * 100)} %)` : '';
    progress(`downloading ${label}: ${formatBytes(received)}${share}`);
  };
}

/**
 * Gets one quantization of a hub model into model_dir (or finds it there or in the Hugging Face cache), checked
 * against the hub's SHA-256 and the config's `sha256` when given. Failures are DownloadErrors naming the model.
 */
export async function fetchHubModel(
  m: ModelConfig,
  quant: string,
  opts: { destDir: string; progress: Progress } & Pick<DownloadOptions, 'endpoint' | 'token' | 'hfHome' | 'signal'>,
): Promise<Downloaded> {
  const file = hubFileFor(m, quant);
  if (!file) throw new Error(`internal: model "${m.name}" has no hub file for ${quant}`);
  const label = hubFileLabel(file);
  // The downloader (and undici) loads when a model is fetched, not with every plan or config that names this file.
  const { downloadHubFile } = await import('./hub.ts');
  let got: Downloaded;
  try {
    got = await downloadHubFile(file, { ...opts, progress: downloadProgress(opts.progress, label) });
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    throw new DownloadError(`cannot get model "${m.name}" ${quant}: ${e.shortMessage}`, e.status, { cause: e });
  }
  const expected = m.sha256?.[quant]?.toLowerCase();
  if (expected !== undefined && got.sha256 !== expected) {
    throw new DownloadError(
      `model "${m.name}" ${quant}: ${got.path} has SHA-256 ${got.sha256}, but the config's sha256.${quant} says ${expected}`,
      null,
    );
  }
  const how = { 'hf-cache': 'found in the Hugging Face cache', 'dest-cache': 'already downloaded', download: 'downloaded', resumed: 'download resumed and finished' }[got.source];
  opts.progress(`model "${m.name}" ${quant}: ${how}, ${got.path} (${formatBytes(got.bytes)})`);
  return got;
}
