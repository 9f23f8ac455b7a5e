/**
 * Memory-bandwidth roofline for decoding.
 *
 * Decoding one token reads every weight it uses once (one row of the token embedding, the rest whole), and on a CPU
 * that read, not arithmetic, is the limit: tokens/s can be no higher than DRAM bandwidth ÷ bytes read per token.
 * Comparing the measured decode speed with that bound says how much of the memory system a configuration uses. It is
 * a DRAM bound: a model whose bytes per token fit in the last-level cache can beat it, and the report says so.
 */
import { performance } from 'node:perf_hooks';

export interface MemoryBandwidth {
  /** Best observed triad bandwidth, 10⁹ bytes per second. */
  gbPerSec: number;
  /** What was measured, for the report: kernel, working set, repeats, threads, runtime. */
  method: string;
}

/** ~256 MB in three arrays: far beyond any last-level cache, as STREAM requires (≥ 4 × the caches). */
const DEFAULT_BYTES = 256e6;
const DEFAULT_REPEATS = 3;
const SCALAR = 3;
const BYTES_PER_ELEMENT = Float64Array.BYTES_PER_ELEMENT;

/**
 * STREAM triad (McCalpin): a[i] = b[i] + s·c[i] over three Float64Arrays, best of `repeats` passes.
 *
 * Counted as STREAM counts it: 24 bytes per element (two reads, one write; the write-allocate read is not
 * counted), so figures compare with published STREAM results. Best of, not mean, because the question is what
 * the memory system can deliver; slower passes are interference (and the first includes JIT compilation). One
 * JavaScript thread, so it is a lower bound on what llama.cpp's native, multi-threaded kernels can draw.
 */
export function measureMemoryBandwidth(opts: { bytes?: number; repeats?: number } = {}): MemoryBandwidth {
  const bytes = opts.bytes ?? DEFAULT_BYTES;
  const repeats = opts.repeats ?? DEFAULT_REPEATS;
  const length = Math.floor(bytes / 3 / BYTES_PER_ELEMENT);
  if (!(length >= 1)) throw new RangeError(`expected a working set of at least ${3 * BYTES_PER_ELEMENT} bytes, got ${bytes}`);
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new RangeError(`expected repeats ≥ 1, got ${repeats}`);

  const a = new Float64Array(length);
  // Filled before timing so every page is mapped and resident: first-touch page faults are not bandwidth.
  const b = new Float64Array(length).fill(1);
  const c = new Float64Array(length).fill(2);
  let bestSec = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    triad(a, b, c, SCALAR);
    bestSec = Math.min(bestSec, (performance.now() - start) / 1000);
  }
  // STREAM checks its results; here the check also keeps the loop's output observably used.
  const expected = 1 + SCALAR * 2;
  if (a[0] !== expected || a[length - 1] !== expected) throw new Error('STREAM triad produced a wrong result');

  const movedBytes = 3 * BYTES_PER_ELEMENT * length;
  // performance.now() can read 0 for a cache-resident toy array on a coarse clock; one microsecond is its floor.
  const gbPerSec = movedBytes / Math.max(bestSec, 1e-6) / 1e9;
  const arrayMb = ((length * BYTES_PER_ELEMENT) / 1e6).toFixed(1);
  return {
    gbPerSec,
    method:
      `STREAM triad a[i] = b[i] + s·c[i] over 3 × ${arrayMb} MB Float64Array, best of ${repeats}, ` +
      `24 bytes counted per element, single thread, JavaScript (Node.js ${process.versions.node})`,
  };
}

function triad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] = b[i]! + s * c[i]!;
}

/**
 * Roofline bound on decode speed: tokens/s ≤ bandwidth ÷ bytes read per token (the weights a token reads; the KV
 * cache read adds to it at long contexts).
 */
export function decodeUpperBound(bandwidthGbPerSec: number, bytesPerToken: number): number {
  if (!(bandwidthGbPerSec >= 0) || !Number.isFinite(bandwidthGbPerSec)) {
    throw new RangeError(`expected a finite bandwidth ≥ 0 GB/s, got ${bandwidthGbPerSec}`);
  }
  if (!(bytesPerToken > 0) || !Number.isFinite(bytesPerToken)) {
    throw new RangeError(`expected a finite number of bytes per token > 0, got ${bytesPerToken}`);
  }
  return (bandwidthGbPerSec * 1e9) / bytesPerToken;
}

/** Measured ÷ bound tokens/s: the share of the memory roofline the decoder reaches; null without a bound. */
export function decodeEfficiency(measuredTps: number, boundTps: number): number | null {
  if (!(boundTps > 0) || !Number.isFinite(boundTps) || !Number.isFinite(measuredTps)) return null;
  return measuredTps / boundTps;
}

export interface RooflineInputs {
  /** DRAM bandwidth, 10⁹ bytes/s, and how it was measured. */
  bandwidthGbPerSec: number;
  bandwidthKind: 'native' | 'javascript';
  /** Seconds since the bandwidth was measured, when an earlier run's figure was kept (the roofline says so). */
  bandwidthAgeS?: number;
  /** The last-level cache in bytes, where known. */
  llcBytes: number | null;
  bytesPerToken: number;
  /** `gguf`: counted from the tensors; `file`: the file size (no metadata), which overcounts. */
  bytesFrom: 'gguf' | 'file';
  bytesBasis: string;
  /** The server's decode speed, tok/s; null when none was measured. */
  measuredTps: number | null;
}

export interface Roofline {
  boundTps: number;
  boundReason: string;
  /** measured ÷ bound × 100; null without a measured speed. */
  efficiencyPct: number | null;
  /** What the share is of, and, above 100 %, why the bound did not bind. */
  efficiencyReason: string | null;
}

/** An age in words: "40 s", "12 min", "3.2 h", "2.5 days". */
export function formatAge(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/**
 * The decode roofline and the share of it a cell reaches. A share above 100 % is not hidden: its reason names the
 * causes that apply (bytes per token that fit in the last-level cache, a fallback bandwidth that is a lower bound, a
 * file size that overcounts the bytes), else says the bandwidth figure itself read low.
 */
export function decodeRoofline(i: RooflineInputs): Roofline {
  const boundTps = decodeUpperBound(i.bandwidthGbPerSec, i.bytesPerToken);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const bandwidth = `${i.bandwidthGbPerSec.toFixed(1)} GB/s ${i.bandwidthKind === 'native' ? '(native STREAM triad)' : '(one-thread JavaScript fallback, a lower bound)'}`;
  const bytes = i.bytesFrom === 'gguf' ? `${mb(i.bytesPerToken)} read per token (${i.bytesBasis})` : `${mb(i.bytesPerToken)} of model file (${i.bytesBasis})`;
  const kept = i.bandwidthAgeS === undefined ? '' : `; the bandwidth was measured ${formatAge(i.bandwidthAgeS * 1000)} before this run and kept in the cache`;
  const boundReason = `DRAM roofline: ${bandwidth} ÷ ${bytes}${kept}`;
  const share = i.measuredTps === null ? null : decodeEfficiency(i.measuredTps, boundTps);
  if (share === null) return { boundTps, boundReason, efficiencyPct: null, efficiencyReason: null };
  const efficiencyPct = share * 100;
  let efficiencyReason = `${i.measuredTps!.toFixed(1)} tok/s of a ${boundTps.toFixed(1)} tok/s ${boundReason}`;
  if (efficiencyPct > 100) {
    const why: string[] = [];
    if (i.llcBytes !== null && i.bytesPerToken <= i.llcBytes) {
      why.push(`the ${mb(i.bytesPerToken)} a token reads fit in the ${(i.llcBytes / 1024 / 1024).toFixed(0)} MiB last-level cache, so decoding runs from cache, faster than DRAM: for this model the DRAM roofline is no bound`);
    }
    if (i.bandwidthKind === 'javascript') why.push("the bandwidth is the one-thread JavaScript fallback, a lower bound on what llama.cpp's native threads draw");
    if (i.bytesFrom === 'file') why.push('the bytes per token are the file size (no GGUF metadata), which counts the whole token-embedding table');
    const when = i.bandwidthAgeS === undefined ? 'once when the run started' : `${formatAge(i.bandwidthAgeS * 1000)} before this run`;
    if (why.length === 0) why.push(`the bandwidth, measured ${when}, read low (other work on the machine then?)`);
    efficiencyReason += `. Above 100 % because ${why.join('; and ')}`;
  }
  return { boundTps, boundReason, efficiencyPct, efficiencyReason };
}
