import { failed, ok, sampledOk, skipped, type Metric } from '../measurement/schema.ts';
import type { CommonMetricName } from '../budgets/catalogue.ts';
import type { SampleRow, SamplerResult } from '../sampler/sampler.ts';
import type { BootstrapOptions } from '../stats/bootstrap.ts';
import { seriesMeanInterval, seriesQuantileInterval, type Interval } from '../stats/interval.ts';
import { mean, sortSamples, summarize } from '../stats/summary.ts';
import type { Plan } from '../plan.ts';

export function bootstrapOptions(plan: Plan): BootstrapOptions {
  return { resamples: plan.config.verdicts.bootstrap_resamples, level: plan.config.verdicts.confidence, seed: 1 };
}

/** A metric with its confidence interval, or with the note saying why it has none. */
export function withInterval(metric: Metric, interval: Interval): Metric {
  if (metric.status !== 'ok') return metric;
  return { ...metric, ...(interval.ci ? { ci: interval.ci } : {}), ...(interval.note ? { ciNote: interval.note } : {}) };
}

/**
 * Rows whose whole interval [since, at] lies inside [from, to]. A tick that began before `from` measured part of
 * the previous phase (the warmup, an idle pause), so it is left out even though it ended inside the window.
 */
export function rowsIn(rows: readonly SampleRow[], from: number, to: number): SampleRow[] {
  return rows.filter((r) => r.since >= from && r.at <= to);
}

function values(rows: readonly SampleRow[], pick: (r: SampleRow) => number | null): number[] {
  return rows.map(pick).filter((v): v is number => v !== null);
}

/** A sensor's metric: its value over the window, or `skipped` with the sampler's reason, never a zero. */
function sensor(rows: readonly SampleRow[], pick: (r: SampleRow) => number | null, unit: string, missing: string | undefined, reduce: (xs: number[]) => number): Metric {
  if (missing) return skipped(unit, missing);
  const xs = values(rows, pick);
  return xs.length > 0 ? ok(reduce(xs), unit) : failed(unit, 'the sensor gave no reading in the measurement window');
}

/**
 * Why a window's process figures cannot be trusted, or null when every row read the process. A row where the
 * server's process could not be read (it had exited, or /proc hid it) is missing data, not an idle moment: one such
 * row makes the CPU and RSS figures an error rather than an average over the rows that happened to read it.
 */
export function unreadRows(rows: readonly SampleRow[], pick: (r: SampleRow) => number | null, what: string): string | null {
  if (rows.length === 0) return `no ${what} samples in the measurement window (is the window shorter than the sampler interval?)`;
  const missing = rows.filter((r) => pick(r) === null);
  if (missing.length === 0) return null;
  const gone = missing.every((r) => r.pids === 0);
  return (
    `the server's process could not be read in ${missing.length} of ${rows.length} samples of the measurement window ` +
    `(${gone ? 'it was gone: it had exited, or /proc hides it' : `its ${what} figures were unreadable in /proc`})`
  );
}

/** The package energy of a window comes from the RAPL counters: labelled `measured` when there is a figure. */
function measuredEnergy(m: Metric): Metric {
  return m.status === 'ok' ? { ...m, method: 'measured' } : m;
}

/** CPU, memory, swap and sensor metrics over a measurement window, shared by every profile. */
export function resourceMetrics(
  rows: readonly SampleRow[],
  all: readonly SampleRow[],
  missing: SamplerResult['unavailable'],
  bootstrap: BootstrapOptions,
): Record<Exclude<CommonMetricName, 'load_s' | 'disk_read_load_mb_s'>, Metric> {
  // A server that cannot be sampled (started elsewhere, no pid given): its CPU and RSS are skipped, never zero.
  const notSampled = missing.process;
  const noCpu = notSampled ?? unreadRows(rows, (r) => r.cpuMachinePct, 'CPU');
  const noRss = notSampled ?? unreadRows(rows, (r) => r.rssMb, 'RSS');
  const lacking = (unit: string, why: string): Metric => (notSampled ? skipped(unit, why) : failed(unit, why));
  const cpuSamples = noCpu ? [] : values(rows, (r) => r.cpuMachinePct);
  const cpu = summarize(cpuSamples);
  const unit = '% of machine';
  const rss = noRss ? [] : values(rows, (r) => r.rssMb);
  const vsz = noRss ? [] : values(rows, (r) => r.vszMb ?? null);
  const systemCpu = summarize(values(rows, (r) => r.systemCpuPct));
  const swap = values(all, (r) => r.swapUsedMb);
  const capped = rows.filter((r) => (r.cpuCarriedMs ?? 0) > 0).length;
  const cappedNote = (m: Metric): Metric =>
    capped > 0 && m.status === 'ok'
      ? { ...m, reason: `${capped} of ${rows.length} ticks read above 100 % of the machine (schedstat brings a running thread's time up to date only at scheduler ticks); each was capped at 100 % and its excess moved to the next tick` }
      : m;
  // Ticks follow each other: the intervals count them at their effective sample size (harness/stats/interval.ts).
  const level = bootstrap.level;
  return {
    // Per tick, for budgets that name their aggregation ("mean <= 35", "p(99) <= 50"); capped ticks are noted.
    cpu_pct: cappedNote(cpu ? sampledOk(cpuSamples, unit, 'series', 'mean', cpu) : lacking(unit, noCpu!)),
    cpu_mean_pct: cpu ? withInterval(ok(cpu.mean, unit, cpu), seriesMeanInterval(cpuSamples, level)) : lacking(unit, noCpu!),
    cpu_p99_pct: cappedNote(cpu ? withInterval(ok(cpu.p99, unit, cpu), seriesQuantileInterval(cpuSamples, sortSamples(cpuSamples), 0.99, level)) : lacking(unit, noCpu!)),
    cpu_peak_pct: cappedNote(cpu ? ok(cpu.max, unit) : lacking(unit, noCpu!)),
    rss_peak_mb: rss.length > 0 ? ok(Math.max(...rss), 'MB') : lacking('MB', noRss!),
    rss_mean_mb: rss.length > 0 ? ok(mean(rss), 'MB') : lacking('MB', noRss!),
    // Swap is system-wide: growth from the server's start to the end of the cell.
    swap_growth_mb:
      swap.length > 0
        ? ok(Math.max(0, Math.max(...swap) - swap[0]!), 'MB')
        : skipped('MB', 'swap usage unreadable (/proc/meminfo)'),
    system_cpu_mean_pct: sensor(rows, (r) => r.systemCpuPct, '%', undefined, mean),
    system_cpu_peak_pct: systemCpu ? ok(systemCpu.max, '%') : failed('%', 'no reading of /proc/stat in the measurement window'),
    system_cpu_p99_pct: systemCpu ? ok(systemCpu.p99, '%', systemCpu) : failed('%', 'no reading of /proc/stat in the measurement window'),
    vsz_peak_mb: vsz.length > 0 ? ok(Math.max(...vsz), 'MB') : noRss ? lacking('MB', noRss) : failed('MB', 'VmSize was unreadable in /proc/<pid>/status'),
    psi_cpu_some_pct: sensor(rows, (r) => r.psiCpuPct, '%', missing.psi, mean),
    psi_memory_some_pct: sensor(rows, (r) => r.psiMemoryPct, '%', missing.psi, mean),
    temperature_max_c: sensor(rows, (r) => r.temperatureC, '°C', missing.temperature, (xs) => Math.max(...xs)),
    frequency_mean_mhz: sensor(rows, (r) => r.frequencyMhz, 'MHz', missing.frequency, mean),
    // A package energy counter: what the whole machine used during the window.
    energy_j: measuredEnergy(sensor(rows, (r) => r.energyJ, 'J', missing.energy, (xs) => Math.max(0, xs[xs.length - 1]! - xs[0]!))),
  };
}
