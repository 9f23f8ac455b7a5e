import os from 'node:os';

/** What systeminformation's cpu() says (it reads /proc/cpuinfo, which a container may hide). */
export interface CpuInfo {
  manufacturer: string;
  brand: string;
  cores: number;
  physicalCores: number;
}

/** What Node itself knows: the scheduler's CPU set (sched_getaffinity) and libuv's CPU list. */
export interface NodeCpuFacts {
  availableParallelism: number;
  models: string[];
}

export function nodeCpuFacts(): NodeCpuFacts {
  return { availableParallelism: os.availableParallelism(), models: os.cpus().map((c) => c.model) };
}

/**
 * The host's CPU name and core counts. Where /proc/cpuinfo is hidden, systeminformation answers 0 cores and an
 * empty name; the scheduler still knows how many CPUs this process may use, and a missing name says it is unknown.
 */
export function hostCpu(info: CpuInfo, node: NodeCpuFacts = nodeCpuFacts()): { cpu: string; cores: number; physicalCores: number } {
  // systeminformation and libuv both say "unknown" where they found nothing.
  const known = (x: string) => (x.trim().toLowerCase() === 'unknown' ? '' : x.trim());
  const named = `${known(info.manufacturer)} ${known(info.brand)}`.trim();
  const model = node.models.map(known).find(Boolean);
  const cores = info.cores > 0 ? info.cores : Math.max(1, node.availableParallelism);
  return {
    cpu: named || model || 'unknown CPU (/proc/cpuinfo unreadable)',
    cores,
    // Without /proc/cpuinfo the physical count is unknowable: the logical count is the honest upper bound.
    physicalCores: info.physicalCores > 0 ? info.physicalCores : cores,
  };
}
