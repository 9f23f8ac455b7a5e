/**
 * Quantization labels a GGUF file can carry (`general.file_type`), as @huggingface/gguf tracks them from llama.cpp
 * (its GGMLFileQuantizationType, in its order): a label outside this list on a local file is a typo, not a format.
 * Written out because every config load needs it and importing the enum loads @huggingface/gguf and
 * @huggingface/tasks (72 modules, ~0.25 s of CPU per CLI start); test/unit/quants.test.ts holds it to the package.
 */
export const KNOWN_QUANTS: readonly string[] = [
  'F32', 'F16', 'Q4_0', 'Q4_1', 'Q4_1_SOME_F16', 'Q4_2', 'Q4_3', 'Q8_0', 'Q5_0', 'Q5_1', 'Q2_K', 'Q3_K_S', 'Q3_K_M',
  'Q3_K_L', 'Q4_K_S', 'Q4_K_M', 'Q5_K_S', 'Q5_K_M', 'Q6_K', 'IQ2_XXS', 'IQ2_XS', 'Q2_K_S', 'IQ3_XS', 'IQ3_XXS', 'IQ1_S',
  'IQ4_NL', 'IQ3_S', 'IQ3_M', 'IQ2_S', 'IQ2_M', 'IQ4_XS', 'IQ1_M', 'BF16', 'Q4_0_4_4', 'Q4_0_4_8', 'Q4_0_8_8', 'TQ1_0',
  'TQ2_0', 'MXFP4_MOE', 'NVFP4', 'Q1_0', 'Q2_0', 'Q2_K_XL', 'Q3_K_XL', 'Q4_K_XL', 'Q5_K_XL', 'Q6_K_XL', 'Q8_K_XL',
];

/** The planner's traversal by quantization: the usual sweet spot first, the heaviest last (so the quant-path rule can end it). */
export const DEFAULT_QUANT_ORDER = ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q3_K_M', 'Q2_K', 'Q8_0'] as const;
/** `planner.mode: quick` runs only these (the default of `planner.quick_quants`). */
export const QUICK_QUANTS = ['Q4_K_M', 'Q5_K_M'] as const;
/** `planner.mode: full` runs these; null (the default of `planner.full_quants`): every quantization of the matrix. */
export const FULL_QUANTS = null;
