import { describe, expect, test } from 'vitest';
import { parseLlamaBenchJson, type LlamaBenchRun } from '../../harness/llama/bench.ts';
import { failed, ok } from '../../harness/measurement/schema.ts';
import { benchMedian, servingOverhead } from '../../harness/profiles/interactive/serving-overhead.ts';

// Trimmed from `llama-bench -m tiny-Q4_K_M.gguf -t 1 -p 0 -n 128 -r 3 -o json` (llama.cpp de3ff81).
const OUTPUT = `[
  {
    "build_commit": "de3ff81", "build_number": 1, "n_threads": 1, "n_prompt": 0, "n_gen": 128, "n_depth": 0,
    "avg_ns": 171070948, "stddev_ns": 44115415, "avg_ts": 778.985833, "stddev_ts": 179.558832,
    "samples_ns": [ 221244188, 138358426, 153610230 ],
    "samples_ts": [ 578.546, 925.133, 833.278 ]
  }
]`;

const RUN: LlamaBenchRun = { ...parseLlamaBenchJson(OUTPUT), repetitions: 3, command: 'llama-bench …' };

describe('llama-bench output', () => {
  test('the tg test: mean tok/s, each repetition, threads, build', () => {
    expect(parseLlamaBenchJson(OUTPUT)).toEqual({ tps: 778.985833, samplesTps: [578.546, 925.133, 833.278], nGen: 128, threads: 1, buildCommit: 'de3ff81' });
  });
  test('no JSON, or no decode test, is an error', () => {
    expect(() => parseLlamaBenchJson('error: failed to load model')).toThrow(/no JSON/);
    expect(() => parseLlamaBenchJson('[{"n_prompt": 512, "n_gen": 0, "avg_ts": 2000}]')).toThrow(/no decode/);
  });
});

describe('serving overhead', () => {
  test('server 700 tok/s against llama-bench 833 (the median repetition): 16.0 % lost to serving, 0.84×', () => {
    const m = servingOverhead(ok(700, 'tok/s'), { run: RUN }, 'de3ff81');
    expect(m.llama_bench_decode_tps).toMatchObject({ status: 'ok', value: 833.278 });
    expect(m.serving_overhead_pct!.value).toBeCloseTo((1 - 700 / 833.278) * 100, 10);
    expect(m.serving_overhead_pct!.reason).toMatch(/0\.84× the 833\.3 tok\/s of llama-bench tg128, 1 thread\(s\), the same file and build, median of 3/);
  });

  test("the server side is the median of its requests when the metric carries its distribution", () => {
    const server = { ...ok(700, 'tok/s'), stats: { n: 3, mean: 700, median: 750, sd: 1, cv: 0, min: 600, max: 750, p50: 750, p95: 750, p99: 750 } };
    expect(servingOverhead(server, { run: RUN }, 'de3ff81').serving_overhead_pct!.value).toBeCloseTo((1 - 750 / 833.278) * 100, 10);
  });

  test('benchMedian: the middle repetition, the mean of the middle two, avg_ts without samples', () => {
    expect(benchMedian({ ...RUN, samplesTps: [3, 1, 2] })).toBe(2);
    expect(benchMedian({ ...RUN, samplesTps: [4, 1, 2, 3] })).toBe(2.5);
    expect(benchMedian({ ...RUN, samplesTps: [] })).toBe(RUN.tps);
  });
  test('a server faster than llama-bench reads as a negative overhead, not hidden', () => {
    expect(servingOverhead(ok(900, 'tok/s'), { run: RUN }, 'de3ff815ea7d').serving_overhead_pct!.value!).toBeLessThan(0);
  });
  test('another build, no llama-bench, a failed llama-bench, no server figure: never a number', () => {
    expect(servingOverhead(ok(700, 'tok/s'), { run: RUN }, 'abc1234').serving_overhead_pct).toMatchObject({ status: 'skipped', value: null });
    expect(servingOverhead(ok(700, 'tok/s'), { skipped: 'no llama-bench' }, 'de3ff81').llama_bench_decode_tps).toMatchObject({ status: 'skipped', reason: 'no llama-bench' });
    expect(servingOverhead(ok(700, 'tok/s'), { error: 'exited 1' }, 'de3ff81').serving_overhead_pct).toMatchObject({ status: 'error', reason: 'llama-bench failed: exited 1' });
    const none = servingOverhead(failed('tok/s', 'no successful requests: HTTP 500'), { run: RUN }, 'de3ff81');
    expect(none.serving_overhead_pct).toMatchObject({ status: 'error' });
    expect(none.serving_overhead_pct!.reason).toMatch(/HTTP 500/);
    expect(none.llama_bench_decode_tps!.status).toBe('ok');
  });
});
