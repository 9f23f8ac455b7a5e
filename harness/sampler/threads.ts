// Per-thread CPU of a process tree: a process mean over many idle threads hides one thread spinning at a whole core
// (an idle llama-server has been seen doing that, llama.cpp #27687), so the idle checks look at the busiest thread.
import { readFileSync } from 'node:fs';
import { processTreeTasks } from './proc.ts';

export interface ThreadTimes {
  /** `<pid>/<tid>` → run time in ns (schedstat). */
  ns: Map<string, number>;
  names: Map<string, string>;
  at: number;
}

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Each thread's run time now; null when the process is gone or schedstat is not readable. */
export function threadTimes(root: number, proc = '/proc', now = performance.now()): ThreadTimes | null {
  const ns = new Map<string, number>();
  const names = new Map<string, string>();
  for (const { pid, tids } of processTreeTasks(root, proc)) {
    for (const tid of tids) {
      const s = read(`${proc}/${pid}/task/${tid}/schedstat`);
      if (s === null) continue; // the thread ended between the listing and the read
      const runNs = Number(s.split(' ')[0]);
      if (!Number.isFinite(runNs)) continue;
      ns.set(`${pid}/${tid}`, runNs);
      names.set(`${pid}/${tid}`, (read(`${proc}/${pid}/task/${tid}/comm`) ?? '').trim());
    }
  }
  return ns.size === 0 ? null : { ns, names, at: now };
}

export interface ThreadShare {
  thread: string;
  name: string;
  /** Run time over the window, as % of one core (100 = one core busy throughout). */
  pctOfCore: number;
}

export interface IdleSpin {
  /** Busiest first; threads that ran 0 ns included. */
  threads: ThreadShare[];
  /** Null when no thread lived through the window (nothing to compare). */
  busiestPct: number | null;
  /** Threads above `busyAbovePct` of a core. */
  busyThreads: number;
  busyAbovePct: number;
}

/**
 * Each thread's share of a core between two readings. Threads present in both only: one that started inside the
 * window has no start to subtract, and one that ended took its time with it.
 */
export function idleSpin(before: ThreadTimes, after: ThreadTimes, busyAbovePct = 5): IdleSpin {
  const wallNs = (after.at - before.at) * 1e6;
  if (!(wallNs > 0)) throw new Error('the second reading must come after the first');
  const threads: ThreadShare[] = [];
  for (const [thread, end] of after.ns) {
    const start = before.ns.get(thread);
    if (start === undefined) continue;
    threads.push({ thread, name: after.names.get(thread) ?? '', pctOfCore: (Math.max(0, end - start) / wallNs) * 100 });
  }
  threads.sort((a, b) => b.pctOfCore - a.pctOfCore);
  return {
    threads,
    busiestPct: threads[0]?.pctOfCore ?? null,
    busyThreads: threads.filter((t) => t.pctOfCore > busyAbovePct).length,
    busyAbovePct,
  };
}
