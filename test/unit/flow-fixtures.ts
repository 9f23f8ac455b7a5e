import type { FlowCell } from '../../harness/flow/axes.ts';
import { cellId, cellSlug } from '../../harness/matrix/cells.ts';

const BYTES: Record<string, number> = { Q2_K: 10, Q4_K_M: 20, Q6_K: 30, Q8_0: 40 };

/** A plan's cells for a full product, in an order unlike the cost order (as a config may list them). */
export function product(axes: { threads: number[]; priority: string[]; ctx: number[]; quants: string[] }): FlowCell[] {
  const out: FlowCell[] = [];
  for (const quant of axes.quants)
    for (const threads of axes.threads)
      for (const ctx of axes.ctx)
        for (const priority of axes.priority) {
          const id = cellId({ model: 'm', quant, threads, ctx, priority });
          out.push({ cell: { id, slug: cellSlug(id), model: 'm', quant, threads, ctx, priority }, model: { path: `/m-${quant}.gguf`, bytes: BYTES[quant]! } });
        }
  return out;
}
