// A run id names one directory directly under the output directory (`--resume`, `--baseline`, BENCH_RUN_ID,
// `npm run report -- <run-id>`): letters, digits, ".", "_" and "-", starting with a letter or digit, so it can hold
// no path separator, cannot be "." or "..", and cannot be read as a flag.

import { randomBytes } from 'node:crypto';

export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const RUN_ID_EXAMPLE = '20260101-120000-abcdef';

export function isRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id);
}

/** The message for an id that is not a run id. */
export function runIdProblem(id: string): string {
  const why = id === '' ? 'an empty id' : /[/\\]/.test(id) || id.includes('..') ? 'a path, not a run id' : 'not a run id';
  return `got ${JSON.stringify(id)} (${why}), expected a run id such as ${RUN_ID_EXAMPLE} (letters, digits, ".", "_" or "-", at most 100)`;
}

/** `YYYYMMDD-HHMMSS-<6 hex>`, sortable by time. */
export function newRunId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
  const time = `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${date}-${time}-${randomBytes(3).toString('hex')}`;
}
