import { BUILTIN_QUANTS, type BenchConfig } from './schema.ts';

/**
 * The quantizations a model entry offers. Its own file: the matrix (loaded by every profile worker) needs it, and
 * config/checks.ts, where it lived, brings in the whole config loader (YAML, the hub, the graders, ~35 modules).
 */
export function modelQuants(m: BenchConfig['models'][number]): string[] {
  if (m.builtin) return [...BUILTIN_QUANTS];
  if (m.path) return [m.quant!];
  return Object.keys(m.files ?? {});
}
