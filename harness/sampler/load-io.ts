import { failed, ok, skipped, type Metric } from '../measurement/schema.ts';
import { processReadBytes, processTree } from './proc.ts';

/**
 * Disk read rate of the model load: bytes the server's process tree fetched from storage (/proc/<pid>/io
 * read_bytes, counted from each process's start) over the load time, read right after the server reported ready.
 * A model already in the page cache reads ~0 MB/s: that is a measurement (said in the reason), not a missing one.
 */
export function diskReadDuringLoad(pid: number | null, loadMs: number | null, noProcess: string | undefined, proc = '/proc'): Metric {
  const unit = 'MB/s';
  if (pid === null || loadMs === null) return skipped(unit, noProcess ?? 'the server was started elsewhere: its load is not seen here');
  if (!(loadMs > 0)) return failed(unit, `the load time read ${loadMs} ms`);
  let bytes = 0;
  for (const p of processTree(pid, proc)) {
    const r = processReadBytes(p, proc);
    if ('unreadable' in r) return skipped(unit, r.unreadable);
    bytes += r.bytes;
  }
  const m = ok(bytes / 1e6 / (loadMs / 1000), unit);
  const mb = (bytes / 1e6).toFixed(1);
  return { ...m, reason: bytes === 0 ? 'no bytes came from storage: the model file was in the page cache (a cold load reads it from disk)' : `${mb} MB read from storage in ${(loadMs / 1000).toFixed(2)} s of load` };
}
