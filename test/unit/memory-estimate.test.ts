import { describe, expect, test } from 'vitest';
import { decide, emptyRunState, type PlannerLimits } from '../../harness/matrix/planner.ts';
import type { GgufMetadata } from '../../harness/models/metadata.ts';
import { DEFAULT_KV_CACHE, MEMORY_OVERHEAD_FACTOR, estimateMemory, kvCacheBytes, kvCacheTypes } from '../../harness/models/memory.ts';

// 2 layers × 4 KV heads × 8 wide: 64 values of K and 64 of V per position.
const META: GgufMetadata = {
  architecture: 'llama', name: null, parameterCount: 1000, trainedContext: 2048, fileType: 'Q8_0', tensorCount: 3,
  tensorBytes: 10_000, decodeBytesPerToken: 10_000, decodeBytesBasis: '', layers: 2, embeddingLength: 32, headCount: 4,
  headCountKv: 4, headDim: 8,
};

describe('kvCacheTypes: what llama-server will cache in', () => {
  test('F16 unless told otherwise', () => {
    expect(kvCacheTypes([])).toEqual(DEFAULT_KV_CACHE);
    expect(kvCacheTypes(['--mlock', '--temp', '0'])).toEqual({ k: 'f16', v: 'f16' });
  });
  test('short and long flags, either spelling, K and V apart', () => {
    expect(kvCacheTypes(['-ctk', 'q8_0'])).toEqual({ k: 'q8_0', v: 'f16' });
    expect(kvCacheTypes(['--cache-type-v', 'q4_0'])).toEqual({ k: 'f16', v: 'q4_0' });
    expect(kvCacheTypes(['--cache_type_k', 'q5_1', '-ctv', 'q5_1'])).toEqual({ k: 'q5_1', v: 'q5_1' });
  });
  test('the last value of a flag given twice wins, as llama.cpp reads it', () => {
    expect(kvCacheTypes(['-ctk', 'q4_0', '--cache-type-k', 'q8_0'])).toEqual({ k: 'q8_0', v: 'f16' });
  });
  test('the environment variable the server inherits counts when no flag is given; a flag beats it', () => {
    const env = { LLAMA_ARG_CACHE_TYPE_K: 'q8_0', LLAMA_ARG_CACHE_TYPE_V: 'bf16' };
    expect(kvCacheTypes([], env)).toEqual({ k: 'q8_0', v: 'bf16' });
    expect(kvCacheTypes(['-ctv', 'f32'], env)).toEqual({ k: 'q8_0', v: 'f32' });
  });
  test('a flag without a value is not read as one', () => {
    expect(kvCacheTypes(['-ctk'])).toEqual(DEFAULT_KV_CACHE);
  });
});

describe('kvCacheBytes and estimateMemory at the cache type', () => {
  // 100 positions × 2 layers × 4 heads × 8 = 6400 values each of K and V.
  test.each([
    [{ k: 'f16', v: 'f16' }, 6400 * (2 + 2)],
    [{ k: 'f32', v: 'f32' }, 6400 * (4 + 4)],
    [{ k: 'q8_0', v: 'q8_0' }, 6400 * (34 / 32) * 2],
    [{ k: 'q8_0', v: 'f16' }, 6400 * (34 / 32 + 2)],
    [{ k: 'q4_0', v: 'q4_0' }, 6400 * (18 / 32) * 2],
  ])('%o: %d bytes', (cache, bytes) => {
    expect(kvCacheBytes(META, 100, cache)).toBe(bytes);
  });

  test('the default is the F16 cache, and the basis reads as before', () => {
    expect(kvCacheBytes(META, 100)).toBe(25_600);
    expect(estimateMemory(20_000, META, 100)).toEqual({ bytes: 12_000 + 25_600, basis: `weights × ${MEMORY_OVERHEAD_FACTOR} + KV cache (c100)` });
  });

  test('a quantized cache is smaller and says so in the basis', () => {
    expect(estimateMemory(20_000, META, 100, { k: 'q8_0', v: 'q8_0' })).toEqual({ bytes: 12_000 + 13_600, basis: 'weights × 1.2 + KV cache (c100, q8_0)' });
    expect(estimateMemory(20_000, META, 100, { k: 'q8_0', v: 'f16' })!.basis).toBe('weights × 1.2 + KV cache (c100, K q8_0, V f16)');
  });

  test('a cache type llama-server does not know leaves only the file size to go by', () => {
    expect(kvCacheBytes(META, 100, { k: 'Q8_0', v: 'f16' })).toBeNull();
    expect(estimateMemory(20_000, META, 100, { k: 'q3_k', v: 'f16' })).toEqual({ bytes: 24_000, basis: 'file × 1.2' });
  });
});

describe('one estimate: the planner falls back on it', () => {
  const limits: PlannerLimits = { enabled: true, quants: null, mode: 'full', availableMemoryMb: null, memoryCapMb: 1, ttftLimitS: 30, minDecodeTps: 2, afterPerformanceFailure: 'run-all-profiles' };
  const cell = (memory?: { bytes: number; basis: string }) => ({
    cell: { id: 'm Q8_0 t1 c100 nice10', model: 'm', quant: 'Q8_0', threads: 1, ctx: 100 },
    model: { path: '/m.gguf', bytes: 5e6 },
    ...(memory ? { memory } : {}),
  });
  test('without a prediction: the file size × the same factor', () => {
    const d = decide(cell(), emptyRunState(), limits);
    expect(d.memoryMb.mb).toBe(estimateMemory(5e6, null, 100)!.bytes / 1e6);
    expect(d.memoryMb.source).toBe(`file 5 MB × ${MEMORY_OVERHEAD_FACTOR} = 6 MB`);
  });
  test('with one: the prediction made before the run, cache type included', () => {
    const predicted = estimateMemory(5e6, { ...META, tensorBytes: 4e6 }, 100, { k: 'q8_0', v: 'q8_0' })!;
    const d = decide(cell(predicted), emptyRunState(), limits);
    expect(d.memoryMb.mb).toBe(predicted.bytes / 1e6);
    expect(d.memoryMb.source).toBe('weights × 1.2 + KV cache (c100, q8_0) = 4.81 MB');
  });
});
