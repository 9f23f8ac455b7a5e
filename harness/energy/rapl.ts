/**
 * RAPL energy counters through the Linux powercap interface (`/sys/class/powercap/intel-rapl:*`; AMD Zen exposes its
 * package counter there too). Each domain has a cumulative `energy_uj` that wraps to 0 after `max_energy_range_uj`.
 * The reader lists every domain and subdomain once, reads them all in one snapshot, and turns two snapshots into
 * joules per domain, across one wrap of each counter. A missing tree or an unreadable counter is `skipped` with the
 * reason (and the fix), never a zero.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';
export const POWERCAP_ENV = 'BENCH_POWERCAP_ROOT';

/** The powercap root in force: `BENCH_POWERCAP_ROOT`, else the config's `energy.powercap_root`, else the kernel's. */
export function powercapRoot(configured: string | null | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[POWERCAP_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return configured ?? DEFAULT_POWERCAP_ROOT;
}

export interface RaplDomain {
  /** Directory name, e.g. `intel-rapl:0` or `intel-rapl:0:1`. */
  id: string;
  /** The kernel's name for it: `package-0`, `core`, `uncore`, `dram`, `psys`; the id when there is no name file. */
  name: string;
  /** A top-level package counter: these add up to the package energy (psys and subdomains do not). */
  package: boolean;
  /** µJ at which the counter wraps to 0. */
  maxUj: number;
}

export interface RaplSnapshot {
  /** performance.now() right after the counters were read. */
  at: number;
  /** Raw counter per domain id, µJ. */
  uj: Record<string, number>;
}

export type RaplProbe = { status: 'ok'; domains: RaplDomain[] } | { status: 'skipped'; reason: string };

/** File reads, injectable so tests can make a counter unreadable even when they run as root. */
export interface PowercapFs {
  readdir(dir: string): string[];
  readFile(file: string): string;
}
const realFs: PowercapFs = { readdir: (d) => readdirSync(d), readFile: (f) => readFileSync(f, 'utf8') };

/** Zone directories: `intel-rapl:N` (packages, psys) and `intel-rapl:N:M` (core, uncore, dram). */
const ZONE = /^intel-rapl:\d+(:\d+)?$/;

export const RAPL_ACCESS_FIX =
  'run the benchmark as root, or let every user read the counters: `sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj ' +
  '/sys/class/powercap/intel-rapl:*:*/energy_uj` (until reboot), or for good a udev rule such as ' +
  '`ACTION=="add", SUBSYSTEM=="powercap", KERNEL=="intel-rapl:*", RUN+="/bin/chmod a+r /sys%p/energy_uj"` in ' +
  '/etc/udev/rules.d/70-rapl.rules (see the README, "Energy")';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

function parseUj(text: string, file: string): number {
  const n = Number(text.trim());
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') throw new Error(`${file} holds "${text.trim().slice(0, 40)}", not a counter in µJ`);
  return n;
}

/** Finds the RAPL domains under `root` and checks each counter can be read now. */
export function probeRapl(root: string, fs: PowercapFs = realFs): RaplProbe {
  let entries: string[];
  try {
    entries = fs.readdir(root);
  } catch (e) {
    if (errno(e) === 'EACCES' || errno(e) === 'EPERM') return { status: 'skipped', reason: `RAPL counters are not readable: ${root} cannot be listed (permission denied); ${RAPL_ACCESS_FIX}` };
    return { status: 'skipped', reason: `no RAPL on this machine (${root} does not exist)` };
  }
  const zones = entries.filter((z) => ZONE.test(z)).sort();
  if (zones.length === 0) return { status: 'skipped', reason: `no RAPL on this machine (no intel-rapl:* domain under ${root})` };
  const domains: RaplDomain[] = [];
  const denied: string[] = [];
  const broken: string[] = [];
  for (const id of zones) {
    const dir = path.join(root, id);
    let name = id;
    try {
      name = fs.readFile(path.join(dir, 'name')).trim() || id;
    } catch {
      // an unnamed zone keeps its id
    }
    try {
      parseUj(fs.readFile(path.join(dir, 'energy_uj')), path.join(dir, 'energy_uj'));
    } catch (e) {
      if (errno(e) === 'EACCES' || errno(e) === 'EPERM') denied.push(path.join(dir, 'energy_uj'));
      else broken.push(`${path.join(dir, 'energy_uj')}: ${errno(e) ?? (e as Error).message}`);
      continue;
    }
    let maxUj: number;
    try {
      maxUj = parseUj(fs.readFile(path.join(dir, 'max_energy_range_uj')), path.join(dir, 'max_energy_range_uj'));
    } catch (e) {
      broken.push(`${path.join(dir, 'max_energy_range_uj')}: ${errno(e) ?? (e as Error).message} (without it a wrapped counter cannot be told from a reset)`);
      continue;
    }
    const topLevel = /^intel-rapl:\d+$/.test(id);
    domains.push({ id, name, package: topLevel && name !== 'psys', maxUj });
  }
  if (denied.length > 0) return { status: 'skipped', reason: `RAPL counters are not readable by this user (permission denied on ${denied.join(', ')}); ${RAPL_ACCESS_FIX}` };
  if (!domains.some((d) => d.package)) {
    return { status: 'skipped', reason: `no readable RAPL package counter under ${root}${broken.length ? `: ${broken.join('; ')}` : ''}` };
  }
  return { status: 'ok', domains };
}

/**
 * Joules a counter advanced from `before` to `after`: across one wrap at `maxUj` when `after` is smaller. Two wraps
 * between reads cannot be told from one; at the usual range (2^32 µJ on older parts, ~262 kJ on newer ones) that
 * needs minutes at full power, so readers take snapshots at least every few seconds.
 */
export function counterDeltaJ(beforeUj: number, afterUj: number, maxUj: number): number {
  const uj = afterUj >= beforeUj ? afterUj - beforeUj : maxUj - beforeUj + afterUj;
  return uj / 1e6;
}

/** How far apart the clock readings around a snapshot's reads may be, and how often a wider one is read again. */
export const SNAPSHOT_SPREAD_MS = 2;
export const SNAPSHOT_ATTEMPTS = 5;

/** Reads every domain of a probed tree; one snapshot is one instant. */
export class RaplReader {
  constructor(
    readonly root: string,
    readonly domains: readonly RaplDomain[],
    private readonly fs: PowercapFs = realFs,
  ) {}

  /** The reader for `root`, or why there is none. */
  static open(root: string, fs: PowercapFs = realFs): RaplReader | { skipped: string } {
    const probe = probeRapl(root, fs);
    return probe.status === 'ok' ? new RaplReader(root, probe.domains, fs) : { skipped: probe.reason };
  }

  /**
   * Raw counters now; throws when a counter that read at the probe no longer does (the caller errors its figure).
   * The instant is the reading's: a reader descheduled between the reads and the clock (tens of ms beside a CPU hog,
   * over a second once in CI) would stamp counters read earlier with a later time, and a window's joules would then
   * belong to other instants than its marks say. So the reads are bracketed by the clock and taken again, a few
   * times at most, until the bracket is at most SNAPSHOT_SPREAD_MS wide.
   */
  snapshot(): RaplSnapshot {
    for (let attempt = 1; ; attempt++) {
      const before = performance.now();
      const uj: Record<string, number> = {};
      for (const d of this.domains) {
        const file = path.join(this.root, d.id, 'energy_uj');
        uj[d.id] = parseUj(this.fs.readFile(file), file);
      }
      const at = performance.now();
      if (at - before <= SNAPSHOT_SPREAD_MS || attempt >= SNAPSHOT_ATTEMPTS) return { at, uj };
    }
  }

  /** Joules per domain id between two snapshots, each across one wrap. */
  domainJoules(a: RaplSnapshot, b: RaplSnapshot): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of this.domains) out[d.id] = counterDeltaJ(a.uj[d.id]!, b.uj[d.id]!, d.maxUj);
    return out;
  }

  /** Package energy between two snapshots: the sum over package domains (subdomains are inside them; psys is the platform). */
  packageJoules(a: RaplSnapshot, b: RaplSnapshot): number {
    const per = this.domainJoules(a, b);
    return this.domains.filter((d) => d.package).reduce((s, d) => s + per[d.id]!, 0);
  }
}
