import { readFileSync } from 'node:fs';

/** The state letter of /proc/<pid>/stat (R, S, D, T stopped, t traced, Z zombie…), or null when the process is gone. */
export function processState(pid: number, proc = '/proc'): string | null {
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')');
    return stat.slice(end + 2, end + 3) || null;
  } catch {
    return null;
  }
}

/** Stopped by a signal (SIGSTOP, SIGTSTP) or by a tracer: it runs nothing, and a SIGTERM waits until it continues. */
export function isStopped(pid: number, proc = '/proc'): boolean {
  const s = processState(pid, proc);
  return s === 'T' || s === 't';
}
