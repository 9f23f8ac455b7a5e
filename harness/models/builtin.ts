import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { vocabFile } from '../llama/build.ts';
import { withLock } from '../llama/lock.ts';
import { cacheDir, writeFileAtomic } from '../paths.ts';
import type { Progress } from '../progress.ts';
import { BUILTIN_SHAPES, VOCAB_FILE, generateBuiltinModel, parameterCount, type BuiltinSize } from './generate.ts';
import { sha256File } from './hash.ts';
import type { GgufMetadata } from './metadata.ts';

/** Bump when the generator's output changes; it names the cache folder, so old files are never mistaken for new. */
export const GENERATOR_VERSION = 'v1';

/**
 * SHA-256 of each generated F16 file. The generator is deterministic, so a mismatch means a corrupt cache file
 * (it is regenerated) or a changed generator (bump GENERATOR_VERSION and update these).
 */
export const EXPECTED_F16_SHA256: Record<BuiltinSize, string> = {
  tiny: '5facd23184e2e366a4d48855cc06ba865cbcacbce6d970d83106b0ec10286618',
  small: 'd5b5bcf9920efb222b09ffd54c10dfaea80786ce0c2e04b58dc9a26faa9a7e10',
};

interface ManifestEntry {
  sha256: string;
  bytes: number;
  /** llama.cpp commit of the llama-quantize that derived the file; null for the generated F16. */
  quantizer: string | null;
}
type Manifest = Record<string, ManifestEntry>;

export interface ModelFile {
  path: string;
  sha256: string;
  bytes: number;
  /** What the file's GGUF header says (filled in by the plan); null when it could not be read. */
  metadata?: GgufMetadata | null;
}

export function builtinModelDir(): string {
  return path.join(cacheDir(), 'models', `builtin-${GENERATOR_VERSION}`);
}

function readManifest(dir: string): Manifest {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

async function verified(file: string, expected: string | undefined): Promise<ModelFile | null> {
  if (!expected || !existsSync(file)) return null;
  const sha256 = await sha256File(file);
  return sha256 === expected ? { path: file, sha256, bytes: statSync(file).size } : null;
}

export interface Quantizer {
  /** llama-quantize, or how to get it when a quantization is really needed (the reason goes into its progress). */
  path: string | ((why: string) => Promise<string>);
  commit: string;
}

/**
 * The generated default model at `quant`, made on first use and cached: F16 from the generator, every other
 * quantization from it by llama-quantize. A cached file whose SHA-256 does not match is made again.
 */
export async function ensureBuiltinModel(size: BuiltinSize, quant: string, quantizer: Quantizer, progress: Progress): Promise<ModelFile> {
  const dir = builtinModelDir();
  const f16 = path.join(dir, `${size}-F16.gguf`);
  const target = path.join(dir, `${size}-${quant}.gguf`);
  const fresh = await cachedFile(dir, size, quant, target, quantizer);
  if (fresh) return fresh;
  return withLock(path.join(dir, 'generate.lock'), `generating the ${size} model`, progress, async () => {
    const again = await cachedFile(dir, size, quant, target, quantizer);
    if (again) return again;
    let source = await verified(f16, EXPECTED_F16_SHA256[size]);
    if (!source) {
      const millions = (parameterCount(size) / 1e6).toFixed(0);
      progress(`generating the ${size} default model (${millions}M parameters, F16, seeded random weights)`);
      const vocab = await vocabFile(VOCAB_FILE, progress);
      const tmp = `${f16}.tmp`;
      generateBuiltinModel(size, vocab, tmp);
      const sha256 = await sha256File(tmp);
      if (sha256 !== EXPECTED_F16_SHA256[size]) {
        rmSync(tmp, { force: true });
        throw new Error(
          `the generated ${size} model has SHA-256 ${sha256}, expected ${EXPECTED_F16_SHA256[size]}: the generator is no longer deterministic, or changed without a new GENERATOR_VERSION`,
        );
      }
      renameSync(tmp, f16);
      source = { path: f16, sha256, bytes: statSync(f16).size };
      record(dir, path.basename(f16), { sha256, bytes: source.bytes, quantizer: null });
    }
    if (quant === 'F16') return source;
    const quantize = typeof quantizer.path === 'string' ? quantizer.path : await quantizer.path(`quantizing the ${size} model to ${quant}`);
    progress(`quantizing the ${size} model to ${quant} with llama-quantize`);
    const tmp = `${target}.tmp`;
    const { execa } = await import('execa'); // ~130 modules: loaded when a model is quantized, not by every CLI start
    const r = await execa(quantize, [f16, tmp, quant], { all: true, reject: false });
    if (r.exitCode !== 0) {
      rmSync(tmp, { force: true });
      throw new Error(`llama-quantize ${quant} failed (exit ${r.exitCode}):\n${(r.all ?? '').split('\n').slice(-15).join('\n')}`);
    }
    renameSync(tmp, target);
    const sha256 = await sha256File(target);
    const entry = { sha256, bytes: statSync(target).size, quantizer: quantizer.commit };
    record(dir, path.basename(target), entry);
    return { path: target, sha256, bytes: entry.bytes };
  });
}

async function cachedFile(dir: string, size: BuiltinSize, quant: string, target: string, quantizer: Quantizer): Promise<ModelFile | null> {
  if (quant === 'F16') return verified(target, EXPECTED_F16_SHA256[size]);
  const entry = readManifest(dir)[path.basename(target)];
  if (!entry || entry.quantizer !== quantizer.commit) return null;
  return verified(target, entry.sha256);
}

function record(dir: string, name: string, entry: ManifestEntry): void {
  const manifest = readManifest(dir);
  manifest[name] = entry;
  writeFileAtomic(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function isBuiltinSize(x: string): x is BuiltinSize {
  return x in BUILTIN_SHAPES;
}
