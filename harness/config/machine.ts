// What the config is checked against on this machine: the CPUs this process may run on (CPU lists, thread counts).
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  /** Ids of the CPUs this process may use (taskset can pin llama-server to these only). */
  cpus: number[];
  /** How many of them: more threads than this oversubscribes the machine. */
  cores: number;
}

/** Parses a CPU list such as "0-3,6" into sorted ids; an error message when it is not one. */
export function parseCpuList(text: string): number[] | string {
  const ids = new Set<number>();
  if (text.trim() === '') return 'expected a CPU list such as "0" or "0-1", got an empty string';
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return `"${part}" is not a CPU number or a range "first-last"`;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    if (last < first) return `the range "${part}" runs backwards; expected "${last}-${first}"`;
    if (last - first > 65_536) return `the range "${part}" is larger than any machine`;
    for (let i = first; i <= last; i++) ids.add(i);
  }
  return [...ids].sort((a, b) => a - b);
}

/** "0-1,4": the compact form of a sorted list of ids. */
export function formatCpuList(ids: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    out.push(j === i ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j;
  }
  return out.join(',');
}

export function readMachine(): Machine {
  let cpus: number[] | null = null;
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const parsed = m ? parseCpuList(m[1]!) : null;
    if (Array.isArray(parsed) && parsed.length > 0) cpus = parsed;
  } catch {
    // not Linux, or /proc hidden: fall back to the count Node sees
  }
  cpus ??= Array.from({ length: os.availableParallelism() }, (_, i) => i);
  return { cpus, cores: cpus.length };
}

/**
 * Threads for cells when the config names none (`llama.default_threads: null`): one per physical core among the
 * CPUs this process may use, read from sysfs topology (SMT siblings share a core's arithmetic units, so decoding
 * gains little from them: llama.cpp's own default is the physical core count too); where the topology cannot be
 * read, one per usable CPU.
 */
export function autoThreads(machine: Machine = readMachine(), sys = '/sys'): number {
  const cores = new Set<string>();
  for (const cpu of machine.cpus) {
    try {
      const topology = `${sys}/devices/system/cpu/cpu${cpu}/topology`;
      const pkg = readFileSync(`${topology}/physical_package_id`, 'utf8').trim();
      const core = readFileSync(`${topology}/core_id`, 'utf8').trim();
      cores.add(`${pkg}:${core}`);
    } catch {
      return Math.max(1, machine.cores);
    }
  }
  return Math.max(1, cores.size);
}
