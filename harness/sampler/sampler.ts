import { CPU_COUNT, pressureStallUs, processCpuNs, processRssBytes, processVszBytes, processTreeTasks, swapUsedBytes, systemCpuTimes, type SystemCpuTimes } from './proc.ts';
import { readFrequency, readTemperature, type SensorReading } from './sensors.ts';
import { powercapRoot, RaplReader, type RaplSnapshot } from '../energy/rapl.ts';

/** One tick. Rates (CPU %, PSI %) cover the interval since the previous tick; null where there is no reading. */
export interface SampleRow {
  /** performance.now() of the tick: taken right after the process tree's CPU times were read. */
  at: number;
  /** performance.now() of the previous tick: the interval [since, at] is what the rates cover. */
  since: number;
  /** Process-tree CPU as % of one core (200 = two cores busy). */
  cpuCorePct: number | null;
  /** Process-tree CPU as % of the whole machine. */
  cpuMachinePct: number | null;
  rssMb: number | null;
  /** Virtual memory size (VmSize) of the process tree, MB; null where no process was read. */
  vszMb?: number | null;
  /** Processes of the tree found in /proc; 0 when the root process could not be read (gone, or hidden). */
  pids: number;
  systemCpuPct: number | null;
  swapUsedMb: number | null;
  psiCpuPct: number | null;
  psiMemoryPct: number | null;
  psiIoPct: number | null;
  temperatureC: number | null;
  frequencyMhz: number | null;
  /** RAPL package energy since the sampler's first reading, J (each counter's wrap-around already undone). */
  energyJ: number | null;
  /**
   * CPU time (ms) that read above the whole machine in this tick and was moved to the next one: schedstat brings a
   * running thread's time up to date only at scheduler ticks (1/HZ), so one short interval can over-read by up to a
   * tick per thread and the next under-read by as much. Absent when nothing was moved.
   */
  cpuCarriedMs?: number;
}

export interface SamplerOptions {
  intervalMs: number;
  /** Why there is no process to sample (rootPid null): a server started elsewhere with no pid given. */
  noProcess?: string;
  proc?: string;
  sys?: string;
  /** The file swap usage is read from; default `<proc>/meminfo` (BENCH_MEMINFO points it at a fake, see sources.ts). */
  meminfo?: string;
  /** The powercap tree with the RAPL counters; default BENCH_POWERCAP_ROOT, else /sys/class/powercap. */
  powercapRoot?: string;
}

/** `process`: the server's own process tree (CPU, RSS), absent when the server runs where it cannot be sampled. */
export type SensorName = 'temperature' | 'frequency' | 'energy' | 'psi' | 'process';

export interface SamplerResult {
  rows: SampleRow[];
  /** Why a sensor column is empty, when it is. */
  unavailable: Partial<Record<SensorName, string>>;
}

interface Previous {
  at: number;
  cpuNs: Map<number, number>;
  system: SystemCpuTimes | null;
  psi: [number | null, number | null, number | null];
}

/** Samples a process tree at a fixed interval from this process's event loop. */
export class Sampler {
  private readonly rows: SampleRow[] = [];
  private readonly unavailable: SamplerResult['unavailable'] = {};
  private readonly proc: string;
  private readonly sys: string;
  private timer: NodeJS.Timeout | null = null;
  private prev: Previous | null = null;
  /** CPU time (ns) over the machine's capacity in the last tick, credited to the next. */
  private cpuCarryNs = 0;
  private readonly sensors: { temperature: boolean; frequency: boolean; psi: boolean };
  /** RAPL counters and the package joules they added up to so far (read every tick, so no wrap is missed). */
  private readonly rapl: RaplReader | null;
  private raplLast: RaplSnapshot | null = null;
  private raplTotalJ = 0;
  private readonly listeners: ((row: SampleRow) => void)[] = [];

  /** `rootPid` null: no process to sample (the machine-wide figures still are); `options.noProcess` says why. */
  constructor(
    private rootPid: number | null,
    private readonly options: SamplerOptions,
  ) {
    this.proc = options.proc ?? '/proc';
    this.sys = options.sys ?? '/sys';
    if (rootPid === null) this.unavailable.process = options.noProcess ?? 'no server process to sample';
    const probe = (name: SensorName, reading: SensorReading) => {
      if (reading.status === 'skipped') this.unavailable[name] = reading.reason;
      return reading.status === 'ok';
    };
    const psi = pressureStallUs('cpu', this.proc) !== null;
    if (!psi) this.unavailable.psi = `no pressure stall information on this machine (${this.proc}/pressure is missing)`;
    this.sensors = {
      temperature: probe('temperature', readTemperature(this.sys)),
      frequency: probe('frequency', readFrequency(this.sys)),
      psi,
    };
    const rapl = RaplReader.open(options.powercapRoot ?? (options.sys ? `${options.sys}/class/powercap` : powercapRoot(null)));
    if ('skipped' in rapl) this.unavailable.energy = rapl.skipped;
    this.rapl = 'skipped' in rapl ? null : rapl;
  }

  /** Package joules since the first reading; null when the counters could not be read this time. */
  private energyNow(): number | null {
    if (!this.rapl) return null;
    try {
      const now = this.rapl.snapshot();
      if (this.raplLast) this.raplTotalJ += this.rapl.packageJoules(this.raplLast, now);
      this.raplLast = now;
      return this.raplTotalJ;
    } catch {
      return null;
    }
  }

  start(): this {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    return this;
  }

  /** Takes a last sample and stops. */
  stop(): SamplerResult {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.tick();
    return { rows: [...this.rows], unavailable: { ...this.unavailable } };
  }

  /** Samples another process tree from now on (a relaunched server); its first tick sets a new baseline. */
  follow(pid: number | null): void {
    this.rootPid = pid;
    this.prev = null;
    this.cpuCarryNs = 0;
    this.tick();
  }

  /** Calls `listener` with every row as it is taken (the cell guards watch temperature and swap this way). */
  onSample(listener: (row: SampleRow) => void): void {
    this.listeners.push(listener);
  }

  snapshot(): SampleRow[] {
    return [...this.rows];
  }

  /** Why each absent sensor is absent. */
  missingSensors(): SamplerResult['unavailable'] {
    return { ...this.unavailable };
  }

  /** One sample; the first only sets the baseline for the rates. */
  tick(): void {
    const tree = this.rootPid === null ? [] : processTreeTasks(this.rootPid, this.proc);
    const pids = tree.map((p) => p.pid);
    const cpuNs = new Map<number, number>();
    for (const { pid, tids } of tree) {
      const ns = processCpuNs(pid, this.proc, tids);
      if (ns !== null) cpuNs.set(pid, ns);
    }
    // The instant the CPU times describe: read after them, not before the tree walk. Stamped before the walk, a
    // sampler held up mid-walk on a busy machine divided a longer CPU-time delta by a shorter wall interval (CPU p99
    // of a decoding t2 cell read 101 % of the machine).
    const at = performance.now();
    const energyJ = this.energyNow();
    let rss: number | null = null;
    let vsz: number | null = null;
    for (const pid of pids) {
      const r = processRssBytes(pid, this.proc);
      if (r !== null) rss = (rss ?? 0) + r;
      const v = processVszBytes(pid, this.proc);
      if (v !== null) vsz = (vsz ?? 0) + v;
    }
    const system = systemCpuTimes(this.proc);
    const psi: Previous['psi'] = this.sensors.psi
      ? [pressureStallUs('cpu', this.proc), pressureStallUs('memory', this.proc), pressureStallUs('io', this.proc)]
      : [null, null, null];
    const prev = this.prev;
    this.prev = { at, cpuNs, system, psi };
    if (!prev) return;
    const wallMs = at - prev.at;
    if (wallMs <= 0) return;

    // No process CPU time read (the tree is gone, or /proc hides it) is a missing reading, never 0 %.
    let cpuCorePct: number | null = null;
    let carriedNs = 0;
    if (cpuNs.size > 0) {
      let delta = 0;
      // A process first seen now counts from its birth (baseline 0), except those present at the first tick.
      for (const [pid, ns] of cpuNs) delta += ns - (prev.cpuNs.get(pid) ?? 0);
      const split = capCpuDelta(Math.max(0, delta) + this.cpuCarryNs, wallMs, CPU_COUNT);
      carriedNs = split.carryNs;
      cpuCorePct = (split.creditedNs / 1e6 / wallMs) * 100;
    }
    this.cpuCarryNs = carriedNs;
    const swap = swapUsedBytes(this.proc, this.options.meminfo);
    const rate = (now: number | null, before: number | null) =>
      now === null || before === null ? null : Math.max(0, ((now - before) / 1000 / wallMs) * 100);
    const read = (on: boolean, reading: () => SensorReading) => {
      if (!on) return null;
      const r = reading();
      return r.status === 'ok' ? r.value : null;
    };
    const row: SampleRow = {
      at,
      since: prev.at,
      cpuCorePct,
      cpuMachinePct: cpuCorePct === null ? null : cpuCorePct / CPU_COUNT,
      rssMb: rss === null ? null : rss / 1e6,
      vszMb: vsz === null ? null : vsz / 1e6,
      pids: pids.length,
      systemCpuPct:
        system && prev.system && system.total > prev.system.total
          ? ((system.busy - prev.system.busy) / (system.total - prev.system.total)) * 100
          : null,
      swapUsedMb: swap ? swap.used / 1e6 : null,
      psiCpuPct: rate(psi[0], prev.psi[0]),
      psiMemoryPct: rate(psi[1], prev.psi[1]),
      psiIoPct: rate(psi[2], prev.psi[2]),
      temperatureC: read(this.sensors.temperature, () => readTemperature(this.sys)),
      frequencyMhz: read(this.sensors.frequency, () => readFrequency(this.sys)),
      energyJ,
      ...(carriedNs > 0 ? { cpuCarriedMs: carriedNs / 1e6 } : {}),
    };
    this.rows.push(row);
    for (const listener of this.listeners) listener(row);
  }
}

/**
 * One tick's CPU time, split into what the tick can hold (at most every core for the whole wall interval: a share
 * of the machine above 100 % is impossible) and the excess carried to the next tick, so no CPU time is lost or
 * invented over a window. The carry is itself capped at one interval of the machine: more than that is not
 * scheduler-tick lag but a wrong core count, and is dropped rather than smeared over later ticks.
 */
export function capCpuDelta(deltaNs: number, wallMs: number, cores: number): { creditedNs: number; carryNs: number } {
  const capNs = cores * wallMs * 1e6;
  const creditedNs = Math.min(Math.max(0, deltaNs), capNs);
  return { creditedNs, carryNs: Math.min(Math.max(0, deltaNs - creditedNs), capNs) };
}

const CSV_COLUMNS: [string, (r: SampleRow, t0: number) => number | null][] = [
  ['t_ms', (r, t0) => r.at - t0],
  ['cpu_core_pct', (r) => r.cpuCorePct],
  ['cpu_machine_pct', (r) => r.cpuMachinePct],
  ['rss_mb', (r) => r.rssMb],
  ['pids', (r) => r.pids],
  ['system_cpu_pct', (r) => r.systemCpuPct],
  ['swap_used_mb', (r) => r.swapUsedMb],
  ['psi_cpu_some_pct', (r) => r.psiCpuPct],
  ['psi_memory_some_pct', (r) => r.psiMemoryPct],
  ['psi_io_some_pct', (r) => r.psiIoPct],
  ['temperature_c', (r) => r.temperatureC],
  ['frequency_mhz', (r) => r.frequencyMhz],
  ['energy_j', (r) => r.energyJ],
  ['vsz_mb', (r) => r.vszMb ?? null],
  // Wall-clock time of the tick (epoch ms): lines the samples up with responses.jsonl's request marks after the run.
  ['epoch_ms', (r) => performance.timeOrigin + r.at],
];

/** One row per tick; an empty field means no reading (see the sensor's reason in summary.json), never zero. */
export function samplesCsv(rows: readonly SampleRow[], t0 = rows[0]?.at ?? 0): string {
  const header = CSV_COLUMNS.map(([name]) => name).join(',');
  const lines = rows.map((r) =>
    CSV_COLUMNS.map(([, get]) => {
      const v = get(r, t0);
      return v === null ? '' : String(Math.round(v * 1000) / 1000);
    }).join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}
