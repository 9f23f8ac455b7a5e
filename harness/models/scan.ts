// What of the config's models is on this machine: each definition × quantization present, to download, to generate
// or missing, and the GGUF files in model_dir that no definition mentions. Presence only: nothing is hashed or fetched.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from '../config/schema.ts';
import { modelQuants } from '../config/model-quants.ts';
import { builtinModelDir } from './builtin.ts';
import { destPaths, findInDestCache, findInHfCache, hubCacheDir, repoFolderName } from './hub-cache.ts';
import { DEFAULT_REVISION, hubFileFor, hubFileLabel, isHubModel, modelDirOf } from './hub-models.ts';

export interface ScanEntry {
  model: string;
  quant: string;
  source: 'builtin' | 'local' | 'hub';
  /** `download`: a hub file not on this machine; `generate`: a built-in model made on first use. */
  state: 'present' | 'download' | 'generate' | 'missing';
  /** The file on disk when present (or where it would go), else the hub file's label. */
  where: string;
  bytes: number | null;
}

export interface LocalFile {
  path: string;
  bytes: number;
}

export interface ModelScan {
  modelDir: string;
  entries: ScanEntry[];
  /** GGUF files under model_dir that no definition names (any revision of a defined repo counts as named). */
  unreferenced: LocalFile[];
  /** Interrupted downloads (`.part`), which the next download resumes. */
  partial: LocalFile[];
  /** Set when model_dir was too deep or too large to scan whole: what was left out. */
  truncated?: string;
}

const sizeOf = (file: string) => statSync(file).size;

/**
 * Downloads sit at <model_dir>/models--org--name/<revision>/<file>, a revision such as refs/pr/1 adding two levels:
 * deeper folders are not looked into, and a model_dir that holds more than this many entries is not read further.
 */
export const MAX_SCAN_DEPTH = 6;
export const MAX_SCAN_ENTRIES = 10_000;
export interface ScanLimits {
  depth: number;
  entries: number;
}

/** Files under `dir`, depth first, sorted by path, within the bounds above; symbolic links are not followed. */
function walk(dir: string, limits: ScanLimits): { files: string[]; truncated?: string } {
  if (!existsSync(dir)) return { files: [] };
  const files: string[] = [];
  let seen = 0;
  let tooDeep = false;
  const visit = (at: string, depth: number): boolean => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return true; // unreadable folder (or not a folder): nothing to list
    }
    for (const entry of entries) {
      if (++seen > limits.entries) return false;
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (depth >= limits.depth) tooDeep = true;
        else if (!visit(full, depth + 1)) return false;
      } else if (entry.isFile()) files.push(full);
    }
    return true;
  };
  const complete = visit(dir, 1);
  if (!complete) return { files, truncated: `stopped after ${limits.entries} entries: is model_dir the right folder?` };
  return tooDeep ? { files, truncated: `folders more than ${limits.depth} levels deep were not scanned` } : { files };
}

async function scanEntry(config: BenchConfig, model: BenchConfig['models'][number], quant: string, hfHome: string | undefined): Promise<ScanEntry> {
  const base = { model: model.name, quant };
  const file = hubFileFor(model, quant);
  if (file) {
    const ref = { repo: file.repo, file: file.file, revision: file.revision ?? DEFAULT_REVISION };
    const local = (await findInHfCache(hubCacheDir(hfHome), ref, false)) ?? (await findInDestCache(destPaths(modelDirOf(config), ref), false));
    if (local) return { ...base, source: 'hub', state: 'present', where: local.path, bytes: local.bytes };
    return { ...base, source: 'hub', state: 'download', where: hubFileLabel(file), bytes: null };
  }
  if (model.builtin) {
    const where = path.join(builtinModelDir(), `${model.builtin}-${quant}.gguf`);
    const present = existsSync(where);
    return { ...base, source: 'builtin', state: present ? 'present' : 'generate', where, bytes: present ? sizeOf(where) : null };
  }
  const where = model.path ?? model.files?.[quant] ?? '';
  const present = existsSync(where);
  return { ...base, source: 'local', state: present ? 'present' : 'missing', where, bytes: present ? sizeOf(where) : null };
}

/** Scans every definition (not only the matrix's) and model_dir. `hfHome` as for the downloader (default $HF_HOME). */
export async function scanModels(config: BenchConfig, opts: { hfHome?: string; limits?: ScanLimits } = {}): Promise<ModelScan> {
  const modelDir = modelDirOf(config);
  const entries: ScanEntry[] = [];
  for (const model of config.models) {
    for (const quant of modelQuants(model)) entries.push(await scanEntry(config, model, quant, opts.hfHome));
  }
  // A downloaded file sits at <model_dir>/models--org--name/<revision>/<file>: named when its repo and file are
  // defined, whatever the revision; a local definition may also point into model_dir.
  const named = new Set(config.models.filter(isHubModel).flatMap((m) => Object.values(m.files).map((f) => `${repoFolderName(m.repo)}/${f}`)));
  const isNamed = (file: string) => {
    const [repoFolder, , ...rest] = path.relative(modelDir, file).split(path.sep);
    return named.has(`${repoFolder}/${rest.join('/')}`) || entries.some((e) => e.where === file);
  };
  const { files, truncated } = walk(modelDir, opts.limits ?? { depth: MAX_SCAN_DEPTH, entries: MAX_SCAN_ENTRIES });
  return {
    modelDir,
    entries,
    unreferenced: files.filter((f) => f.endsWith('.gguf') && !isNamed(f)).map((f) => ({ path: f, bytes: sizeOf(f) })),
    partial: files.filter((f) => f.endsWith('.gguf.part')).map((f) => ({ path: f, bytes: sizeOf(f) })),
    ...(truncated ? { truncated } : {}),
  };
}
