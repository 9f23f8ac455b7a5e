// Where a re-render finds a cell's files: the scoreboard names them, and a scoreboard can be edited or forged, so a
// name is followed only when it stays inside the run directory (harness/report/run-path.ts says which names qualify).
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { runRelativePath } from './run-path.ts';

/**
 * A cell's file as the scoreboard names it, as a path to read, only when it is a plain relative path that resolves
 * (symlinks followed) inside the run directory; null otherwise, or when the file is not there.
 */
export function cellFile(runDir: string, relative: unknown): string | null {
  const safe = runRelativePath(relative);
  if (safe === null) return null;
  try {
    const root = realpathSync(runDir);
    const file = realpathSync(path.join(runDir, safe));
    return file.startsWith(root + path.sep) ? file : null;
  } catch {
    return null;
  }
}

/** `cellFile`, and only when the file is at most `maxBytes` (a report reads such files whole). */
export function smallCellFile(runDir: string, relative: unknown, maxBytes: number): string | null {
  const file = cellFile(runDir, relative);
  try {
    return file !== null && statSync(file).size <= maxBytes ? file : null;
  } catch {
    return null;
  }
}
