import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `$XDG_CACHE_HOME/llm-budget-bench`, or `~/.cache/llm-budget-bench`. */
export function cacheDir(env = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'llm-budget-bench');
}

/**
 * A write that failed because the filesystem is full (ENOSPC) or over quota (EDQUOT). Node's own message names
 * neither the file nor the way out, so this one does. It is the machine's state, not a harness bug: exit code 2.
 */
export class DiskFullError extends Error {
  readonly exitCode = 2;
  readonly code: string;
  constructor(
    readonly file: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(
      `no space left on the device holding ${path.dirname(file)} (${cause.code}) while writing ${path.basename(file)}: ` +
        'free some space there, or point output.dir (or BENCH_OUTPUT_DIR) at a filesystem with room',
      { cause },
    );
    this.name = 'DiskFullError';
    this.code = cause.code ?? 'ENOSPC';
  }
}

export function isDiskFull(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return e instanceof DiskFullError || code === 'ENOSPC' || code === 'EDQUOT';
}

/** Rethrows a full-disk error as a DiskFullError naming `file`; any other error unchanged. */
export function explainWriteError(file: string, e: unknown): never {
  if (isDiskFull(e) && !(e instanceof DiskFullError)) throw new DiskFullError(file, e);
  throw e;
}

/**
 * Writes through a temporary file in the same directory and renames it, so readers never see half a file.
 * A failed write removes its temporary file (a full disk must not be left fuller).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    explainWriteError(file, e);
  }
}
