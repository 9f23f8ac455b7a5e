/**
 * Linux /proc readers. Each takes the proc root so tests can point it at a fake tree.
 * Reads are synchronous: each is one small file, and a sample should be one consistent instant.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export interface ProcessTasks {
  pid: number;
  tids: string[];
}

/** The process and all its descendants with their thread ids, via /proc/<pid>/task/<tid>/children. */
export function processTreeTasks(root: number, proc = '/proc'): ProcessTasks[] {
  const out: ProcessTasks[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    let tids: string[];
    try {
      tids = readdirSync(`${proc}/${pid}/task`);
    } catch {
      continue; // the process is gone
    }
    out.push({ pid, tids });
    for (const tid of tids) {
      const children = read(`${proc}/${pid}/task/${tid}/children`);
      if (children) for (const c of children.trim().split(/\s+/)) if (c) queue.push(Number(c));
    }
  }
  return out;
}

export function processTree(root: number, proc = '/proc'): number[] {
  return processTreeTasks(root, proc).map((p) => p.pid);
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

export const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ is 100 on every mainstream Linux build

/**
 * CPU time of a process in nanoseconds: the sum of its threads' schedstat run time (ns resolution), or,
 * where schedstat is missing, utime + stime from /proc/<pid>/stat (10 ms resolution).
 */
export function processCpuNs(pid: number, proc = '/proc', knownTids?: string[]): number | null {
  let tids: string[];
  try {
    tids = knownTids ?? readdirSync(`${proc}/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  let fromSchedstat = true;
  for (const tid of tids) {
    const s = read(`${proc}/${pid}/task/${tid}/schedstat`);
    if (s === null) {
      fromSchedstat = false;
      break;
    }
    total += Number(s.split(' ')[0]);
  }
  if (fromSchedstat && tids.length > 0) return total;
  const stat = read(`${proc}/${pid}/stat`);
  if (stat === null) return null;
  const f = statFields(stat);
  // utime and stime are fields 14 and 15 of stat; statFields starts at field 3.
  return ((Number(f[11]) + Number(f[12])) / CLOCK_TICKS_PER_SECOND) * 1e9;
}

/**
 * Resident set size in bytes: VmRSS of /proc/<pid>/status, which the kernel gives in kB whatever its page size.
 * (statm counts pages, and a page is 16 or 64 KiB on some arm64 and ppc64 kernels, not always 4096 bytes.)
 * Null when the process is gone or has no address space (a kernel thread, a zombie).
 */
export function processRssBytes(pid: number, proc = '/proc'): number | null {
  const s = read(`${proc}/${pid}/status`);
  if (s === null) return null;
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(s);
  return m ? Number(m[1]) * 1024 : null;
}

export interface SystemCpuTimes {
  busy: number;
  total: number;
}
/** Aggregate CPU jiffies from the first line of /proc/stat; busy excludes idle and iowait. */
export function systemCpuTimes(proc = '/proc'): SystemCpuTimes | null {
  const s = read(`${proc}/stat`);
  if (!s) return null;
  const f = s.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** SwapTotal − SwapFree in bytes; null when /proc/meminfo (or the `meminfo` file given instead) cannot be read. */
export function swapUsedBytes(proc = '/proc', meminfo = `${proc}/meminfo`): { used: number; total: number } | null {
  const s = read(meminfo);
  if (!s) return null;
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  const total = kb('SwapTotal');
  const free = kb('SwapFree');
  if (!Number.isFinite(total) || !Number.isFinite(free)) return null;
  return { used: (total - free) * 1024, total: total * 1024 };
}

/** Cumulative stall time (µs) of the "some" line of /proc/pressure/<resource>; null where PSI is absent. */
export function pressureStallUs(resource: 'cpu' | 'memory' | 'io', proc = '/proc'): number | null {
  const s = read(`${proc}/pressure/${resource}`);
  if (!s) return null;
  const m = /^some .*total=(\d+)/m.exec(s);
  return m ? Number(m[1]) : null;
}

export const CPU_COUNT = os.availableParallelism();

/** Virtual memory size (VmSize of /proc/<pid>/status) in bytes; null when the process is gone or has none. */
export function processVszBytes(pid: number, proc = '/proc'): number | null {
  const s = read(`${proc}/${pid}/status`);
  if (s === null) return null;
  const m = /^VmSize:\s+(\d+)\s+kB/m.exec(s);
  return m ? Number(m[1]) * 1024 : null;
}

/**
 * Bytes the process made the kernel fetch from storage (`read_bytes` of /proc/<pid>/io: page-cache hits are not
 * counted, mmap faults that go to disk are). Why not, when unreadable: the file is gone, or ptrace access is denied
 * (another user's process without CAP_SYS_PTRACE), or the kernel lacks task I/O accounting.
 */
export function processReadBytes(pid: number, proc = '/proc'): { bytes: number } | { unreadable: string } {
  let s: string;
  try {
    s = readFileSync(`${proc}/${pid}/io`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? `${proc}/${pid}/io is not readable by this user (${code}: it needs the same user as the server, or root)`
        : code === 'ENOENT'
          ? `${proc}/${pid}/io does not exist (the process is gone, or the kernel has no task I/O accounting)`
          : `${proc}/${pid}/io could not be read (${code ?? (e as Error).message})`;
    return { unreadable: why };
  }
  const m = /^read_bytes:\s+(\d+)/m.exec(s);
  return m ? { bytes: Number(m[1]) } : { unreadable: `${proc}/${pid}/io has no read_bytes line` };
}
