// Failed requests count: they are never dropped from the latency percentiles, and "every request failed" is an
// error, never a zero or a percentile of nothing.
import type { Metric } from '../../harness/measurement/schema.ts';
import { describe, expect, test } from 'vitest';
import type { RequestRecord } from '../../harness/client/completion.ts';
import { ok, skipped } from '../../harness/measurement/schema.ts';
import { levelFigures } from '../../harness/profiles/concurrency/workload.ts';
import { requestMetrics } from '../../harness/profiles/interactive/workload.ts';
import { usableContext } from '../../harness/profiles/long-context/workload.ts';

const BOOT = { resamples: 200, level: 0.95, seed: 1 };

function answered(e2eS: number): RequestRecord {
  return {
    ok: true, error: null, startedAt: 0, promptTokens: 5, text: 'x', stopType: 'limit',
    timings: { prompt_n: 5, prompt_ms: 10, prompt_per_second: 500, predicted_n: 10, predicted_ms: 100, predicted_per_second: 100 },
    ttftMs: 100, e2eMs: e2eS * 1000, itlMs: [10, 10], outputTokens: 10, tpotMs: 10, decodeTps: 100, decodeNote: null,
  };
}
function timedOut(): RequestRecord {
  return { ...answered(0), ok: false, error: 'no complete answer within 60 s', timings: null, ttftMs: null, e2eMs: null, itlMs: [], outputTokens: 0, tpotMs: null, decodeTps: null };
}

describe('interactive request metrics', () => {
  test('a timed-out request counts in p95 latency and TTFT as the timeout, not as nothing', () => {
    const m = requestMetrics([...Array.from({ length: 19 }, () => answered(1)), timedOut()], BOOT, 60);
    // type 7 over nineteen 1 s and one 60 s: h = 19 × 0.95 = 18.05 → 1 + 0.05 × 59 = 3.95 s (over a 2.5 s budget)
    expect(m.latency_p95_s!.value).toBeCloseTo(3.95, 10);
    expect(m.latency_p95_s!.reason).toMatch(/1 failed request\(s\) counted as the 60 s timeout/);
    expect(m.ttft_p95_s!.value).toBeCloseTo(0.1 + 0.05 * 59.9, 10);
    expect(m.latency_p50_s!.value).toBe(1);
    expect(m.requests_failed).toMatchObject({ status: 'ok', value: 1 });
    // speeds come from the answered requests only
    expect(m.decode_tps_mean!.value).toBe(100);
  });

  test('a failed request that streamed a first token keeps its real TTFT', () => {
    const broken = { ...timedOut(), error: 'the stream ended before the server said it was done', ttftMs: 250 };
    const m = requestMetrics([answered(1), broken], BOOT, 60);
    expect(m.ttft_p50_s!.value).toBeCloseTo((0.1 + 0.25) / 2, 10);
    expect(m.latency_p99_s!.value).toBeCloseTo(1 + 0.99 * 59, 10);
  });

  test('every request failed: every figure is an error naming the first error; the failure count is still a count', () => {
    const m = requestMetrics([timedOut(), timedOut()], BOOT, 60);
    for (const k of ['ttft_p50_s', 'ttft_p95_s', 'latency_p50_s', 'latency_p95_s', 'latency_p99_s', 'latency_p99_over_p50', 'itl_p99_ms', 'decode_tps_mean', 'server_decode_tps_mean', 'prefill_tps_mean']) {
      expect((m as Record<string, unknown>)[k], k).toMatchObject({ status: 'error', value: null });
      expect((m as Record<string, Metric>)[k]!.reason, k).toMatch(/no successful requests: no complete answer within 60 s/);
    }
    expect(m.requests_failed).toMatchObject({ status: 'ok', value: 2 });
  });

  test('every request answered but each in one read: the decode speed errs saying so, not "no successful requests"', () => {
    // Seen on a loaded machine: all four 16-token answers of a cell reached the client in one read (TTFT = E2E).
    const inOneRead = { ...answered(0.05), ttftMs: 50, itlMs: [0, 0], tpotMs: null, decodeTps: null, decodeNote: 'the whole answer reached the client in one read' };
    const m = requestMetrics([inOneRead, inOneRead], BOOT, 60);
    for (const k of ['decode_tps', 'decode_tps_mean'] as const) {
      expect(m[k], k).toMatchObject({ status: 'error', value: null });
      expect(m[k]!.reason, k).toBe('none of the 2 successful request(s) had a client-side decode time (the whole answer reached the client in one read)');
    }
    expect(m.requests_failed).toMatchObject({ status: 'ok', value: 0 });
    expect(m.latency_p50_s!.value).toBe(0.05);
    // no gap between reads either: the inter-token latency says so, not "no successful requests" and not 0 ms
    for (const k of ['itl_ms', 'itl_p99_ms'] as const) {
      expect(m[k], k).toMatchObject({ status: 'error', value: null, reason: 'none of the 2 successful request(s) came in more than one read: no gap between reads to measure' });
    }
  });

  test('inter-token latency is the gaps between reads: tokens that came in one read are not 0 ms apart', () => {
    // a starved client: 9 events in 3 reads 10 ms apart after the first; per event that is [10, 0, 0, 0, 10, 0, 0, 0]
    const starved = { ...answered(1), itlMs: [10, 0, 0, 0, 10, 0, 0, 0] };
    const m = requestMetrics([starved, starved], BOOT, 60);
    expect(m.itl_ms).toMatchObject({ status: 'ok', value: 10 });
    expect(m.itl_ms!.stats!.n).toBe(4);
    expect(m.itl_p99_ms).toMatchObject({ status: 'ok', value: 10 });
  });

  test('some answers bunched: the decode speed rests on the others and says how many', () => {
    const bunched = { ...answered(0.05), tpotMs: null, decodeTps: null, decodeNote: 'bunched delivery: 8 events after the first read arrived in 1 read(s), more than 4 per read' };
    const m = requestMetrics([answered(1), bunched, answered(1)], BOOT, 60);
    for (const k of ['decode_tps', 'decode_tps_mean'] as const) {
      expect(m[k], k).toMatchObject({ status: 'ok', value: 100 });
      expect(m[k]!.reason, k).toBe('from 2 of 3 successful requests; 1 had no client-side decode time (bunched delivery)');
    }
    // the spread of the speeds rests on the same two requests, and says so (a narrower spread is not a steadier server)
    expect(m.decode_tps_cv_pct).toMatchObject({ status: 'ok', value: 0, reason: 'from 2 of 3 successful requests; 1 had no client-side decode time (bunched delivery)' });
    expect(requestMetrics([answered(1), answered(1)], BOOT, 60).decode_tps_cv_pct!.reason).toBeUndefined();
  });

  test('no request measured at all is an error, not 0 failures', () => {
    expect(requestMetrics([], BOOT, 60).requests_failed).toMatchObject({ status: 'error', value: null });
  });
});

describe('concurrency level', () => {
  test('every request failed: aggregate tok/s and p95 latency are errors, not ok(0)', () => {
    const level = levelFigures([timedOut(), timedOut()], 2, 12, 60);
    expect(level.aggregate).toMatchObject({ status: 'error', value: null });
    expect(level.aggregate.reason).toMatch(/no request succeeded at 2 client\(s\): no complete answer within 60 s/);
    expect(level.latencyP95).toMatchObject({ status: 'error', value: null });
    expect(level.failed).toBe(2);
  });

  test('a failed request counts in p95 latency as the timeout; tok/s counts the answered tokens over the wall time', () => {
    const level = levelFigures([answered(1), answered(1), answered(1), timedOut()], 2, 4, 60);
    expect(level.aggregate).toMatchObject({ status: 'ok', value: 30 / 4 });
    // type 7 over [1, 1, 1, 60]: h = 3 × 0.95 = 2.85 → 1 + 0.85 × 59
    expect(level.latencyP95.value).toBeCloseTo(1 + 0.85 * 59, 10);
    expect(level.latencyP95.reason).toMatch(/1 failed request\(s\) counted as the 60 s timeout/);
  });
});

describe('long-context usable size', () => {
  const rows = [
    { tokens: 200, ok: 1, ttft_s: 0.5 },
    { tokens: 800, ok: 1, ttft_s: 2 },
    { tokens: 3200, ok: 1, ttft_s: 40 },
  ];
  test('unreadable swap is unknown, not "no growth": skipped, naming what TTFT alone would give', () => {
    const m = usableContext(rows, 30, skipped('MB', 'swap usage unreadable (/proc/meminfo)'));
    expect(m).toMatchObject({ status: 'skipped', value: null });
    expect(m.reason).toMatch(/swap growth unknown \(swap usage unreadable.*by TTFT ≤ 30 s alone it would be 800/);
  });
  test('no swap growth: the largest size answered in time; growth: none is usable', () => {
    expect(usableContext(rows, 30, ok(0, 'MB'))).toMatchObject({ status: 'ok', value: 800 });
    expect(usableContext(rows, 30, ok(3, 'MB'))).toMatchObject({ status: 'error', value: null });
    expect(usableContext([{ tokens: 200, ok: 0, ttft_s: null }], 30, ok(0, 'MB'))).toMatchObject({ status: 'error' });
  });
});
