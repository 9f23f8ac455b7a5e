import type { GgufMetadata } from './metadata.ts';

/** Working memory beyond the weights (compute buffers, runtime), as a share of the weights: a rule of thumb. */
export const MEMORY_OVERHEAD_FACTOR = 1.2;
/** llama-server keeps its KV cache in F16 unless told otherwise (`--cache-type-k/v`). */
export const KV_CACHE_BYTES_PER_ELEMENT = 2;

export interface MemoryEstimate {
  bytes: number;
  /** How it was reached, for a person: "file × 1.2" or "weights × 1.2 + KV cache (c2048)". */
  basis: string;
}

/** K and V for every layer and every position of the context, in F16. Null when the file does not give the shape. */
export function kvCacheBytes(m: GgufMetadata, ctx: number): number | null {
  if (m.layers === null || m.headCountKv === null || m.headDim === null) return null;
  return 2 * m.layers * ctx * m.headCountKv * m.headDim * KV_CACHE_BYTES_PER_ELEMENT;
}

/**
 * The memory a cell is predicted to need. From the GGUF metadata when it is known (tensor bytes × 1.2 plus the KV
 * cache at the cell's context); before a file is on disk only its size is known, and the estimate is file size × 1.2.
 */
export function estimateMemory(fileBytes: number | null, metadata: GgufMetadata | null, ctx: number): MemoryEstimate | null {
  const kv = metadata ? kvCacheBytes(metadata, ctx) : null;
  if (metadata && kv !== null) {
    return { bytes: Math.round(metadata.tensorBytes * MEMORY_OVERHEAD_FACTOR + kv), basis: `weights × ${MEMORY_OVERHEAD_FACTOR} + KV cache (c${ctx})` };
  }
  if (fileBytes === null) return null;
  return { bytes: Math.round(fileBytes * MEMORY_OVERHEAD_FACTOR), basis: `file × ${MEMORY_OVERHEAD_FACTOR}` };
}
