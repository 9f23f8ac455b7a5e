/**
 * The machine's memory bandwidth as llama.cpp can use it: a STREAM triad in C on native threads (every core, and one
 * thread for comparison), compiled once with the machine's C compiler (`$CC`, else `cc`, the compiler cmake picks
 * for llama.cpp) into the cache directory. Without a compiler, or when the native run fails, the one-thread
 * JavaScript triad stands in, named as such: a lower bound, so a decode speed above its roofline is expected then.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureMemoryBandwidth, type MemoryBandwidth } from '../analysis/roofline.ts';
import { cpuKey } from '../llama/build.ts';
import { cacheDir } from '../paths.ts';
import { CPU_COUNT } from '../sampler/proc.ts';

export const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stream-triad.c');
export const FLAGS = [
  ['-O3', '-march=native', '-pthread'],
  ['-O2', '-pthread'],
] as const;
const MIB = 1024 * 1024;
/** STREAM's rule: each array at least 4 × the last-level cache, so the triad measures memory, not cache. */
export const CACHE_MULTIPLE = 4;
export const MIN_ARRAY_BYTES = 32 * MIB;
export const REPETITIONS = 3;

export interface MeasuredBandwidth extends MemoryBandwidth {
  /** `native`: the C triad on native threads; `javascript`: the one-thread fallback, a lower bound. */
  kind: 'native' | 'javascript';
  /** Threads of the run that gave the figure. */
  threads: number;
  /** The last-level cache, when sysfs says: a model whose bytes per token fit in it can decode faster than DRAM allows. */
  llcBytes: number | null;
  /** When the triad ran (ISO time); a figure from an earlier run, taken from the cache, is older than its run. */
  measuredAt?: string;
  /** Seconds between the measurement and this run, when the figure came from the cache (see cache.ts). */
  cachedAgeS?: number;
}

/** The largest cache of cpu0 (the last level), from sysfs; null where it cannot be read. */
export function lastLevelCacheBytes(sys = '/sys'): number | null {
  const dir = `${sys}/devices/system/cpu/cpu0/cache`;
  let best: { level: number; bytes: number } | null = null;
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => e.startsWith('index'));
  } catch {
    return null;
  }
  for (const e of entries) {
    try {
      const level = Number(readFileSync(`${dir}/${e}/level`, 'utf8'));
      const bytes = parseCacheSize(readFileSync(`${dir}/${e}/size`, 'utf8'));
      if (bytes !== null && (!best || level > best.level || (level === best.level && bytes > best.bytes))) best = { level, bytes };
    } catch {
      // an index without level or size says nothing
    }
  }
  return best?.bytes ?? null;
}

/** sysfs cache sizes read "107520K", "2048K", "32M". */
export function parseCacheSize(text: string): number | null {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text.trim());
  if (!m) return null;
  const unit = { '': 1, K: 1024, M: MIB, G: 1024 * MIB }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

/** Bytes per array: 4 × the last-level cache (at least 32 MiB), but never more than an eighth of the free memory. */
export function arrayBytesFor(llcBytes: number | null, freeBytes: number): number {
  const wanted = Math.max(MIN_ARRAY_BYTES, CACHE_MULTIPLE * (llcBytes ?? 0));
  return Math.max(MIB, Math.min(wanted, Math.floor(freeBytes / 8)));
}

/** One JSON line per thread count, as stream-triad.c prints them. */
export function parseTriadOutput(stdout: string): { threads: number; arrayBytes: number; repetitions: number; gbPerSec: number }[] {
  const runs = stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as { threads: number; array_bytes: number; repetitions: number; gb_per_s: number })
    .map((r) => ({ threads: r.threads, arrayBytes: r.array_bytes, repetitions: r.repetitions, gbPerSec: r.gb_per_s }));
  if (runs.length === 0 || runs.some((r) => !(r.gbPerSec > 0) || !Number.isFinite(r.gbPerSec))) {
    throw new Error(`stream-triad printed no usable figure: ${stdout.slice(0, 300)}`);
  }
  return runs;
}

async function compiler(env: NodeJS.ProcessEnv): Promise<{ command: string; version: string }> {
  const { execa } = await import('execa'); // ~130 modules: loaded when a command runs, not by every CLI start
  const command = env.CC || 'cc';
  const r = await execa(command, ['--version'], { reject: false, timeout: 20_000 });
  if (r.failed || r.exitCode !== 0) throw new Error(`no C compiler: \`${command} --version\` ${r.exitCode === undefined ? 'could not run' : `exited ${r.exitCode}`}`);
  return { command, version: r.stdout.split('\n')[0]!.trim() };
}

/** The compiled triad in the cache, built once per source, compiler, flags and CPU; written atomically. */
async function triadBinary(cc: { command: string; version: string }, root: string): Promise<{ binary: string; flags: readonly string[] }> {
  const { execa } = await import('execa'); // ~130 modules: loaded when a command runs, not by every CLI start
  const source = readFileSync(SOURCE);
  const errors: string[] = [];
  for (const flags of FLAGS) {
    const key = createHash('sha256').update(source).update(`\0${cc.command}\0${cc.version}\0${flags.join(' ')}\0${cpuKey()}`).digest('hex').slice(0, 16);
    const dir = path.join(root, key);
    const binary = path.join(dir, 'stream-triad');
    if (existsSync(binary)) return { binary, flags };
    mkdirSync(dir, { recursive: true });
    const tmp = `${binary}.${process.pid}.tmp`;
    const r = await execa(cc.command, [...flags, SOURCE, '-o', tmp], { reject: false, all: true, timeout: 120_000 });
    if (r.exitCode === 0) {
      renameSync(tmp, binary);
      return { binary, flags };
    }
    rmSync(tmp, { force: true });
    errors.push(`${cc.command} ${flags.join(' ')}: ${(r.all ?? '').split('\n').slice(-3).join(' ')}`);
  }
  throw new Error(`could not compile the STREAM triad: ${errors.join('; ')}`);
}

export interface BandwidthOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the compiled triad is kept (default `<cache dir>/bandwidth`). */
  cacheRoot?: string;
  sys?: string;
  /** Bytes per array (default 4 × the last-level cache, at least 32 MiB). */
  arrayBytes?: number;
  repetitions?: number;
}

/** The native triad on every core and on one; the best of them is the figure. Throws when it cannot run. */
export async function measureNativeBandwidth(o: BandwidthOptions = {}): Promise<MeasuredBandwidth> {
  const { execa } = await import('execa'); // ~130 modules: loaded when a command runs, not by every CLI start
  const env = o.env ?? process.env;
  const llcBytes = lastLevelCacheBytes(o.sys);
  const arrayBytes = o.arrayBytes ?? arrayBytesFor(llcBytes, os.freemem());
  const repetitions = o.repetitions ?? REPETITIONS;
  const cc = await compiler(env);
  const { binary, flags } = await triadBinary(cc, o.cacheRoot ?? path.join(cacheDir(env), 'bandwidth'));
  const counts = [...new Set([CPU_COUNT, 1])];
  const r = await execa(binary, [counts.join(','), String(arrayBytes), String(repetitions)], { reject: false, all: true, timeout: 300_000 });
  if (r.exitCode !== 0) throw new Error(`stream-triad exited ${r.exitCode ?? r.signal}: ${(r.all ?? '').slice(-300)}`);
  const runs = parseTriadOutput(r.stdout);
  const best = runs.reduce((a, b) => (b.gbPerSec > a.gbPerSec ? b : a));
  const mib = (n: number) => `${(n / MIB).toFixed(0)} MiB`;
  return {
    kind: 'native',
    gbPerSec: best.gbPerSec,
    threads: best.threads,
    llcBytes,
    method:
      `STREAM triad a[i] = b[i] + s·c[i] in C (${cc.version}; ${flags.join(' ')}), 3 × ${mib(best.arrayBytes)} arrays` +
      (llcBytes ? ` (≥ ${CACHE_MULTIPLE} × the ${mib(llcBytes)} last-level cache)` : '') +
      `, best of ${repetitions}: ${runs.map((x) => `${x.gbPerSec.toFixed(1)} GB/s on ${x.threads} thread${x.threads > 1 ? 's' : ''}`).join(', ')}; 24 bytes counted per element`,
  };
}

/** The native figure, else the JavaScript one, named as the fallback it is and why. */
export async function measureBandwidth(o: BandwidthOptions = {}): Promise<MeasuredBandwidth> {
  try {
    return await measureNativeBandwidth(o);
  } catch (e) {
    const llcBytes = lastLevelCacheBytes(o.sys);
    const js = measureMemoryBandwidth({ bytes: 3 * (o.arrayBytes ?? arrayBytesFor(llcBytes, os.freemem())) });
    return {
      ...js,
      kind: 'javascript',
      threads: 1,
      llcBytes,
      method: `fallback, ${js.method}: a lower bound on what llama.cpp's native threads draw (the native triad could not run: ${(e as Error).message})`,
    };
  }
}
