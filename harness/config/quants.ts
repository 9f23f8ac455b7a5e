import { GGMLFileQuantizationType } from '@huggingface/gguf';

/**
 * Quantization labels a GGUF file can carry (`general.file_type`), as @huggingface/gguf tracks them from llama.cpp:
 * a label outside this list on a local file is a typo, not a format.
 */
export const KNOWN_QUANTS: readonly string[] = Object.keys(GGMLFileQuantizationType).filter((k) => Number.isNaN(Number(k)));

/** The planner's traversal by quantization: the usual sweet spot first, the heaviest last (so the quant-path rule can end it). */
export const DEFAULT_QUANT_ORDER = ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q3_K_M', 'Q2_K', 'Q8_0'] as const;
/** `planner.mode: quick` runs only these (the default of `planner.quick_quants`). */
export const QUICK_QUANTS = ['Q4_K_M', 'Q5_K_M'] as const;
/** `planner.mode: full` runs these; null (the default of `planner.full_quants`): every quantization of the matrix. */
export const FULL_QUANTS = null;
