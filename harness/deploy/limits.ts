// The resource limits a systemd unit gets from the budgets a cell passed: the CPU budgets (in % of the machine) become
// a CPUQuota (in % of one CPU, as systemd counts it), the peak-RSS budget a MemoryMax, the priority a Nice, an I/O
// weight and SCHED_IDLE. Pure: verdicts and host facts in, numbers out.
import { PRIORITY_PRESETS, type PriorityName } from '../config/schema.ts';

interface LimitVerdict {
  metric: string;
  aggregation?: string | undefined;
  op: string;
  limit: number;
}

export interface ResourceLimits {
  /** The CPU the server may take, in % of the machine: the p99 CPU budget, else the mean one; null when neither. */
  cpuMachinePct: number | null;
  /** systemd's CPUQuota: that share times the number of CPUs (systemd counts 100 % per CPU); null when none. */
  cpuQuotaPct: number | null;
  /** MemoryMax in MB: the tightest peak-RSS budget; null when none was judged. */
  memoryMaxMb: number | null;
  nice: number;
  /** CPUWeight (1..10000, default 100): a lower weight yields the CPU to everything else under contention. */
  cpuWeight: number;
  schedIdle: boolean;
}

const isUpper = (v: LimitVerdict) => v.op === '<=' || v.op === '<';

function tightest(verdicts: readonly LimitVerdict[], match: (v: LimitVerdict) => boolean): number | null {
  const limits = verdicts.filter((v) => isUpper(v) && match(v) && Number.isFinite(v.limit) && v.limit > 0).map((v) => v.limit);
  return limits.length > 0 ? Math.min(...limits) : null;
}

/** CPUWeight per priority: the idler the preset, the less of a contended CPU the server gets. */
const CPU_WEIGHT: Record<PriorityName, number> = { normal: 100, nice10: 20, nice19: 5, sched_idle: 1 };

export function resourceLimits(verdicts: readonly LimitVerdict[], priority: string, cpus: number): ResourceLimits {
  if (!(priority in PRIORITY_PRESETS)) throw new Error(`unknown priority "${priority}", expected one of: ${Object.keys(PRIORITY_PRESETS).join(', ')}`);
  if (!(Number.isInteger(cpus) && cpus >= 1)) throw new Error(`expected a whole number of CPUs ≥ 1, got ${cpus}`);
  const preset = PRIORITY_PRESETS[priority as PriorityName];
  const p99 = tightest(verdicts, (v) => (v.metric === 'cpu_pct' && v.aggregation === 'p(99)') || v.metric === 'cpu_p99_pct');
  const mean = tightest(verdicts, (v) => (v.metric === 'cpu_pct' && v.aggregation === 'mean') || v.metric === 'cpu_mean_pct');
  const cpuMachinePct = p99 ?? mean;
  const memoryMaxMb = tightest(verdicts, (v) => v.metric === 'rss_peak_mb');
  return {
    cpuMachinePct,
    // A quota below 1 % would starve the server outright; systemd takes whole percents.
    cpuQuotaPct: cpuMachinePct === null ? null : Math.max(1, Math.round(Math.min(cpuMachinePct, 100) * cpus)),
    memoryMaxMb: memoryMaxMb === null ? null : Math.ceil(memoryMaxMb),
    nice: preset.nice,
    cpuWeight: CPU_WEIGHT[priority as PriorityName],
    schedIdle: preset.schedIdle,
  };
}
