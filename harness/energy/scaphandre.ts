/**
 * Per-process power from a Scaphandre Prometheus exporter (`scaph_process_power_consumption_microwatts{pid=…}`):
 * scraped in the background while a cell runs, summed over the server's process tree only (other processes'
 * lines are left out), and integrated over each request's window. A scrape that fails mid-run ends the series and
 * says so: the cell's E_llm then falls back (RAPL share, else estimate), never a mix of the two.
 */
import { request } from 'undici';

export const SCAPHANDRE_METRIC = 'scaph_process_power_consumption_microwatts';
export const SCAPHANDRE_ENV = 'SCAPHANDRE_URL';

/** µW per pid from the exposition text; lines of other metrics, without a pid or with a bad value are left out. */
export function parseProcessPower(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith(`${SCAPHANDRE_METRIC}{`)) continue;
    const m = /^[A-Za-z_:][A-Za-z0-9_:]*\{(.*)\}\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!m) continue;
    const pid = /(?:^|,)\s*pid="(\d+)"/.exec(m[1]!);
    const value = Number(m[2]);
    if (!pid || !Number.isFinite(value) || value < 0) continue;
    const p = Number(pid[1]);
    out.set(p, (out.get(p) ?? 0) + value);
  }
  return out;
}

export interface PowerSample {
  /** performance.now() when the answer arrived. */
  at: number;
  watts: number;
}

/** Joules between `from` and `to` (ms) by the trapezoid rule over samples, interpolated at both ends; null unless samples bracket the interval. */
export function integrate(samples: readonly PowerSample[], from: number, to: number): number | null {
  if (samples.length < 2 || to < from) return null;
  if (samples[0]!.at > from || samples[samples.length - 1]!.at < to) return null;
  const at = (t: number): number => {
    const i = samples.findIndex((s) => s.at >= t);
    const b = samples[i]!;
    if (i === 0 || b.at === t) return b.watts;
    const a = samples[i - 1]!;
    return a.watts + ((b.watts - a.watts) * (t - a.at)) / (b.at - a.at);
  };
  const points = [{ at: from, watts: at(from) }, ...samples.filter((s) => s.at > from && s.at < to), { at: to, watts: at(to) }];
  let j = 0;
  for (let i = 1; i < points.length; i++) j += ((points[i - 1]!.watts + points[i]!.watts) / 2) * ((points[i]!.at - points[i - 1]!.at) / 1000);
  return j;
}

/** Scrapes the exporter every `intervalMs` until stopped or until a scrape fails. */
export class ScaphandreScraper {
  readonly samples: PowerSample[] = [];
  /** The first failed scrape: the series ends there. */
  failure: { at: number; message: string } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    readonly url: string,
    /** The server's process tree now (it may fork, or be relaunched). */
    private readonly pids: () => ReadonlySet<number>,
    private readonly intervalMs = 250,
    private readonly timeoutMs = 2000,
  ) {}

  start(): this {
    void this.scrape();
    this.timer = setInterval(() => void this.scrape(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** One more scrape (so the last request is bracketed), then stop. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    await this.scrape();
  }

  scrape(): Promise<void> {
    if (this.failure || this.inFlight) return this.inFlight ?? Promise.resolve();
    this.inFlight = (async () => {
      try {
        const res = await request(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        const power = parseProcessPower(text);
        const tree = this.pids();
        let uw = 0;
        let seen = 0;
        for (const [pid, v] of power) {
          if (!tree.has(pid)) continue;
          uw += v;
          seen++;
        }
        if (seen === 0) throw new Error(`no ${SCAPHANDRE_METRIC} line for the server's processes (${[...tree].join(', ') || 'none'})`);
        this.samples.push({ at: performance.now(), watts: uw / 1e6 });
      } catch (e) {
        this.failure ??= { at: performance.now(), message: (e as Error).message.split('\n')[0]! };
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }
}
