// Opening a bundle for use (serve --bundle, deploy): every checksum verified first, then the manifest parsed, then
// the model found: the file inside the bundle, or for a bundle exported with --no-model, the local file it names or
// its hub reference, each checked against the manifest's SHA-256 before it is used.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { downloadHubFile } from '../models/hub.ts';
import { BundleError, sha256File, verifyChecksums, bundleHash } from './checksums.ts';
import { MANIFEST_FILE, parseManifest, type Manifest } from './manifest.ts';

export interface OpenBundle {
  dir: string;
  manifest: Manifest;
  modelPath: string;
  /** SHA-256 of the bundle's SHA256SUMS: one hash naming every file. */
  hash: string;
}

export async function openBundle(dir: string, options: { modelCacheDir: string; progress?: (line: string) => void }): Promise<OpenBundle> {
  const sums = await verifyChecksums(dir);
  let manifest: Manifest;
  try {
    manifest = parseManifest(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'), MANIFEST_FILE);
  } catch (e) {
    throw new BundleError((e as Error).message);
  }
  return { dir, manifest, modelPath: await modelOf(dir, manifest, sums, options), hash: bundleHash(dir) };
}

async function modelOf(dir: string, m: Manifest, sums: ReadonlyMap<string, string>, options: { modelCacheDir: string; progress?: (line: string) => void }): Promise<string> {
  // Inside the bundle: SHA256SUMS covered it, but the manifest must name the same bytes the run measured.
  if (m.model.file) {
    const file = path.join(dir, m.model.file);
    if (sums.get(m.model.file) !== m.model.sha256) throw new BundleError(`${m.model.file} is not the model the run measured (its SHA-256 differs from the manifest's ${m.model.sha256})`);
    return file;
  }
  if (existsSync(m.model.sourcePath)) {
    options.progress?.(`checking ${m.model.sourcePath} against the manifest's SHA-256`);
    const actual = await sha256File(m.model.sourcePath);
    if (actual === m.model.sha256) return m.model.sourcePath;
    if (!m.model.hub) throw new BundleError(`${m.model.sourcePath} has SHA-256 ${actual}, not the manifest's ${m.model.sha256}: not the model the run measured`);
  }
  if (!m.model.hub) throw new BundleError(`the bundle carries no model and ${m.model.sourcePath} does not exist (export it without --no-model, or put the file back)`);
  const got = await downloadHubFile(m.model.hub, {
    destDir: options.modelCacheDir,
    progress: (p) => options.progress?.(`${p.file}: ${p.received} of ${p.total ?? '?'} bytes`),
  });
  if (got.sha256 !== m.model.sha256) throw new BundleError(`${m.model.hub.repo}/${m.model.hub.file} has SHA-256 ${got.sha256} now, not the manifest's ${m.model.sha256}: the hub's file changed since the run`);
  return got.path;
}
