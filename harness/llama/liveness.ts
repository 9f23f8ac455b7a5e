// Is the server of a running cell still alive and answering? A cell whose server died, was stopped or stopped
// answering is errored with the cause, whatever its surviving figures say.
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup } from './guard.ts';
import { healthy, logTail, type ExitInfo, type RunningServer } from './launch.ts';
import { isStopped } from './proc-state.ts';
import { describeLog } from './server-log.ts';

export function describeExit(e: ExitInfo): string {
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.exitCode}`;
}

function withLog(server: RunningServer, text: string): string {
  return `${text}\n--- last lines of ${describeLog(server.logFile)} ---\n${logTail(server.logFile, 12)}`;
}

export interface WatchOptions {
  /** How often /proc is read for the process state. */
  pollMs?: number;
  /** How long the process may stay stopped (SIGSTOP) before the cell gives it up. */
  stoppedGraceMs?: number;
}

export interface ServerWatch {
  /** Why the server was lost, once it is; null while it is fine. */
  cause(): string | null;
  /** Stops watching (before an intentional stop or relaunch). */
  release(): void;
}

/**
 * Watches one server for the rest of its cell: an exit nobody asked for, or a process that stays stopped (SIGSTOP,
 * a debugger). A stopped server is killed at once, so requests in flight fail now instead of at their timeout and
 * the workload ends; the cause is what stopped it, not the kill.
 */
export function watchServer(server: RunningServer, onLost: (cause: string) => void, options: WatchOptions = {}): ServerWatch {
  const pollMs = options.pollMs ?? 250;
  const stoppedGraceMs = options.stoppedGraceMs ?? 1000;
  let cause: string | null = null;
  let released = false;
  const lose = (why: string) => {
    if (released || cause) return;
    cause = why;
    onLost(why);
  };
  void server.exited.then((e) => lose(withLog(server, `llama-server (pid ${server.pid}) exited during the cell (${describeExit(e)})`)));
  let stoppedSince: number | null = null;
  const timer = setInterval(() => {
    if (!isStopped(server.pid)) {
      stoppedSince = null;
      return;
    }
    stoppedSince ??= performance.now();
    const forMs = performance.now() - stoppedSince;
    if (forMs < stoppedGraceMs) return;
    lose(withLog(server, `llama-server (pid ${server.pid}) was stopped (process state T: SIGSTOP or a debugger) for ${(forMs / 1000).toFixed(1)} s during the cell; the harness killed it`));
    killGroup(server.pid, 'SIGKILL');
  }, pollMs);
  timer.unref();
  return {
    cause: () => cause,
    release: () => {
      released = true;
      clearInterval(timer);
    },
  };
}

/**
 * After the workload: the server must still answer /health within `deadlineMs` (each try bounded), else the cell
 * is errored. A busy server on a loaded machine gets several tries; a stopped or hung one does not pass.
 */
export async function checkAnswers(server: RunningServer, deadlineMs = 15_000): Promise<string | null> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    if (isStopped(server.pid)) return withLog(server, `llama-server (pid ${server.pid}) is stopped (process state T: SIGSTOP or a debugger) at the end of the cell`);
    if (await healthy(server.baseUrl, Math.min(5000, Math.max(500, until - performance.now())))) return null;
    if (performance.now() >= until) {
      return withLog(server, `llama-server (pid ${server.pid}) did not answer /health within ${deadlineMs / 1000} s after the workload: it hangs`);
    }
    await sleep(250);
  }
}
