// The harness's per-cell progress lines (server ready, measuring, failures, guard trips), filtered by
// `logging.level` and also appended, time-stamped, to `logging.file` when one is set. A log file that cannot be
// written never fails a cell: the first failure is said once on stderr and the lines still reach stderr.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogLevel } from './config/schema.ts';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LogSettings {
  level: LogLevel;
  file: string | null;
}

export type LogAt = (level: LogLevel, message: string) => void;

/** Whether a line at `level` passes a `threshold` (error < warn < info < debug). */
export function shown(level: LogLevel, threshold: LogLevel): boolean {
  return RANK[level] <= RANK[threshold];
}

const brokenFiles = new Set<string>();

/** A logger whose lines start with `prefix`; `settings` undefined (a plan written before the setting): info, no file. */
export function makeLogger(settings: LogSettings | undefined, prefix: string, write: (line: string) => void = (l) => process.stderr.write(l), now = () => new Date()): LogAt {
  const { level: threshold, file } = settings ?? { level: 'info', file: null };
  return (level, message) => {
    if (!shown(level, threshold)) return;
    const line = `${prefix}${message}\n`;
    write(line);
    if (file === null || brokenFiles.has(file)) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, `${now().toISOString()} ${level} ${line}`);
    } catch (e) {
      brokenFiles.add(file);
      write(`[llm-budget-bench] logging.file ${file} cannot be written (${(e as Error).message}); lines go to stderr only\n`);
    }
  };
}
