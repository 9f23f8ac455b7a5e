// The matrix axes as the flows see them: each axis ordered from cheapest to dearest, and the cells the flows may
// pick from (runnable cells, knob axes held at their first value).
import type { BenchConfig } from '../config/schema.ts';
import { KNOB_NAMES, type Cell, type Knobs } from '../measurement/schema.ts';

/** What the flows need of a planned cell (a PlannedCell fits). */
export interface FlowCell {
  cell: Cell;
  model: { path: string; bytes: number };
}

/** Lowest priority first: a background process that yields more is cheaper for the machine. */
export const PRIORITY_COST_ORDER = ['sched_idle', 'nice19', 'nice10', 'normal'] as const;

export function priorityRank(p: string): number {
  const i = (PRIORITY_COST_ORDER as readonly string[]).indexOf(p);
  return i < 0 ? PRIORITY_COST_ORDER.length : i;
}

/** A model file (model × quantization): its size stands for its cost (memory, bandwidth per token). */
export interface ModelFileValue {
  key: string;
  model: string;
  quant: string;
  bytes: number;
}

export const fileKey = (c: Pick<Cell, 'model' | 'quant'>) => `${c.model} ${c.quant}`;

/** The model files of these cells, smallest first (ties by name). */
export function modelFilesBySize(cells: readonly FlowCell[]): ModelFileValue[] {
  const files = new Map<string, ModelFileValue>();
  for (const c of cells) files.set(fileKey(c.cell), { key: fileKey(c.cell), model: c.cell.model, quant: c.cell.quant, bytes: c.model.bytes });
  return [...files.values()].sort((a, b) => a.bytes - b.bytes || a.key.localeCompare(b.key));
}

/** How a model file reads in messages: the quantization alone when the matrix has one model. */
export function fileLabel(f: Pick<ModelFileValue, 'model' | 'quant'>, cells: readonly FlowCell[]): string {
  return new Set(cells.map((c) => c.cell.model)).size > 1 ? `${f.model} ${f.quant}` : f.quant;
}

/** Each knob axis of the matrix at its first value: the flows search the five core axes only. */
export function heldKnobs(matrix: BenchConfig['matrix']): Knobs {
  const held: Record<string, unknown> = {};
  for (const k of KNOB_NAMES) {
    const values = matrix[k] as readonly unknown[] | undefined;
    if (values && values.length > 0) held[k] = values[0];
  }
  return held as Knobs;
}

/**
 * The cells a flow chooses from: runnable ones (quick mode leaves placeholders without a model file) whose knob
 * axes sit at their first value.
 */
export function flowCells<C extends FlowCell>(cells: readonly C[], held: Knobs): C[] {
  return cells.filter((c) => c.model.path !== '' && KNOB_NAMES.every((k) => held[k] === undefined || c.cell[k] === held[k]));
}

export function uniqueSorted<T>(values: readonly T[], compare: (a: T, b: T) => number): T[] {
  return [...new Set(values)].sort(compare);
}
