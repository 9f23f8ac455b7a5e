/**
 * The memory bandwidth, measured once and kept: the triad costs seconds of CPU (more on a loaded machine), and the
 * figure depends on the machine, not on the run. It is kept in the user cache dir under a key made of what decides
 * it (CPU model and flags, usable cores, kernel, memory size, compiler command, the probe's source and parameters)
 * and served for up to a week; then, or when any of those changes, it is measured again. A served figure says so:
 * its method names when it was measured and how old it is. Only the native triad is kept: the JavaScript fallback
 * stands in for a run that could not compile the triad, and the next run should try again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatAge } from '../analysis/roofline.ts';
import { cpuKey } from '../llama/build.ts';
import { withLock } from '../llama/lock.ts';
import { cacheDir, writeFileAtomic } from '../paths.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { CPU_COUNT } from '../sampler/proc.ts';
import { CACHE_MULTIPLE, FLAGS, MIN_ARRAY_BYTES, REPETITIONS, SOURCE, measureBandwidth, type MeasuredBandwidth } from './measure.ts';

/** Raise it when measure.ts changes how the figure is taken in a way its constants and the C source do not show. */
export const PROBE_VERSION = 1;
/** A figure older than this is measured again, even on an unchanged machine. */
export const MAX_AGE_MS = 7 * 24 * 3600_000;
/** Two first runs at once: one measures, the other waits for its figure (a triad takes seconds; this bounds a hang). */
const LOCK_WAIT_MS = 10 * 60_000;

/** What decides the figure, one line each; the cache key is their hash (kept in the file for a person to read). */
export function bandwidthKeyInputs(env: NodeJS.ProcessEnv = process.env, cpuinfo?: string): Record<string, string> {
  let source = '';
  try {
    source = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  } catch {
    source = 'unreadable';
  }
  return {
    probe: `v${PROBE_VERSION} source ${source} flags ${FLAGS.map((f) => f.join(' ')).join(' | ')} arrays ${CACHE_MULTIPLE}×LLC ≥ ${MIN_ARRAY_BYTES} B, best of ${REPETITIONS}`,
    cpu: `${cpuModel(cpuinfo)} (${cpuKey(cpuinfo)})`,
    cores: String(CPU_COUNT),
    kernel: `${os.type()} ${os.release()} ${process.arch}`,
    memory: `${Math.round(os.totalmem() / 2 ** 20)} MiB`,
    compiler: env.CC || 'cc',
  };
}

function cpuModel(cpuinfo?: string): string {
  const text = cpuinfo ?? readCpuinfo();
  const line = text.split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':').slice(1).join(':').trim() : (os.cpus()[0]?.model ?? 'unknown CPU');
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

export function bandwidthCacheFile(root: string, inputs: Record<string, string>): string {
  const key = createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
  return path.join(root, `figure-${key}.json`);
}

interface CacheEntry {
  inputs: Record<string, string>;
  measuredAt: string;
  bandwidth: MeasuredBandwidth;
}

/**
 * The kept figure when it is usable: readable, for these inputs, native, a positive finite figure, measured no
 * later than now (a clock that went back cannot vouch for its age) and less than `maxAgeMs` ago. Else null.
 */
export function readCachedBandwidth(file: string, inputs: Record<string, string>, nowMs: number, maxAgeMs = MAX_AGE_MS): MeasuredBandwidth | null {
  let entry: Partial<CacheEntry>;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheEntry>;
  } catch {
    return null;
  }
  const bw = entry.bandwidth;
  if (!bw || JSON.stringify(entry.inputs) !== JSON.stringify(inputs)) return null;
  if (bw.kind !== 'native' || typeof bw.method !== 'string' || typeof bw.threads !== 'number') return null;
  if (typeof bw.gbPerSec !== 'number' || !(bw.gbPerSec > 0) || !Number.isFinite(bw.gbPerSec)) return null;
  const measuredMs = typeof entry.measuredAt === 'string' ? Date.parse(entry.measuredAt) : NaN;
  const ageMs = nowMs - measuredMs;
  if (!Number.isFinite(ageMs) || ageMs < 0 || ageMs >= maxAgeMs) return null;
  return {
    ...bw,
    measuredAt: entry.measuredAt!,
    cachedAgeS: Math.round(ageMs / 1000),
    method:
      `${bw.method}; measured ${entry.measuredAt} (${formatAge(ageMs)} before this run) and kept in ${file}, ` +
      `measured again after ${formatAge(maxAgeMs)} or when the CPU, core count, kernel, memory size, compiler or probe change`,
  };
}

export interface CachedBandwidthOptions {
  env?: NodeJS.ProcessEnv;
  /** Where figures are kept (default `<cache dir>/bandwidth`, beside the compiled triad). */
  cacheRoot?: string;
  progress?: Progress;
  now?: () => number;
  /** The measurement (default the triad, else its fallback); replaced in unit tests only, to count its calls. */
  measure?: () => Promise<MeasuredBandwidth>;
}

/** The kept figure while it is fresh, else a new measurement (kept when native). */
export async function cachedBandwidth(o: CachedBandwidthOptions = {}): Promise<MeasuredBandwidth> {
  const env = o.env ?? process.env;
  const now = o.now ?? Date.now;
  const root = o.cacheRoot ?? path.join(cacheDir(env), 'bandwidth');
  const measure = o.measure ?? (() => measureBandwidth({ env, cacheRoot: root }));
  const inputs = bandwidthKeyInputs(env);
  const file = bandwidthCacheFile(root, inputs);
  const kept = readCachedBandwidth(file, inputs, now());
  if (kept) return kept;
  let started = false;
  const measureAndKeep = async (): Promise<MeasuredBandwidth> => {
    started = true;
    // Another process may have measured while this one waited for the lock.
    const meanwhile = readCachedBandwidth(file, inputs, now());
    if (meanwhile) return meanwhile;
    const measuredAt = new Date(now()).toISOString();
    const bw = { ...(await measure()), measuredAt };
    if (bw.kind === 'native') {
      try {
        writeFileAtomic(file, `${JSON.stringify({ inputs, measuredAt, bandwidth: bw } satisfies CacheEntry, null, 2)}\n`);
      } catch {
        // a cache that cannot be written costs the next run a measurement, nothing more
      }
    }
    return bw;
  };
  try {
    return await withLock(path.join(root, 'measure.lock'), 'measuring the memory bandwidth', o.progress ?? silentProgress, measureAndKeep, { maxWaitMs: LOCK_WAIT_MS });
  } catch (e) {
    // A lock that cannot be taken (held too long, an unwritable cache dir) must not cost the run its roofline.
    if (!started) return measureAndKeep();
    throw e;
  }
}
