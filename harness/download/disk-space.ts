// Room for a download, checked before any byte is fetched: the file (less what a .part already holds) plus a margin
// must fit in the space the filesystem gives this user. statfs is passed in, so a test can play a full disk.
import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { formatBytes } from './format.ts';

export type StatFs = (dir: string) => { bavail: number | bigint; bsize: number | bigint };

/** Kept free besides the file: a download that leaves the disk full breaks everything else on it. */
export const MARGIN_BYTES = 512 * 1024 * 1024;
export const MARGIN_FRACTION = 0.05;

export function marginFor(bytes: number): number {
  return Math.max(MARGIN_BYTES, Math.ceil(bytes * MARGIN_FRACTION));
}

/** The nearest directory of `dir` that exists (the download creates the rest), and the bytes free there. */
export function freeSpace(dir: string, statfs: StatFs = statfsSync): { dir: string; free: number } {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  const s = statfs(at);
  return { dir: at, free: Number(s.bavail) * Number(s.bsize) };
}

/** Why `needed` more bytes do not fit with the margin in `free` (with the numbers), or null when they do. */
export function diskSpaceProblem(needed: number, free: number, dir: string): string | null {
  const margin = marginFor(needed);
  if (free >= needed + margin) return null;
  return (
    `not enough free disk space in ${dir}: the download needs ${formatBytes(needed)} plus a margin of ${formatBytes(margin)} ` +
    `(= ${formatBytes(needed + margin)}), and ${formatBytes(free)} is free; free ${formatBytes(needed + margin - free)} there or choose another --output-dir`
  );
}
