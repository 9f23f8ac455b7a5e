import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeEfficiency, decodeRoofline, decodeUpperBound, measureMemoryBandwidth } from '../../harness/analysis/roofline.ts';
import { arrayBytesFor, measureBandwidth, parseCacheSize, parseTriadOutput } from '../../harness/bandwidth/measure.ts';
import type { Plan, PlannedCell } from '../../harness/plan.ts';
import { rooflineMetrics } from '../../harness/profiles/interactive/workload.ts';
import { ok } from '../../harness/measurement/schema.ts';

test('memory bandwidth (JavaScript): a finite positive figure and a description of the method', () => {
  const r = measureMemoryBandwidth({ bytes: 8e6, repeats: 2 });
  expect(Number.isFinite(r.gbPerSec)).toBe(true);
  expect(r.gbPerSec).toBeGreaterThan(0);
  expect(r.method).toMatch(/STREAM triad/);
  expect(r.method).toMatch(/3 × 2\.7 MB Float64Array, best of 2/);
});

test('memory bandwidth rejects a working set too small for one element per array and no repeats', () => {
  expect(() => measureMemoryBandwidth({ bytes: 8 })).toThrow(RangeError);
  expect(() => measureMemoryBandwidth({ bytes: 8e3, repeats: 0 })).toThrow(RangeError);
});

test('decode bound: bandwidth ÷ bytes per token', () => {
  expect(decodeUpperBound(20, 2e9)).toBeCloseTo(10, 10);
  expect(decodeUpperBound(50, 4.1e9)).toBeCloseTo(50 / 4.1, 10);
  expect(decodeUpperBound(0, 1e9)).toBe(0);
  expect(() => decodeUpperBound(20, 0)).toThrow(RangeError);
  expect(() => decodeUpperBound(Number.NaN, 1e9)).toThrow(RangeError);
});

test('decode efficiency: measured ÷ bound, null without a bound', () => {
  expect(decodeEfficiency(4, 10)).toBeCloseTo(0.4, 10);
  expect(decodeEfficiency(0, 10)).toBe(0);
  expect(decodeEfficiency(4, 0)).toBeNull();
  expect(decodeEfficiency(4, -1)).toBeNull();
});

describe('decodeRoofline: over 100 % never goes unexplained', () => {
  const base = { bandwidthGbPerSec: 10, bandwidthKind: 'native' as const, llcBytes: 105 * 1024 * 1024, bytesFrom: 'gguf' as const, bytesBasis: 'every tensor once' };

  test('a 1 GB model at 4 tok/s on 10 GB/s: 40 % of a 10 tok/s roofline, no excuse needed', () => {
    const r = decodeRoofline({ ...base, bytesPerToken: 1e9, measuredTps: 4 });
    expect(r.boundTps).toBeCloseTo(10, 10);
    expect(r.efficiencyPct).toBeCloseTo(40, 10);
    expect(r.boundReason).toMatch(/DRAM roofline: 10\.0 GB\/s \(native STREAM triad\) ÷ 1000\.0 MB read per token/);
    expect(r.efficiencyReason).not.toMatch(/Above 100/);
  });

  test('bytes per token that fit in the last-level cache: above 100 %, and the reason says the cache served it', () => {
    const r = decodeRoofline({ ...base, bytesPerToken: 14e6, measuredTps: 1000 });
    expect(r.efficiencyPct!).toBeGreaterThan(100);
    expect(r.efficiencyReason).toMatch(/Above 100 % because the 14\.0 MB a token reads fit in the 105 MiB last-level cache/);
  });

  test('the JavaScript fallback and a file-size count are named as causes', () => {
    const r = decodeRoofline({ ...base, llcBytes: null, bandwidthKind: 'javascript', bytesFrom: 'file', bytesPerToken: 1e9, measuredTps: 20 });
    expect(r.efficiencyReason).toMatch(/one-thread JavaScript fallback, a lower bound/);
    expect(r.efficiencyReason).toMatch(/file size \(no GGUF metadata\)/);
  });

  test('above 100 % with none of the known causes: the bandwidth figure is called low', () => {
    const r = decodeRoofline({ ...base, bytesPerToken: 1e9, measuredTps: 12 });
    expect(r.efficiencyReason).toMatch(/Above 100 % because the bandwidth, measured once when the run started, read low/);
  });

  test('no measured speed: a bound, no share', () => {
    expect(decodeRoofline({ ...base, bytesPerToken: 1e9, measuredTps: null }).efficiencyPct).toBeNull();
  });
});

describe('interactive roofline metrics', () => {
  const plan = (bandwidth: Plan['bandwidth']) => ({ bandwidth }) as Plan;
  const planned = {
    model: { path: 'm.gguf', sha256: 'x', bytes: 70e6, metadata: { decodeBytesPerToken: 45e6, decodeBytesBasis: '45.0 MB: every tensor once, but one row of token_embd.weight (32000 rows)' } },
  } as unknown as PlannedCell;

  test('counts the bytes a token reads (one embedding row), not the file, and uses decodeEfficiency', () => {
    const m = rooflineMetrics(plan({ gbPerSec: 9, method: 'x', kind: 'native', threads: 2, llcBytes: 32 * 1024 * 1024 }), planned, ok(150, 'tok/s'));
    expect(m.decode_bound_tps!.value).toBeCloseTo(9e9 / 45e6, 10);
    expect(m.decode_bound_tps!.reason).toMatch(/45\.0 MB read per token \(45\.0 MB: every tensor once, but one row of token_embd/);
    expect(m.decode_efficiency_pct!.value).toBeCloseTo((150 / 200) * 100, 10);
  });

  test('no bandwidth, or no decode speed: errors with the reason', () => {
    expect(rooflineMetrics(plan({ error: 'boom' }), planned, ok(1, 'tok/s')).decode_bound_tps).toMatchObject({ status: 'error', reason: 'the memory-bandwidth measurement failed: boom' });
    const m = rooflineMetrics(plan({ gbPerSec: 9, method: 'x', kind: 'native', threads: 2, llcBytes: null }), planned, { value: null, unit: 'tok/s', status: 'error', reason: 'no successful requests' });
    expect(m.decode_efficiency_pct).toMatchObject({ status: 'error' });
    expect(m.decode_efficiency_pct!.reason).toMatch(/no successful requests/);
  });
});

describe('native bandwidth', () => {
  test('sysfs cache sizes, and arrays of 4 × the last-level cache within an eighth of free memory', () => {
    expect(parseCacheSize('107520K\n')).toBe(107520 * 1024);
    expect(parseCacheSize('32M')).toBe(32 * 1024 * 1024);
    expect(parseCacheSize('nonsense')).toBeNull();
    expect(arrayBytesFor(105 * 1024 * 1024, 24e9)).toBe(420 * 1024 * 1024);
    expect(arrayBytesFor(null, 24e9)).toBe(32 * 1024 * 1024);
    expect(arrayBytesFor(105 * 1024 * 1024, 800 * 1024 * 1024)).toBe(100 * 1024 * 1024);
  });

  test('triad output: one figure per thread count; nothing usable throws', () => {
    expect(parseTriadOutput('{"threads":2,"array_bytes":100,"repetitions":3,"best_s":0.1,"gb_per_s":7.5}\n{"threads":1,"array_bytes":100,"repetitions":3,"best_s":0.1,"gb_per_s":6}\n')).toEqual([
      { threads: 2, arrayBytes: 100, repetitions: 3, gbPerSec: 7.5 },
      { threads: 1, arrayBytes: 100, repetitions: 3, gbPerSec: 6 },
    ]);
    expect(() => parseTriadOutput('')).toThrow(/no usable figure/);
    expect(() => parseTriadOutput('{"threads":1,"array_bytes":1,"repetitions":1,"best_s":0,"gb_per_s":0}')).toThrow(/no usable figure/);
  });

  test.skipIf(process.platform !== 'linux')('compiles the C triad with the machine compiler and runs it on native threads', async () => {
    const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'triad-'));
    const r = await measureBandwidth({ cacheRoot, arrayBytes: 8 * 1024 * 1024, repetitions: 2 });
    expect(r.kind).toBe('native');
    expect(r.gbPerSec).toBeGreaterThan(0);
    expect(r.method).toMatch(/STREAM triad a\[i\] = b\[i\] \+ s·c\[i\] in C \(.+; -O\d/);
    expect(r.method).toMatch(/GB\/s on 1 thread/);
  });

  test('without a compiler the JavaScript figure stands in, named as the fallback and why', async () => {
    const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'triad-'));
    const r = await measureBandwidth({ cacheRoot, arrayBytes: 2 * 1024 * 1024, repetitions: 1, env: { ...process.env, CC: '/nonexistent/cc' } });
    expect(r.kind).toBe('javascript');
    expect(r.threads).toBe(1);
    expect(r.method).toMatch(/^fallback, STREAM triad .* JavaScript .*: a lower bound on what llama\.cpp's native threads draw \(the native triad could not run: no C compiler/);
  });
});
