import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { GgmlType } from '../../harness/models/gguf.ts';
import { MEMORY_OVERHEAD_FACTOR, estimateMemory, kvCacheBytes } from '../../harness/models/memory.ts';
import { readGgufMetadata } from '../../harness/models/metadata.ts';
import { TINY, tinyTensors, writeTinyGguf } from '../fixtures/tiny-gguf.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gguf-meta-'));

async function tiny(name: string, opts: Parameters<typeof writeTinyGguf>[1] = {}) {
  const file = path.join(dir, name);
  writeTinyGguf(file, opts);
  return { file, bytes: statSync(file).size, metadata: await readGgufMetadata(file, statSync(file).size) };
}

describe('readGgufMetadata', () => {
  test('reads architecture, trained context, file type and shape, and sums tensor elements and data sizes', async () => {
    const { bytes, metadata } = await tiny('a.gguf', { fileType: 15 });
    const tensors = tinyTensors();
    const elements = tensors.map((t) => t.dims.reduce((a, b) => a * b, 1));
    const dataBytes = tensors.reduce((sum, t, i) => sum + elements[i]! * (t.type === GgmlType.F32 ? 4 : 2), 0);
    expect(metadata).toEqual({
      architecture: 'llama',
      name: 'tiny test model',
      parameterCount: 26_816,
      trainedContext: TINY.ctx,
      fileType: 'Q4_K_M',
      tensorCount: tensors.length,
      tensorBytes: 54_016,
      // The output is tied to token_embd (no output.weight): the table is read whole once, as the output.
      decodeBytesPerToken: 54_016,
      decodeBytesBasis: '0.1 MB: every tensor once; the output is tied to token_embd.weight, read whole once as the output',
      layers: TINY.layers,
      embeddingLength: TINY.embd,
      headCount: TINY.heads,
      headCountKv: TINY.headsKv,
      headDim: TINY.embd / TINY.heads,
    });
    // The fixed figures above are the tensors' own arithmetic, and the padding keeps the file larger than its data.
    expect(elements.reduce((a, b) => a + b, 0)).toBe(26_816);
    expect(dataBytes).toBe(54_016);
    expect(bytes).toBeGreaterThan(dataBytes);
  });

  test('a larger file of the same model counts its extra tensor', async () => {
    const { metadata } = await tiny('b.gguf', { fileType: 1, padElements: 1000 });
    expect(metadata.parameterCount).toBe(26_816 + 1000);
    expect(metadata.tensorBytes).toBe(54_016 + 2000);
    expect(metadata.fileType).toBe('F16');
  });

  test('bytes read per decoded token: one row of the token embedding, the output projection whole', async () => {
    const { metadata } = await tiny('untied.gguf', { untiedOutput: true });
    const table = TINY.embd * TINY.vocab * 2; // F16
    expect(metadata.tensorBytes).toBe(54_016 + table);
    // the whole model but the embedding table, plus one of its 32 rows (64 F16 values = 128 bytes)
    expect(metadata.decodeBytesPerToken).toBe(54_016 + table - table + 128);
    expect(metadata.decodeBytesBasis).toMatch(/one row of token_embd\.weight \(32 rows\)/);
    expect(metadata.decodeBytesBasis).not.toMatch(/tied/);
  });

  test('a file that is not GGUF is refused', async () => {
    const file = path.join(dir, 'not.gguf');
    (await import('node:fs')).writeFileSync(file, 'GGUF not really a model');
    await expect(readGgufMetadata(file, 23)).rejects.toThrow();
  });
});

describe('estimateMemory', () => {
  test('with metadata: weights × 1.2 plus an F16 KV cache for the cell context', async () => {
    const { bytes, metadata } = await tiny('c.gguf');
    // 2 (K and V) × layers × ctx × kv heads × head dim × 2 bytes
    const kv = 2 * TINY.layers * 1024 * TINY.headsKv * (TINY.embd / TINY.heads) * 2;
    expect(kvCacheBytes(metadata, 1024)).toBe(kv);
    expect(estimateMemory(bytes, metadata, 1024)).toEqual({
      bytes: Math.round(54_016 * MEMORY_OVERHEAD_FACTOR + kv),
      basis: 'weights × 1.2 + KV cache (c1024)',
    });
    expect(estimateMemory(bytes, metadata, 4096)!.bytes).toBeGreaterThan(estimateMemory(bytes, metadata, 1024)!.bytes);
  });
  test('without metadata: file size × 1.2; without a size: unknown', () => {
    expect(estimateMemory(1_000_000, null, 2048)).toEqual({ bytes: 1_200_000, basis: 'file × 1.2' });
    expect(estimateMemory(null, null, 2048)).toBeNull();
  });
});
