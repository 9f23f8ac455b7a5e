// Gathers what `npm run bench -- --dry-run` prints: the model scan, HEAD requests for the hub files the planned cells
// need (never a GET), and each cell's model file and predicted memory. Starts no server and builds nothing.
import type { LoadedConfig } from '../config/load.ts';
import { expandMatrix } from '../matrix/cells.ts';
import { availableMemoryMb, modeRuns, plannerDryRun } from '../matrix/run-state.ts';
import type { DryRunCell, DryRunDownload, DryRunReport } from './render.ts';
import { planDownloads, type DownloadOptions } from '../models/hub.ts';
import { hubFileFor, hubFileLabel, modelDirOf } from '../models/hub-models.ts';
import { estimateMemory, kvCacheTypes } from '../models/memory.ts';
import { readGgufMetadata, type GgufMetadata } from '../models/metadata.ts';
import { scanModels, type ScanEntry } from '../models/scan.ts';

export type DryRunOptions = Pick<DownloadOptions, 'endpoint' | 'token' | 'hfHome'> & {
  /** A `-t` selection, as the real run would apply it: only the cells it keeps are listed (and their files fetched). */
  selection?: { pattern: string; keeps: (cellId: string) => boolean };
};

interface FileInfo {
  file: string;
  bytes: number | null;
  metadata: GgufMetadata | null;
}

async function fileInfo(entry: ScanEntry, download: DryRunDownload | undefined): Promise<FileInfo> {
  if (entry.state === 'present') {
    // The header only: cheap even for large files. A file that is not GGUF fails its cell later, not the plan.
    const metadata = await readGgufMetadata(entry.where, entry.bytes ?? 0).catch(() => null);
    return { file: entry.where, bytes: entry.bytes, metadata };
  }
  if (entry.state === 'generate') return { file: `${entry.where} (generated on first use)`, bytes: null, metadata: null };
  return { file: entry.where, bytes: download?.bytes ?? null, metadata: null };
}

export async function prepareDryRun(loaded: LoadedConfig, opts: DryRunOptions = {}): Promise<DryRunReport> {
  const { config } = loaded;
  const matrix = expandMatrix(config);
  const cells = opts.selection ? matrix.filter((c) => opts.selection!.keeps(c.id)) : matrix;
  const scan = await scanModels(config, { hfHome: opts.hfHome });
  const keyOf = (model: string, quant: string) => `${model}\0${quant}`;
  // Quantizations planner.mode skips need no file (preparePlan makes or fetches none for them).
  const needed = [...new Map(cells.filter((c) => modeRuns(config, c.quant)).map((c) => [keyOf(c.model, c.quant), c])).values()];

  const hub = needed.flatMap((c) => {
    const file = hubFileFor(config.models.find((m) => m.name === c.model)!, c.quant);
    return file ? [{ cell: c, file }] : [];
  });
  const planned = await planDownloads(
    hub.map((h) => h.file),
    { ...opts, destDir: modelDirOf(config) },
  );
  const downloads: DryRunDownload[] = planned.map((p, i) => ({
    model: hub[i]!.cell.model,
    quant: hub[i]!.cell.quant,
    label: hubFileLabel(p.file),
    bytes: p.bytes,
    needed: p.needed,
    reason: p.reason,
    ...(p.error ? { error: p.error.shortMessage } : {}),
  }));

  const infos = new Map<string, FileInfo>();
  for (const c of needed) {
    const entry = scan.entries.find((e) => e.model === c.model && e.quant === c.quant)!;
    const download = downloads.find((d) => d.model === c.model && d.quant === c.quant);
    infos.set(keyOf(c.model, c.quant), await fileInfo(entry, download));
  }
  const kvCache = kvCacheTypes(config.llama.extra_args, process.env);
  const dryCells: DryRunCell[] = cells.map((c) => {
    const info = infos.get(keyOf(c.model, c.quant)) ?? { file: '(not needed in this mode)', bytes: null, metadata: null };
    return { id: c.id, file: info.file, bytes: info.bytes, memory: estimateMemory(info.bytes, info.metadata, c.ctx, kvCache) };
  });
  // In the planner's order, with the skips known before running (mode, memory pre-check).
  return {
    configFile: loaded.file,
    scan,
    downloads,
    cells: plannerDryRun(config, await availableMemoryMb(), cells, dryCells),
    ...(opts.selection ? { selection: { pattern: opts.selection.pattern, matrixCells: matrix.length } } : {}),
  };
}
