// Where the machine-wide sensors are read from. The kernel's files by default; two environment variables point them
// at a fake tree instead, so the cell guards (harness/sampler/guards.ts) can be tested end to end on a machine with
// no thermal sensor and no swap, the way BENCH_POWERCAP_ROOT does for the RAPL counters.

/** A sysfs root holding class/thermal, class/hwmon and devices/system/cpu (temperature and frequency). */
export const SYSFS_ENV = 'BENCH_SYSFS_ROOT';
/** A file in /proc/meminfo's format, read for SwapTotal and SwapFree. */
export const MEMINFO_ENV = 'BENCH_MEMINFO';

export interface SensorSources {
  sys?: string;
  meminfo?: string;
}

/** The overrides in force; an empty variable counts as unset. */
export function sensorSources(env: NodeJS.ProcessEnv = process.env): SensorSources {
  const sys = env[SYSFS_ENV]?.trim();
  const meminfo = env[MEMINFO_ENV]?.trim();
  return { ...(sys ? { sys } : {}), ...(meminfo ? { meminfo } : {}) };
}
