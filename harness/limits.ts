// Upper bounds of the config's numbers and the shape of a hub revision: what llama.cpp and Node can take.

/** llama.cpp's GGML_MAX_N_THREADS: it runs no more threads than this. */
export const MAX_THREADS = 512;
/** Context sizes, batch sizes and token counts are 32-bit integers in llama.cpp. */
export const MAX_INT32 = 2_147_483_647;
/** Server slots and concurrent clients: far beyond what one machine serves, far below what exhausts it. */
export const MAX_PARALLEL = 256;
/** Durations and timeouts: a week is longer than any soak, and far below where Node's timers overflow (24.8 days). */
export const MAX_DURATION_S = 7 * 24 * 3600;
export const DURATION_LIMIT = '(a week)';

/** A commit SHA, or a branch or tag name that git would accept and that stays one path inside a URL. */
export function isSafeRevision(rev: string): boolean {
  if (/^[0-9a-f]{40}$/.test(rev)) return true;
  return (
    rev.length <= 255 &&
    /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(rev) &&
    !/\.\.|\/\/|\/\.|@\{/.test(rev) &&
    !/(?:\/|\.|\.lock)$/.test(rev)
  );
}
