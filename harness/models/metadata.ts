// What a GGUF file says about its model, read with @huggingface/gguf (the hub's own parser; it reads local files on
// Node 20 and only the header, not the tensor data): architecture, size, trained context, quantization, and the
// shape figures a KV-cache estimate needs.
import { GGMLFileQuantizationType, GGMLQuantizationType, gguf, type GGUFParseOutput } from '@huggingface/gguf';

export interface GgufMetadata {
  architecture: string | null;
  /** `general.name`, when the file has one. */
  name: string | null;
  /** Sum of every tensor's element count. */
  parameterCount: number;
  /** The context length the model was trained with (`<arch>.context_length`). */
  trainedContext: number | null;
  /** The file's quantization from `general.file_type`, e.g. "Q4_K_M"; null when absent or unknown. */
  fileType: string | null;
  tensorCount: number;
  /** Sum of the tensors' data sizes (what llama-server maps), without the file's alignment padding. */
  tensorBytes: number;
  /**
   * Bytes one decoded token reads from the weights: every tensor once, except lookup tables (the token embedding),
   * of which one row is gathered; when the output projection is tied to the token embedding (no `output.weight`),
   * the table is read whole as the output and counted once. The KV cache read, which grows with context, is extra.
   */
  decodeBytesPerToken: number;
  /** How decodeBytesPerToken was counted, for the report. */
  decodeBytesBasis: string;
  layers: number | null;
  embeddingLength: number | null;
  headCount: number | null;
  headCountKv: number | null;
  /** Per-head width of K and V (`<arch>.attention.key_length`, else embedding_length ÷ head_count). */
  headDim: number | null;
}

const QK_K = 256;
/** ggml's block layout per tensor type: elements per block and bytes per block (ggml.c `type_traits`). */
const BLOCK: Partial<Record<GGMLQuantizationType, readonly [elements: number, bytes: number]>> = {
  [GGMLQuantizationType.F32]: [1, 4],
  [GGMLQuantizationType.F16]: [1, 2],
  [GGMLQuantizationType.BF16]: [1, 2],
  [GGMLQuantizationType.F64]: [1, 8],
  [GGMLQuantizationType.I8]: [1, 1],
  [GGMLQuantizationType.I16]: [1, 2],
  [GGMLQuantizationType.I32]: [1, 4],
  [GGMLQuantizationType.I64]: [1, 8],
  [GGMLQuantizationType.Q4_0]: [32, 18],
  [GGMLQuantizationType.Q4_1]: [32, 20],
  [GGMLQuantizationType.Q5_0]: [32, 22],
  [GGMLQuantizationType.Q5_1]: [32, 24],
  [GGMLQuantizationType.Q8_0]: [32, 34],
  [GGMLQuantizationType.Q8_1]: [32, 40],
  [GGMLQuantizationType.Q2_K]: [QK_K, 84],
  [GGMLQuantizationType.Q3_K]: [QK_K, 110],
  [GGMLQuantizationType.Q4_K]: [QK_K, 144],
  [GGMLQuantizationType.Q5_K]: [QK_K, 176],
  [GGMLQuantizationType.Q6_K]: [QK_K, 210],
  [GGMLQuantizationType.Q8_K]: [QK_K, 292],
  [GGMLQuantizationType.IQ2_XXS]: [QK_K, 66],
  [GGMLQuantizationType.IQ2_XS]: [QK_K, 74],
  [GGMLQuantizationType.IQ2_S]: [QK_K, 82],
  [GGMLQuantizationType.IQ3_XXS]: [QK_K, 98],
  [GGMLQuantizationType.IQ3_S]: [QK_K, 110],
  [GGMLQuantizationType.IQ1_S]: [QK_K, 50],
  [GGMLQuantizationType.IQ1_M]: [QK_K, 56],
  [GGMLQuantizationType.IQ4_NL]: [32, 18],
  [GGMLQuantizationType.IQ4_XS]: [QK_K, 136],
  [GGMLQuantizationType.TQ1_0]: [QK_K, 54],
  [GGMLQuantizationType.TQ2_0]: [QK_K, 66],
  [GGMLQuantizationType.MXFP4]: [32, 17],
};

type TensorInfo = GGUFParseOutput['tensorInfos'][number];

const elementsOf = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1n);

/**
 * Each tensor's data size from its type's block layout; a type this table does not know (a newer ggml) is measured by
 * where the next tensor starts instead, which includes up to `alignment - 1` bytes of padding.
 */
function tensorSizes(tensors: TensorInfo[], dataBytes: bigint): Map<TensorInfo, bigint> {
  const byOffset = [...tensors].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  const sizes = new Map<TensorInfo, bigint>();
  byOffset.forEach((t, i) => {
    const block = BLOCK[t.dtype];
    sizes.set(t, block ? (elementsOf(t) / BigInt(block[0])) * BigInt(block[1]) : (byOffset[i + 1]?.offset ?? dataBytes) - t.offset);
  });
  return sizes;
}

/** Tables a decoded token reads one row of (llama.cpp gathers the row), by GGUF tensor name. */
const LOOKUP_TABLES = ['token_embd.weight', 'position_embd.weight', 'token_types.weight'];
const TOKEN_EMBEDDING = 'token_embd.weight';
const OUTPUT = 'output.weight';

/** See GgufMetadata.decodeBytesPerToken. Rows are the outer dimension (ggml's ne[1]): shape[0] elements each. */
export function decodeBytes(tensors: readonly { name: string; shape: readonly bigint[]; bytes: bigint }[]): { bytes: number; basis: string } {
  const tied = !tensors.some((t) => t.name === OUTPUT) && tensors.some((t) => t.name === TOKEN_EMBEDDING);
  let total = 0n;
  const parts: string[] = [];
  for (const t of tensors) {
    const gathered = LOOKUP_TABLES.includes(t.name) && !(tied && t.name === TOKEN_EMBEDDING);
    const rows = t.shape.length >= 2 ? t.shape.slice(1).reduce((a, b) => a * b, 1n) : 1n;
    if (gathered && rows > 0n) {
      total += t.bytes / rows;
      parts.push(`one row of ${t.name} (${rows} rows)`);
    } else total += t.bytes;
  }
  const mb = (n: bigint) => `${(Number(n) / 1e6).toFixed(1)} MB`;
  const basis =
    `${mb(total)}: every tensor once` +
    (parts.length ? `, but ${parts.join(', ')}` : '') +
    (tied ? `; the output is tied to ${TOKEN_EMBEDDING}, read whole once as the output` : '');
  return { bytes: Number(total), basis };
}

function numberAt(meta: Record<string, unknown>, key: string): number | null {
  const v = meta[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

function stringAt(meta: Record<string, unknown>, key: string): string | null {
  const v = meta[key];
  return typeof v === 'string' ? v : null;
}

/** Reads a local GGUF file's header. Throws on a file that is not GGUF (or is cut short inside its header). */
export async function readGgufMetadata(file: string, fileBytes: number): Promise<GgufMetadata> {
  const parsed = await gguf(file, { allowLocalFile: true });
  const meta = parsed.metadata as unknown as Record<string, unknown>;
  const arch = stringAt(meta, 'general.architecture');
  const at = (key: string) => (arch ? numberAt(meta, `${arch}.${key}`) : null);
  const fileTypeCode = numberAt(meta, 'general.file_type');
  const embeddingLength = at('embedding_length');
  const headCount = at('attention.head_count');
  const parameterCount = parsed.tensorInfos.reduce((sum, t) => sum + elementsOf(t), 0n);
  const sizes = tensorSizes(parsed.tensorInfos, BigInt(fileBytes) - BigInt(parsed.tensorDataOffset));
  const decode = decodeBytes(parsed.tensorInfos.map((t) => ({ name: t.name, shape: t.shape, bytes: sizes.get(t)! })));
  return {
    architecture: arch,
    name: stringAt(meta, 'general.name'),
    parameterCount: Number(parameterCount),
    trainedContext: at('context_length'),
    fileType: fileTypeCode === null ? null : (GGMLFileQuantizationType[fileTypeCode] ?? null),
    tensorCount: parsed.tensorInfos.length,
    tensorBytes: Number([...sizes.values()].reduce((a, b) => a + b, 0n)),
    decodeBytesPerToken: decode.bytes,
    decodeBytesBasis: decode.basis,
    layers: at('block_count'),
    embeddingLength,
    headCount,
    headCountKv: at('attention.head_count_kv') ?? headCount,
    headDim: at('attention.key_length') ?? (embeddingLength !== null && headCount ? embeddingLength / headCount : null),
  };
}
