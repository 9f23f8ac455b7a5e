// Where a llama-server writes its output. A cell's server writes two files, `server.stdout.log` and
// `server.stderr.log` (llama.cpp logs every line but plain LOG() output to stderr); other callers (`npm run serve
// --log`, deploy, tests) keep one combined file. Every reader (crash causes, sleep detection) goes through here, so
// it works on either shape.
import { readFileSync } from 'node:fs';

export interface ServerLogFiles {
  stdout: string;
  stderr: string;
}
/** One path: both streams appended to that file; two paths: one per stream. */
export type ServerLog = string | ServerLogFiles;

export function logFilesOf(log: ServerLog): ServerLogFiles {
  return typeof log === 'string' ? { stdout: log, stderr: log } : log;
}

/** `…/server.log` → `…/server.stdout.log` and `…/server.stderr.log`. */
export function separateLogs(file: string): ServerLogFiles {
  const stem = file.endsWith('.log') ? file.slice(0, -'.log'.length) : file;
  return { stdout: `${stem}.stdout.log`, stderr: `${stem}.stderr.log` };
}

/** The files of a log, each once. */
export function logPaths(log: ServerLog): string[] {
  const { stdout, stderr } = logFilesOf(log);
  return stdout === stderr ? [stdout] : [stderr, stdout];
}

/** How a message names the log: its path, or both paths. */
export function describeLog(log: ServerLog): string {
  return logPaths(log).join(' and ');
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Everything the server wrote (stderr's file, then stdout's): for searches such as "entering sleeping state". */
export function readServerLog(log: ServerLog): string {
  return logPaths(log).map(readOrEmpty).join('');
}

function tailOf(text: string, lines: number): string {
  return text.split('\n').slice(-lines - 1).join('\n');
}

/** The last `lines` lines of each stream, under a `[stderr]`/`[stdout]` header when there are two files. */
export function serverLogTail(log: ServerLog, lines = 20): string {
  const paths = logPaths(log);
  if (paths.length === 1) {
    const text = (() => {
      try {
        return readFileSync(paths[0]!, 'utf8');
      } catch {
        return null;
      }
    })();
    return text === null ? '(no log)' : tailOf(text, lines);
  }
  const { stdout, stderr } = logFilesOf(log);
  const parts = [
    ['stderr', readOrEmpty(stderr)],
    ['stdout', readOrEmpty(stdout)],
  ].filter(([, text]) => text!.trim() !== '');
  if (parts.length === 0) return '(no log)';
  return parts.map(([name, text]) => `[${name}]\n${tailOf(text!, lines)}`).join('\n');
}
