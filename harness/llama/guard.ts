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
  if (live.size > 0) process.stderr.write(`[llm-budget-bench] ${why}: stopping ${live.size} llama-server process(es)\n`);
  killAllServers();
  process.exit(130);
}

export function installGuard(): void {
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

export function guardServer(pid: number): () => void {
  installGuard();
  live.add(pid);
  return () => live.delete(pid);
}

export { killGroup };
