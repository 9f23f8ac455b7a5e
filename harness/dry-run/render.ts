// `npm run bench -- --dry-run` as text: what the models look like on this machine, what would be downloaded, and the
// planned cells in order with their model file and predicted memory. Pure: plain data in, lines out.
import type { MemoryEstimate } from '../models/memory.ts';
import type { ModelScan } from '../models/scan.ts';
import { formatBytes } from '../units.ts';

export interface DryRunDownload {
  model: string;
  quant: string;
  /** `org/name/file.gguf at revision`. */
  label: string;
  bytes: number | null;
  needed: boolean;
  /** What would happen: "download N bytes", "already downloaded: <path>", "resume: …". */
  reason: string;
  /** Set when the real download would fail; the dry run then exits 2. */
  error?: string;
}

export interface DryRunCell {
  id: string;
  /** The model file the cell would load (a path, or a hub label before download). */
  file: string;
  bytes: number | null;
  memory: MemoryEstimate | null;
  /** Why the cell would not be launched (e.g. a planner decision); absent when it runs. */
  skip?: string;
}

export interface DryRunReport {
  configFile: string;
  scan: ModelScan;
  /** Hub files the planned cells need, one per model × quantization. */
  downloads: DryRunDownload[];
  cells: DryRunCell[];
  /** Set when `-t` selected the cells: its pattern and how many cells the whole matrix has. */
  selection?: { pattern: string; matrixCells: number };
}

const size = (bytes: number | null) => (bytes === null ? 'size unknown' : formatBytes(bytes));

/** Left-aligned columns, two spaces apart; the last column is not padded. */
function columns(rows: string[][], indent = '  '): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

function modelLines(scan: ModelScan): string[] {
  const out = [`models (model_dir ${scan.modelDir}):`];
  out.push(...columns(scan.entries.map((e) => [e.state, `${e.model} ${e.quant}`, e.bytes === null ? e.where : `${e.where} (${formatBytes(e.bytes)})`])));
  for (const f of scan.unreferenced) out.push(`  not in any definition: ${f.path} (${formatBytes(f.bytes)})`);
  for (const f of scan.partial) out.push(`  partial download, resumed by the next download: ${f.path} (${formatBytes(f.bytes)})`);
  if (scan.truncated) out.push(`  model_dir not scanned whole: ${scan.truncated}`);
  return out;
}

function downloadLines(downloads: DryRunDownload[]): string[] {
  const needed = downloads.filter((d) => d.needed && !d.error);
  const failing = downloads.filter((d) => d.error);
  const known = needed.filter((d) => d.bytes !== null).reduce((sum, d) => sum + d.bytes!, 0);
  const unknown = needed.some((d) => d.bytes === null) ? ' + files of unknown size' : '';
  const out = [`downloads for the planned cells: ${needed.length} file${needed.length === 1 ? '' : 's'}, ${formatBytes(known)}${unknown}`];
  out.push(
    ...columns(
      downloads.map((d) => [d.error ? 'FAILS' : d.needed ? 'download' : 'have', `${d.model} ${d.quant}`, d.label, size(d.bytes), d.error ?? d.reason]),
    ),
  );
  if (failing.length > 0) out.push(`${failing.length} download${failing.length === 1 ? '' : 's'} would fail: the run would exit 2`);
  return out;
}

function cellLines(cells: DryRunCell[], selection: DryRunReport['selection']): string[] {
  const running = cells.filter((c) => c.skip === undefined).length;
  const selected = selection ? `; ${selection.pattern.startsWith('--shard') ? '' : '-t '}${selection.pattern} keeps ${cells.length} of the matrix's ${selection.matrixCells}` : '';
  const out = [`cells in order: ${cells.length}${running === cells.length ? '' : ` (${running} to run, ${cells.length - running} skipped)`}${selected}`];
  const rows = cells.map((c, i) => {
    const memory = c.memory ? `memory ≈ ${formatBytes(c.memory.bytes)} (${c.memory.basis})` : 'memory unknown';
    return [`${String(i + 1).padStart(String(cells.length).length)}.`, c.id, c.file, size(c.bytes), c.skip === undefined ? memory : `${memory}; skip: ${c.skip}`];
  });
  out.push(...columns(rows));
  return out;
}

/** The dry run's report, one line per string, in a fixed order: models, downloads, cells. */
export function renderDryRun(r: DryRunReport): string[] {
  return [
    `dry run of ${r.configFile}: nothing is downloaded and no server is started`,
    ...modelLines(r.scan),
    ...downloadLines(r.downloads),
    ...cellLines(r.cells, r.selection),
  ];
}

/** 2 (bad input) when a download the cells need would fail, else 0. */
export function dryRunExitCode(r: DryRunReport): 0 | 2 {
  return r.downloads.some((d) => d.error) ? 2 : 0;
}
