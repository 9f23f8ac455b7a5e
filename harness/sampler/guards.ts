// Cell guards: a cell of any profile is aborted as soon as the CPU runs hotter than `abort_temperature_c` or, with
// `allow_swap: false`, as soon as swap grows. Pure: it watches the sampler's rows and says when to stop and why; the
// cell runner (harness/profiles/run-cell.ts) does the stopping. A guard without its reading (no thermal sensor,
// unreadable swap) is `skipped` with the reason, never "nothing seen".
import type { GuardSettings } from '../config/guards-schema.ts';
import type { GuardReport, GuardState, GuardTrip } from '../measurement/schema.ts';
import type { SampleRow } from './sampler.ts';

const fmt = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

export class CellGuards {
  private maxTemperature: number | null = null;
  private temperatureRows = 0;
  private swapBase: number | null = null;
  private maxGrowth: number | null = null;
  private swapUnread = 0;
  private rows = 0;
  private trip: GuardTrip | null = null;

  /**
   * `missingTemperature`: the sampler's reason for having no temperature sensor (then the guard is skipped);
   * `swapSource`: the file swap is read from, named when it cannot be read; `start`: performance.now() of the start.
   */
  constructor(
    readonly settings: GuardSettings,
    private readonly missingTemperature: string | undefined,
    private readonly swapSource: string,
    private readonly start: number,
  ) {}

  /** Looks at one sample; returns the trip the first time a guard trips (and null before and after). */
  observe(row: SampleRow): GuardTrip | null {
    this.rows++;
    const limit = this.settings.abort_temperature_c;
    let trip: GuardTrip | null = null;
    if (limit !== null && !this.missingTemperature && row.temperatureC !== null) {
      this.temperatureRows++;
      this.maxTemperature = Math.max(this.maxTemperature ?? -Infinity, row.temperatureC);
      if (row.temperatureC > limit) {
        trip = {
          guard: 'temperature',
          reading: row.temperatureC,
          limit,
          unit: '°C',
          at_s: (row.at - this.start) / 1000,
          message: `aborted by guards.abort_temperature_c: CPU temperature ${fmt(row.temperatureC)} °C above the limit of ${limit} °C, ${fmt((row.at - this.start) / 1000)} s into the cell`,
        };
      }
    }
    if (!this.settings.allow_swap) {
      if (row.swapUsedMb === null) this.swapUnread++;
      else if (this.swapBase === null) this.swapBase = row.swapUsedMb;
      else {
        const growth = row.swapUsedMb - this.swapBase;
        this.maxGrowth = Math.max(this.maxGrowth ?? 0, growth);
        if (growth > 0 && !trip) {
          // A small growth needs the decimals that tell its two readings apart.
          const mb = (x: number) => x.toFixed(growth < 1 ? 3 : 1);
          trip = {
            guard: 'swap',
            reading: growth,
            limit: 0,
            unit: 'MB',
            at_s: (row.at - this.start) / 1000,
            message: `aborted by guards.allow_swap false: swap grew by ${mb(growth)} MB (from ${mb(this.swapBase)} to ${mb(row.swapUsedMb)} MB used), ${fmt((row.at - this.start) / 1000)} s into the cell`,
          };
        }
      }
    }
    if (!trip || this.trip) return null;
    this.trip = trip;
    return trip;
  }

  tripped(): GuardTrip | null {
    return this.trip;
  }

  report(): GuardReport {
    const limit = this.settings.abort_temperature_c;
    const temperature: GuardState =
      limit === null
        ? { status: 'off', limit: null, worst: null, unit: '°C', reason: 'abort_temperature_c is null' }
        : this.missingTemperature
          ? { status: 'skipped', limit, worst: null, unit: '°C', reason: this.missingTemperature }
          : this.temperatureRows === 0
            ? { status: 'skipped', limit, worst: null, unit: '°C', reason: 'the temperature sensor gave no reading during the cell' }
            : { status: 'watched', limit, worst: this.maxTemperature, unit: '°C' };
    const unreadSwap = `swap usage unreadable (${this.swapSource}) in ${this.swapUnread} of ${this.rows} samples`;
    const swap: GuardState = this.settings.allow_swap
      ? { status: 'off', limit: null, worst: null, unit: 'MB', reason: 'allow_swap is true' }
      : this.swapBase === null || this.rows - this.swapUnread < 2
        ? { status: 'skipped', limit: 0, worst: this.maxGrowth, unit: 'MB', reason: this.rows === 0 ? 'no sample taken during the cell' : unreadSwap }
        : this.swapUnread > 0
          ? // Growth seen in the readable samples still stands; what the unread ones hid is unknown.
            { status: 'skipped', limit: 0, worst: this.maxGrowth, unit: 'MB', reason: unreadSwap }
          : { status: 'watched', limit: 0, worst: this.maxGrowth, unit: 'MB' };
    return { temperature, swap, ...(this.trip ? { tripped: this.trip } : {}) };
  }
}
