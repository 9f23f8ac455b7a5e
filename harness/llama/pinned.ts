/**
 * The llama.cpp release this harness builds. Its source ships inside the node-llama-cpp npm package as a
 * git bundle, so the build needs only the npm registry.
 */
export const NODE_LLAMA_CPP_VERSION = '3.22.1';
export const LLAMA_CPP_COMMIT = 'de3ff815ea7d559ee917f063901b8986f038abc6';
export const LLAMA_CPP_RELEASE = 'v0.5.0 (node-llama-cpp 3.22.1)';
export const LLAMA_TARGETS = ['llama-server', 'llama-quantize', 'llama-bench'] as const;

export const CMAKE_ARGS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DLLAMA_CURL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  // Tuned for this CPU; the cache key includes the CPU so a build is never reused on another model of CPU.
  '-DGGML_NATIVE=ON',
  // Without AMX: on a Xeon VM that advertises AMX (amx_tile, amx_int8, amx_bf16) this commit's AMX matmul
  // segfaults while loading every quantized model (seen with tiny Q4_K_M; F16 and --no-repack load). GCC honours
  // explicit -mno-* ISA flags whatever their order against -march=native. The rest of the native tuning stays.
  '-DCMAKE_C_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16',
  '-DCMAKE_CXX_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16',
] as const;
