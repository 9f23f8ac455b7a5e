// A cell's files are named in the scoreboard as paths relative to the run directory. A scoreboard is data that can be
// edited or forged, so a path from it is used (linked from the HTML, read by a re-render) only when it is plainly a
// file inside the run: segments of the characters the harness itself writes, no scheme, no `..`, nothing absolute.

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_LENGTH = 1024;

/** `value` when it is a safe relative path inside the run (e.g. `tiny_Q4_K_M_t1/idle/server.log`), else null. */
export function runRelativePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return null;
  const segments = value.split('/');
  return segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..') ? value : null;
}
