import { normaliseFlag } from '../config/extra-args.ts';
import type { GgufMetadata } from './metadata.ts';

/** Working memory beyond the weights (compute buffers, runtime), as a share of the weights: a rule of thumb. */
export const MEMORY_OVERHEAD_FACTOR = 1.2;

/**
 * Bytes per cached value of the KV cache types llama-server accepts (`--cache-type-k/-v`, common/arg.cpp
 * `kv_cache_types`): ggml's block sizes, e.g. q8_0 keeps 32 values in 34 bytes (an F16 scale and 32 int8).
 */
export const KV_CACHE_TYPE_BYTES: Readonly<Record<string, number>> = {
  f32: 4,
  f16: 2,
  bf16: 2,
  q8_0: 34 / 32,
  q4_0: 18 / 32,
  q4_1: 20 / 32,
  iq4_nl: 18 / 32,
  q5_0: 22 / 32,
  q5_1: 24 / 32,
};

/** The types of the K and V caches, as llama-server names them (`f16`, `q8_0`, …). */
export interface KvCacheTypes {
  k: string;
  v: string;
}

/** llama-server keeps its KV cache in F16 unless told otherwise. */
export const DEFAULT_KV_CACHE: KvCacheTypes = { k: 'f16', v: 'f16' };

const CACHE_FLAGS = { k: ['-ctk', '--cache-type-k'], v: ['-ctv', '--cache-type-v'] } as const;
const CACHE_ENV = { k: 'LLAMA_ARG_CACHE_TYPE_K', v: 'LLAMA_ARG_CACHE_TYPE_V' } as const;

/**
 * The cache types a llama-server started with these extra arguments uses: the last `-ctk`/`--cache-type-k` (and
 * `-ctv`/`--cache-type-v`) given, as llama.cpp reads a flag given twice; without one, its environment variable
 * (LLAMA_ARG_CACHE_TYPE_K/V), which the server inherits; else F16.
 */
export function kvCacheTypes(extraArgs: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): KvCacheTypes {
  const pick = (side: 'k' | 'v'): string => {
    let value: string | undefined;
    extraArgs.forEach((arg, i) => {
      if ((CACHE_FLAGS[side] as readonly string[]).includes(normaliseFlag(arg)) && i + 1 < extraArgs.length) value = extraArgs[i + 1];
    });
    return value ?? env[CACHE_ENV[side]] ?? DEFAULT_KV_CACHE[side];
  };
  return { k: pick('k'), v: pick('v') };
}

export interface MemoryEstimate {
  bytes: number;
  /** How it was reached, for a person: "file × 1.2" or "weights × 1.2 + KV cache (c2048)". */
  basis: string;
}

/**
 * K and V for every layer and every position of the context, at the cache types' sizes (F16 unless told otherwise).
 * Null when the file does not give the shape, or a cache type is one llama-server does not know (it would refuse it).
 */
export function kvCacheBytes(m: GgufMetadata, ctx: number, cache: KvCacheTypes = DEFAULT_KV_CACHE): number | null {
  const k = KV_CACHE_TYPE_BYTES[cache.k];
  const v = KV_CACHE_TYPE_BYTES[cache.v];
  if (m.layers === null || m.headCountKv === null || m.headDim === null || k === undefined || v === undefined) return null;
  return m.layers * ctx * m.headCountKv * m.headDim * (k + v);
}

function cacheNote(cache: KvCacheTypes): string {
  if (cache.k === DEFAULT_KV_CACHE.k && cache.v === DEFAULT_KV_CACHE.v) return '';
  return cache.k === cache.v ? `, ${cache.k}` : `, K ${cache.k}, V ${cache.v}`;
}

/**
 * The memory a cell is predicted to need, the one estimate made before anything ran. From the GGUF metadata when it
 * is known (tensor bytes × 1.2 plus the KV cache at the cell's context and cache types); before a file is on disk
 * only its size is known, and the estimate is file size × 1.2.
 */
export function estimateMemory(fileBytes: number | null, metadata: GgufMetadata | null, ctx: number, cache: KvCacheTypes = DEFAULT_KV_CACHE): MemoryEstimate | null {
  const kv = metadata ? kvCacheBytes(metadata, ctx, cache) : null;
  if (metadata && kv !== null) {
    return { bytes: Math.round(metadata.tensorBytes * MEMORY_OVERHEAD_FACTOR + kv), basis: `weights × ${MEMORY_OVERHEAD_FACTOR} + KV cache (c${ctx}${cacheNote(cache)})` };
  }
  if (fileBytes === null) return null;
  return { bytes: Math.round(fileBytes * MEMORY_OVERHEAD_FACTOR), basis: `file × ${MEMORY_OVERHEAD_FACTOR}` };
}
