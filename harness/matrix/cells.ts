import type { Cell } from '../measurement/schema.ts';
import type { BenchConfig } from '../config/schema.ts';
import { modelQuants } from '../config/load.ts';

/** A readable, stable id such as `small Q4_K_M t2 c2048 nice10`: it is the describe title, so `-t Q4_K_M` finds it. */
export function cellId(c: Omit<Cell, 'id' | 'slug'>): string {
  return `${c.model} ${c.quant} t${c.threads} c${c.ctx} ${c.priority}`;
}

export function cellSlug(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Cartesian product of the matrix axes, in config order, skipping quantizations a model does not offer. */
export function expandMatrix(config: BenchConfig): Cell[] {
  const { matrix } = config;
  const cells: Cell[] = [];
  for (const modelName of matrix.models) {
    const model = config.models.find((m) => m.name === modelName);
    if (!model) throw new Error(`matrix names model "${modelName}", which is not defined`);
    const offered = modelQuants(model);
    for (const quant of matrix.quants) {
      if (!offered.includes(quant)) continue;
      for (const threads of matrix.threads) {
        for (const ctx of matrix.ctx) {
          for (const priority of matrix.priority) {
            const id = cellId({ model: modelName, quant, threads, ctx, priority });
            cells.push({ id, slug: cellSlug(id), model: modelName, quant, threads, ctx, priority });
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  return cells.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
}
