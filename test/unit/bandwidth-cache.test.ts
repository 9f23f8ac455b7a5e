// The memory bandwidth is kept between runs on the same machine: served while fresh and for the same inputs,
// named as kept (with its age), measured again otherwise; only the native triad is kept.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_AGE_MS, bandwidthCacheFile, bandwidthKeyInputs, cachedBandwidth, readCachedBandwidth } from '../../harness/bandwidth/cache.ts';
import type { MeasuredBandwidth } from '../../harness/bandwidth/measure.ts';
import { decodeRoofline, formatAge } from '../../harness/analysis/roofline.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const native: MeasuredBandwidth = { kind: 'native', gbPerSec: 10.9, threads: 2, llcBytes: 110100480, method: 'STREAM triad a[i] = b[i] + s·c[i] in C (cc 14; -O3), best of 3' };
const fallback: MeasuredBandwidth = { kind: 'javascript', gbPerSec: 3.2, threads: 1, llcBytes: null, method: 'fallback, STREAM triad in JavaScript: a lower bound' };

function counting(result: MeasuredBandwidth) {
  const calls = { n: 0 };
  return { calls, measure: async () => (calls.n++, { ...result }) };
}

const root = () => mkdtempSync(path.join(os.tmpdir(), 'bw-cache-'));

describe('cachedBandwidth', () => {
  test('measures once, then serves the kept figure, saying when it was measured and how old it is', async () => {
    const cacheRoot = root();
    const { calls, measure } = counting(native);
    const first = await cachedBandwidth({ cacheRoot, measure, now: () => T0 });
    expect(calls.n).toBe(1);
    expect(first).toMatchObject({ gbPerSec: 10.9, measuredAt: '2026-12-01T10:00:00.000Z' });
    expect(first.cachedAgeS).toBeUndefined();
    expect(first.method).toBe(native.method);
    const later = await cachedBandwidth({ cacheRoot, measure, now: () => T0 + 3 * 3600_000 });
    expect(calls.n).toBe(1);
    expect(later).toMatchObject({ kind: 'native', gbPerSec: 10.9, threads: 2, cachedAgeS: 3 * 3600, measuredAt: '2026-12-01T10:00:00.000Z' });
    expect(later.method.startsWith(native.method)).toBe(true);
    expect(later.method).toMatch(/; measured 2026-12-01T10:00:00\.000Z \(3\.0 h before this run\) and kept in .*figure-[0-9a-f]{16}\.json, measured again after 7\.0 days/);
  });

  test('measures again once the figure is a week old, and keeps the new one', async () => {
    const cacheRoot = root();
    const { calls, measure } = counting(native);
    await cachedBandwidth({ cacheRoot, measure, now: () => T0 });
    expect((await cachedBandwidth({ cacheRoot, measure, now: () => T0 + MAX_AGE_MS - 1000 })).cachedAgeS).toBe(MAX_AGE_MS / 1000 - 1);
    expect(calls.n).toBe(1);
    const fresh = await cachedBandwidth({ cacheRoot, measure, now: () => T0 + MAX_AGE_MS });
    expect(calls.n).toBe(2);
    expect(fresh.cachedAgeS).toBeUndefined();
    expect((await cachedBandwidth({ cacheRoot, measure, now: () => T0 + MAX_AGE_MS + 1000 })).cachedAgeS).toBe(1);
    expect(calls.n).toBe(2);
  });

  test('the JavaScript fallback is not kept: the next run tries the native triad again', async () => {
    const cacheRoot = root();
    const { calls, measure } = counting(fallback);
    expect((await cachedBandwidth({ cacheRoot, measure, now: () => T0 })).kind).toBe('javascript');
    await cachedBandwidth({ cacheRoot, measure, now: () => T0 + 1000 });
    expect(calls.n).toBe(2);
    expect(readdirSync(cacheRoot).filter((f) => f.startsWith('figure-'))).toEqual([]);
  });

  test('two first runs at once measure once: the second waits for the first one\'s figure', async () => {
    const cacheRoot = root();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const measure = async () => {
      calls++;
      await gate;
      return { ...native };
    };
    const a = cachedBandwidth({ cacheRoot, measure, now: () => T0 });
    const b = cachedBandwidth({ cacheRoot, measure, now: () => T0 + 1000 });
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(calls).toBe(1);
    expect(ra.cachedAgeS).toBeUndefined();
    expect(rb.cachedAgeS).toBe(1);
  });

  test.skipIf(process.getuid?.() === 0)('a cache dir that cannot be written costs a measurement, never the figure', async () => {
    const cacheRoot = root();
    chmodSync(cacheRoot, 0o500);
    const { calls, measure } = counting(native);
    expect((await cachedBandwidth({ cacheRoot, measure, now: () => T0 })).gbPerSec).toBe(10.9);
    expect(calls.n).toBe(1);
  });

  test('a cache root that is a file (no lock, no writes) still yields a measured figure', async () => {
    const file = path.join(root(), 'not-a-dir');
    writeFileSync(file, '');
    const { calls, measure } = counting(native);
    expect((await cachedBandwidth({ cacheRoot: file, measure, now: () => T0 })).gbPerSec).toBe(10.9);
    expect(calls.n).toBe(1);
  });
});

describe('readCachedBandwidth refuses what it cannot vouch for', () => {
  const inputs = bandwidthKeyInputs({ CC: 'cc' });
  function fileWith(entry: unknown): string {
    const f = bandwidthCacheFile(root(), inputs);
    writeFileSync(f, typeof entry === 'string' ? entry : JSON.stringify(entry));
    return f;
  }
  const good = { inputs, measuredAt: new Date(T0).toISOString(), bandwidth: native };

  test('a good entry is served; each broken one is not', () => {
    expect(readCachedBandwidth(fileWith(good), inputs, T0 + 60_000)?.cachedAgeS).toBe(60);
    expect(readCachedBandwidth(path.join(root(), 'missing.json'), inputs, T0)).toBeNull();
    expect(readCachedBandwidth(fileWith('{"inputs": {'), inputs, T0)).toBeNull();
    // another machine's, kernel's or probe's figure
    for (const k of Object.keys(inputs)) expect(readCachedBandwidth(fileWith({ ...good, inputs: { ...inputs, [k]: `${inputs[k]}x` } }), inputs, T0), k).toBeNull();
    expect(readCachedBandwidth(fileWith({ ...good, bandwidth: fallback }), inputs, T0)).toBeNull();
    for (const gbPerSec of [0, -1, Number.NaN, '10.9', null]) expect(readCachedBandwidth(fileWith({ ...good, bandwidth: { ...native, gbPerSec } }), inputs, T0), String(gbPerSec)).toBeNull();
    expect(readCachedBandwidth(fileWith({ ...good, bandwidth: { ...native, method: undefined } }), inputs, T0)).toBeNull();
    // measured "in the future" (a clock that went back): its age cannot be trusted
    expect(readCachedBandwidth(fileWith(good), inputs, T0 - 1)).toBeNull();
    expect(readCachedBandwidth(fileWith({ ...good, measuredAt: 'yesterday' }), inputs, T0)).toBeNull();
    expect(readCachedBandwidth(fileWith({ ...good, measuredAt: undefined }), inputs, T0)).toBeNull();
  });

  test('the key follows what decides the figure', () => {
    expect(bandwidthKeyInputs({ CC: 'clang' }).compiler).toBe('clang');
    const a = bandwidthKeyInputs({}, 'model name\t: CPU A\nflags\t: avx2\n');
    const b = bandwidthKeyInputs({}, 'model name\t: CPU B\nflags\t: avx2\n');
    expect(a.cpu).toMatch(/^CPU A \(/);
    expect(bandwidthCacheFile('/r', a)).not.toBe(bandwidthCacheFile('/r', b));
    expect(bandwidthCacheFile('/r', a)).toBe(bandwidthCacheFile('/r', { ...a }));
    expect(JSON.parse(readFileSync(fileWith(good), 'utf8')).inputs).toEqual(inputs);
  });
});

describe('the roofline names a kept bandwidth and its age', () => {
  const base = { bandwidthGbPerSec: 10, bandwidthKind: 'native' as const, llcBytes: null, bytesPerToken: 1e8, bytesFrom: 'gguf' as const, bytesBasis: 'tensors' };

  test('kept: said after the bound; measured this run: nothing added', () => {
    const kept = decodeRoofline({ ...base, measuredTps: 150, bandwidthAgeS: 7200 });
    expect(kept.boundReason).toMatch(/^DRAM roofline: 10\.0 GB\/s \(native STREAM triad\) ÷ 100\.0 MB read per token \(tensors\); the bandwidth was measured 2\.0 h before this run and kept in the cache$/);
    expect(kept.efficiencyReason).toMatch(/the bandwidth, measured 2\.0 h before this run, read low/);
    const now = decodeRoofline({ ...base, measuredTps: 150 });
    expect(now.boundReason).toBe('DRAM roofline: 10.0 GB/s (native STREAM triad) ÷ 100.0 MB read per token (tensors)');
    expect(now.efficiencyReason).toMatch(/measured once when the run started, read low/);
  });

  test('ages in words', () => {
    expect([40_000, 89_000, 90_000, 12 * 60_000, 90 * 60_000, 47 * 3600_000, 48 * 3600_000, MAX_AGE_MS].map(formatAge)).toEqual(['40 s', '89 s', '2 min', '12 min', '1.5 h', '47.0 h', '2.0 days', '7.0 days']);
  });
});
