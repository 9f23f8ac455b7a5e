import { z } from 'zod';

/** A model file a run used: what the size charts plot against, and when the file came to this machine. */
export const modelFileFactsSchema = z.object({
  model: z.string(),
  quant: z.string(),
  bytes: z.number(),
  /** Sum of the tensors' element counts from the GGUF header; null when the header could not be read. */
  parameters: z.number().nullable(),
  /** The file's modification time (when it was downloaded or generated here); absent when it could not be read. */
  fileDate: z.string().optional(),
});
export type ModelFileFacts = z.infer<typeof modelFileFactsSchema>;

interface PlannedFile {
  cell: { model: string; quant: string };
  model: { path: string; bytes: number; metadata?: { parameterCount: number } | null };
}

/**
 * One entry per model × quantization the plan made a file for (cells planned without one, e.g. quick mode's other
 * quantizations or a remote target, have none), sorted. `fileDate` reads the file's mtime through `dateOf`.
 */
export function modelFileFacts(cells: readonly PlannedFile[], dateOf: (file: string) => string | undefined): ModelFileFacts[] {
  const out = new Map<string, ModelFileFacts>();
  for (const { cell, model } of cells) {
    const key = `${cell.model}\0${cell.quant}`;
    if (out.has(key) || !model.path || !(model.bytes > 0)) continue;
    const date = dateOf(model.path);
    out.set(key, { model: cell.model, quant: cell.quant, bytes: model.bytes, parameters: model.metadata?.parameterCount ?? null, ...(date ? { fileDate: date } : {}) });
  }
  return [...out.values()].sort((a, b) => a.model.localeCompare(b.model) || a.quant.localeCompare(b.quant));
}

/** harness/sampler/gpu.ts GpuFacts, as the scoreboard stores it. */
export const gpuFactsSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    devices: z.array(
      z.object({ address: z.string(), vendor: z.string(), ids: z.string(), kind: z.string(), driver: z.string().nullable(), vramMb: z.number().nullable(), model: z.string().nullable() }),
    ),
  }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
]);

/** One line for the report header. */
export function gpuText(g: z.infer<typeof gpuFactsSchema>): string {
  if (g.status === 'skipped') return `skipped: ${g.reason}`;
  return g.devices
    .map((d) => `${d.model ?? `${d.vendor} ${d.kind}`} [${d.ids}] at ${d.address}, driver ${d.driver ?? 'none bound'}${d.vramMb !== null ? `, ${d.vramMb} MB VRAM` : ''}`)
    .join('; ');
}
