import { mulberry32 } from '../stats/prng.ts';
import { GgmlType, GgufType, encodeEntry, readGgufHeader, writeGguf, type TensorSpec } from './gguf.ts';

/** Shapes of the generated default models. Row lengths are multiples of 256 so every k-quant applies to every tensor. */
export const BUILTIN_SHAPES = {
  tiny: { embd: 256, layers: 4, heads: 4, headsKv: 4, ff: 768, ctx: 8192 },
  small: { embd: 768, layers: 8, heads: 12, headsKv: 12, ff: 2048, ctx: 8192 },
} as const;
export type BuiltinSize = keyof typeof BUILTIN_SHAPES;

export const GENERATOR_SEED = 20_261_123;
/** Weights are uniform in ±WEIGHT_RANGE: small enough that activations stay finite through every layer. */
const WEIGHT_RANGE = 0.035;
export const VOCAB_FILE = 'ggml-vocab-llama-spm.gguf';

function seedFor(name: string): number {
  let h = GENERATOR_SEED >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float32 → IEEE half, round-to-nearest; inputs here are small normals or zero, so no NaN/Inf handling is needed. */
export function toHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign; // flush values below half's normal range to zero
  if (exp >= 31) return sign | 0x7bff; // clamp to the largest finite half
  const mant = bits & 0x7fffff;
  let h = sign | (exp << 10) | (mant >>> 13);
  if (mant & 0x1000) h += 1; // round half up on the dropped bits
  return h;
}

function randomF16(name: string, elements: number): Uint8Array {
  const rand = mulberry32(seedFor(name));
  const out = new Uint16Array(elements);
  for (let i = 0; i < elements; i++) out[i] = toHalf((rand() * 2 - 1) * WEIGHT_RANGE);
  return new Uint8Array(out.buffer);
}

function onesF32(elements: number): Uint8Array {
  return new Uint8Array(new Float32Array(elements).fill(1).buffer);
}

export function parameterCount(size: BuiltinSize, vocab = 32_000): number {
  const s = BUILTIN_SHAPES[size];
  const kv = (s.embd / s.heads) * s.headsKv;
  const perLayer = 2 * s.embd + s.embd * s.embd * 2 + s.embd * kv * 2 + 3 * s.embd * s.ff;
  return 2 * vocab * s.embd + s.embd + s.layers * perLayer;
}

/**
 * Writes a Llama-architecture F16 GGUF with seeded random weights and the tokenizer of `vocabFile`.
 * The same inputs give a byte-identical file on every run.
 */
export function generateBuiltinModel(size: BuiltinSize, vocabFile: string, outFile: string): void {
  const s = BUILTIN_SHAPES[size];
  const vocab = readGgufHeader(vocabFile);
  const tokenizer = vocab.entries.filter((e) => e.key.startsWith('tokenizer.'));
  const tokens = tokenizer.find((e) => e.key === 'tokenizer.ggml.tokens');
  if (!tokens) throw new Error(`${vocabFile} has no tokenizer.ggml.tokens`);
  const nVocab = arrayLength(tokens.raw);
  const headDim = s.embd / s.heads;
  const kvDim = headDim * s.headsKv;
  const entries = [
    encodeEntry('general.architecture', GgufType.STRING, 'llama'),
    encodeEntry('general.name', GgufType.STRING, `llm-budget-bench ${size} (random weights)`),
    encodeEntry('general.file_type', GgufType.UINT32, 1), // mostly F16
    encodeEntry('llama.vocab_size', GgufType.UINT32, nVocab),
    encodeEntry('llama.context_length', GgufType.UINT32, s.ctx),
    encodeEntry('llama.embedding_length', GgufType.UINT32, s.embd),
    encodeEntry('llama.block_count', GgufType.UINT32, s.layers),
    encodeEntry('llama.feed_forward_length', GgufType.UINT32, s.ff),
    encodeEntry('llama.attention.head_count', GgufType.UINT32, s.heads),
    encodeEntry('llama.attention.head_count_kv', GgufType.UINT32, s.headsKv),
    encodeEntry('llama.rope.dimension_count', GgufType.UINT32, headDim),
    encodeEntry('llama.rope.freq_base', GgufType.FLOAT32, 10_000),
    encodeEntry('llama.attention.layer_norm_rms_epsilon', GgufType.FLOAT32, 1e-5),
    ...tokenizer.map((e) => e.raw),
  ];
  const matrix = (name: string, cols: number, rows: number): TensorSpec => ({
    name,
    dims: [cols, rows],
    type: GgmlType.F16,
    fill: () => randomF16(name, cols * rows),
  });
  const norm = (name: string): TensorSpec => ({ name, dims: [s.embd], type: GgmlType.F32, fill: () => onesF32(s.embd) });
  const tensors: TensorSpec[] = [matrix('token_embd.weight', s.embd, nVocab)];
  for (let l = 0; l < s.layers; l++) {
    const b = `blk.${l}`;
    tensors.push(
      norm(`${b}.attn_norm.weight`),
      matrix(`${b}.attn_q.weight`, s.embd, s.embd),
      matrix(`${b}.attn_k.weight`, s.embd, kvDim),
      matrix(`${b}.attn_v.weight`, s.embd, kvDim),
      matrix(`${b}.attn_output.weight`, s.embd, s.embd),
      norm(`${b}.ffn_norm.weight`),
      matrix(`${b}.ffn_gate.weight`, s.embd, s.ff),
      matrix(`${b}.ffn_up.weight`, s.embd, s.ff),
      matrix(`${b}.ffn_down.weight`, s.ff, s.embd),
    );
  }
  tensors.push(norm('output_norm.weight'), matrix('output.weight', s.embd, nVocab));
  writeGguf(outFile, entries, tensors);
}

/** Item count of an array entry: raw = key (u64 length + bytes), u32 type, u32 item type, u64 count, items. */
function arrayLength(raw: Buffer): number {
  const keyLength = Number(raw.readBigUInt64LE(0));
  return Number(raw.readBigUInt64LE(8 + keyLength + 4 + 4));
}
