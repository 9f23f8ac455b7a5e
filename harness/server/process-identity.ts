// A process id the user gave for a server started elsewhere: is it alive, and is it the server at the target URL?
// "The server" means: the process, or one of its descendants, holds a socket listening on the URL's port (read
// from /proc/net/tcp{,6} and the processes' fds), so a stale pid file or a typo never gets sampled as the server.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { processTree } from '../sampler/proc.ts';
import { processState } from '../llama/proc-state.ts';

export interface ProcessIdentity {
  pid: number;
  /** /proc/<pid>/comm: the program's name (at most 15 characters). */
  name: string;
  /** The executable's path, when readable. */
  exe: string | null;
}

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Name and executable of a live process; null when there is none (or only a zombie is left). */
export function processIdentity(pid: number, proc = '/proc'): ProcessIdentity | null {
  const state = processState(pid, proc);
  if (state === null || state === 'Z' || state === 'X') return null;
  const name = read(`${proc}/${pid}/comm`)?.trim() ?? '?';
  let exe: string | null = null;
  try {
    exe = readlinkSync(`${proc}/${pid}/exe`);
  } catch {
    // a kernel thread, or not ours to read
  }
  return { pid, name, exe };
}

/** Socket inodes listening on `port` (TCP, IPv4 and IPv6), from /proc/net/tcp and tcp6. */
export function listeningInodes(port: number, proc = '/proc'): Set<string> {
  const out = new Set<string>();
  for (const file of ['tcp', 'tcp6']) {
    const text = read(`${proc}/net/${file}`);
    if (!text) continue;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
      const localPort = parseInt(f[1]!.split(':')[1] ?? '', 16);
      if (localPort === port && f[9] !== '0') out.add(f[9]!);
    }
  }
  return out;
}

/** The processes of `root`'s tree that hold one of `inodes` among their open files. */
export function holdersOf(root: number, inodes: ReadonlySet<string>, proc = '/proc'): { pids: number[]; unreadable: number[] } {
  const pids: number[] = [];
  const unreadable: number[] = [];
  for (const pid of processTree(root, proc)) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      unreadable.push(pid);
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue; // closed since the listing
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) {
        pids.push(pid);
        break;
      }
    }
  }
  return { pids, unreadable };
}

export function urlPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/**
 * Checks that `pid` is a live process listening (itself or through a descendant) on the port of `url`. Returns who
 * it is, or the problem in a sentence that says what was checked.
 */
export function checkServerProcess(pid: number, url: string, proc = '/proc'): { identity: ProcessIdentity; listens: string } | { problem: string } {
  const identity = processIdentity(pid, proc);
  if (!identity) return { problem: `no process ${pid} is running on this machine (is the server started, and is this its pid?)` };
  const port = urlPort(url);
  const inodes = listeningInodes(port, proc);
  const who = `process ${pid} (${identity.name})`;
  if (inodes.size === 0) return { problem: `nothing on this machine listens on port ${port} (of ${url}), so ${who} cannot be the server there` };
  const { pids, unreadable } = holdersOf(pid, inodes, proc);
  if (pids.length > 0) return { identity, listens: `port ${port}${pids[0] === pid ? '' : ` (through its child ${pids[0]})`}` };
  if (unreadable.length > 0) return { problem: `cannot read the open files of ${who} (${proc}/${unreadable[0]}/fd: permission denied?), so whether it listens on port ${port} cannot be checked` };
  return { problem: `${who} does not listen on port ${port} of ${url}: another process does, so sampling ${pid} would measure the wrong program` };
}

/** The pid in a pid file: one whole number, whitespace around it allowed. */
export function readPidFile(file: string): { pid: number } | { problem: string } {
  const text = read(file);
  if (text === null) return { problem: `cannot read ${file}` };
  const t = text.trim();
  if (!/^[1-9]\d{0,6}$/.test(t)) return { problem: `${file} holds ${JSON.stringify(t.slice(0, 40))}, expected a process id (one whole number)` };
  return { pid: Number(t) };
}
