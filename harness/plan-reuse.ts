// What a run's earlier plan already established, for the next preparation in the same run directory: `npm run bench`
// prepares the plan before Vitest's global setup prepares it again, and --tune, --flow and --resume start several
// Vitest runs there. Hashing a model file and reading its GGUF metadata again would give the same answer at a cost
// (seconds for a file of a few GB), so an unchanged file's facts are kept; so is the run's memory bandwidth.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MeasuredBandwidth } from './bandwidth/measure.ts';
import type { ModelFile } from './models/builtin.ts';
import type { Cell } from './measurement/schema.ts';

/** The parts of plan.json read back; anything may be missing or malformed in a file on disk. */
interface EarlierPlan {
  configFile?: unknown;
  bandwidth?: Partial<MeasuredBandwidth> & { error?: unknown };
  llama?: { serverPath?: unknown; commit?: unknown };
  config?: { models?: { name?: unknown }[]; model_dir?: unknown };
  cells?: { cell?: Partial<Cell>; model?: Partial<ModelFile> }[];
}

export interface Earlier {
  plan: EarlierPlan;
  /** When plan.json was last written (ms). */
  writtenMs: number;
}

/** The run directory's plan.json and when it was written; null when there is none yet or it cannot be read. */
export function earlierPlan(runDir: string): Earlier | null {
  const file = path.join(runDir, 'plan.json');
  try {
    const writtenMs = statSync(file).mtimeMs;
    const plan = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return plan && typeof plan === 'object' ? { plan: plan as EarlierPlan, writtenMs } : null;
  } catch {
    return null;
  }
}

/**
 * The model file the earlier plan prepared for this cell's model and quantization, when it is still that file: the
 * model declared the same way (the same config file, with its entry and model_dir unchanged: relative paths resolve
 * from the config's folder), the same llama.cpp build (the built-in models are quantized by it), same size, and neither its content (mtime) nor the file
 * at that path (ctime: a replacement, a rename, a touch) changed since the plan was written (the same instant counts
 * as a change: a coarse clock must not hide one). Else null: prepare it.
 */
export function reusableModelFile(
  earlier: Earlier | null,
  cell: Pick<Cell, 'model' | 'quant'>,
  llama: { serverPath: string; commit: string },
  configFile: string,
  config: { models: readonly { name: string }[]; model_dir?: unknown },
): ModelFile | null {
  if (!earlier) return null;
  const { plan, writtenMs } = earlier;
  if (plan.configFile !== configFile) return null;
  if (plan.llama?.serverPath !== llama.serverPath || plan.llama?.commit !== llama.commit || !Array.isArray(plan.cells)) return null;
  const declared = (models: readonly { name?: unknown }[] | undefined) => JSON.stringify(models?.find((m) => m?.name === cell.model) ?? null);
  if (declared(plan.config?.models) !== declared(config.models) || declared(config.models) === 'null') return null;
  if (JSON.stringify(plan.config?.model_dir ?? null) !== JSON.stringify(config.model_dir ?? null)) return null;
  const before = plan.cells.find((c) => c?.cell?.model === cell.model && c.cell.quant === cell.quant)?.model;
  if (!before || typeof before.path !== 'string' || before.path === '' || typeof before.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(before.sha256) || typeof before.bytes !== 'number') return null;
  try {
    const now = statSync(before.path);
    if (!now.isFile() || now.size !== before.bytes || now.mtimeMs >= writtenMs || now.ctimeMs >= writtenMs) return null;
  } catch {
    return null;
  }
  return { path: before.path, sha256: before.sha256, bytes: before.bytes, ...(before.metadata !== undefined ? { metadata: before.metadata } : {}) };
}

/**
 * The bandwidth this run already measured. Measured once per run, the figure stays the same for every cell of it
 * (and the 1 GB triad does not run again each time); none when there is no plan yet, the measurement failed, or the
 * figure is malformed: measure.
 */
export function reusableBandwidth(earlier: Earlier | null): MeasuredBandwidth | null {
  const bw = earlier?.plan.bandwidth;
  if (!bw || bw.error !== undefined) return null;
  return typeof bw.gbPerSec === 'number' && typeof bw.method === 'string' ? (bw as MeasuredBandwidth) : null;
}
