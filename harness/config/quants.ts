import { GGMLFileQuantizationType } from '@huggingface/gguf';

/**
 * Quantization labels a GGUF file can carry (`general.file_type`), as @huggingface/gguf tracks them from llama.cpp:
 * a label outside this list on a local file is a typo, not a format.
 */
export const KNOWN_QUANTS: readonly string[] = Object.keys(GGMLFileQuantizationType).filter((k) => Number.isNaN(Number(k)));
