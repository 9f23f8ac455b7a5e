/**
 * Keeps llama-server from outliving the process that started it, whatever Vitest's hooks do.
 *
 * Three layers, because each covers a death the others miss:
 * - the kernel: servers start under `setpriv --pdeathsig KILL`, so they die when the starting process dies,
 *   even by SIGKILL;
 * - this process's `exit` event: a normal or signalled exit of a plain script;
 * - the parent watch: a Vitest worker whose main process was killed is orphaned and would finish its test
 *   (VITEST-NOTES.md). When the IPC channel closes or the parent pid changes, we stop every server and exit.
 */
const live = new Set<number>();
let installed = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function killAllServers(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of live) killGroup(pid, signal);
  live.clear();
}

function abandon(why: string): void {
  const count = live.size;
  // Kill first: with the parent gone, stderr may be a broken pipe, and nothing may come before the kill.
  killAllServers();
  try {
    if (count > 0) process.stderr.write(`[llm-budget-bench] ${why}: stopped ${count} llama-server process(es)\n`);
  } catch {
    // nobody is listening any more
  }
  process.exit(130);
}

const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `signals`: also stop the servers when this process gets SIGINT, SIGTERM or SIGHUP, then die of that signal as it
 * would have (for Vitest workers, which otherwise die on a terminal Ctrl+C without running any exit handler and
 * rely on the kernel's parent-death signal alone).
 */
export function installGuard(options: { signals?: boolean } = {}): void {
  if (options.signals) {
    for (const signal of FATAL_SIGNALS) {
      if (process.listeners(signal).includes(onFatalSignal)) continue;
      process.once(signal, onFatalSignal);
    }
  }
  if (installed) return;
  installed = true;
  process.on('exit', () => killAllServers());
  if (process.send) process.once('disconnect', () => abandon('the parent process is gone (IPC closed)'));
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) abandon('the parent process is gone');
  }, 250);
  watch.unref();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  killAllServers();
  // Only this handler was listening: re-raise, so the process ends by the signal with its default action.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

export function guardServer(pid: number): () => void {
  installGuard();
  live.add(pid);
  return () => live.delete(pid);
}

export { killGroup };
