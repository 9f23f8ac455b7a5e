// Reads what the report's appendices show (plan.json's config, each cell's server log), at the edge; the renderer in
// html/appendix.ts takes plain data.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { cellFile } from './cell-file.ts';
import { appendixLogFile, type AppendixData, type ServerLogExcerpt } from './html/appendix.ts';
import type { RunReport } from './model.ts';

/** Per cell: the first and last bytes of a longer log (a server's load lines and its last words). */
export const LOG_HEAD_BYTES = 8 * 1024;
export const LOG_TAIL_BYTES = 24 * 1024;
/** All logs together: past this, later cells' logs are named, not shown (a thousand-cell page stays loadable). */
export const LOGS_TOTAL_BYTES = 4 * 1024 * 1024;

function readRange(fd: number, start: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, start);
  return buf.subarray(0, n).toString('utf8');
}

/** The log whole when it fits `head + tail`, else its head, a marker line and its tail. */
export function readLogExcerpt(file: string, head = LOG_HEAD_BYTES, tail = LOG_TAIL_BYTES): ServerLogExcerpt {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    return { missing: `${path.basename(file)} could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    const size = statSync(file).size;
    if (size <= head + tail) return { text: readRange(fd, 0, size), totalBytes: size, omittedBytes: 0 };
    const omitted = size - head - tail;
    return { text: `${readRange(fd, 0, head)}\n… [${omitted} bytes left out] …\n${readRange(fd, size - tail, tail)}`, totalBytes: size, omittedBytes: omitted };
  } finally {
    closeSync(fd);
  }
}

export function readAppendix(runDir: string, report: RunReport): AppendixData {
  let config: unknown = null;
  let configMissing: string | undefined;
  try {
    config = (JSON.parse(readFileSync(path.join(runDir, 'plan.json'), 'utf8')) as { config?: unknown }).config ?? null;
    if (config === null) configMissing = 'plan.json holds no config';
  } catch (e) {
    configMissing = `plan.json could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const logs = new Map<string, ServerLogExcerpt>();
  let budget = LOGS_TOTAL_BYTES;
  for (const c of report.cells) {
    const rel = appendixLogFile(c.measurement?.files);
    if (!rel) continue;
    const key = `${c.cell.slug}/${c.profile}`;
    if (budget <= 0) {
      logs.set(key, { missing: `the page's ${LOGS_TOTAL_BYTES / 1024 / 1024} MiB of logs is used up by earlier cells; read ${rel}` });
      continue;
    }
    const file = cellFile(runDir, rel);
    const excerpt = file ? readLogExcerpt(file) : { missing: `${rel} is missing, or lies outside the run directory` };
    if ('text' in excerpt) budget -= excerpt.text.length;
    logs.set(key, excerpt);
  }
  return { config, ...(configMissing ? { configMissing } : {}), logs };
}
