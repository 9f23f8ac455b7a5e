import { expect, test } from 'vitest';
import { foregroundTask, invisibilityFigures, measureForeground, timerLateness } from '../../harness/analysis/invisibility.ts';

test('timer lateness: one non-negative value per timer that fits in the duration', async () => {
  const { latenessMs } = await timerLateness({ intervalMs: 10, durationMs: 200 });
  // 20 at most; late timers on a busy machine leave room for fewer. No assertion on how late they are.
  expect(latenessMs.length).toBeGreaterThanOrEqual(3);
  expect(latenessMs.length).toBeLessThanOrEqual(20);
  for (const ms of latenessMs) {
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(0);
  }
});

test('timer lateness with a duration shorter than the interval measures nothing', async () => {
  expect((await timerLateness({ intervalMs: 50, durationMs: 10 })).latenessMs).toEqual([]);
  await expect(timerLateness({ intervalMs: 0, durationMs: 10 })).rejects.toThrow(RangeError);
});

test('the foreground task does the same work on every call', () => {
  const a = foregroundTask()();
  const b = foregroundTask()();
  const task = foregroundTask();
  expect(Number.isInteger(a)).toBe(true);
  expect(a).toBeGreaterThan(0);
  expect(b).toBe(a);
  expect(task()).toBe(a);
  expect(task()).toBe(a);
});

test('foreground latency under tinybench', async () => {
  const r = await measureForeground({ timeMs: 200 });
  expect(r.samples).toBeGreaterThan(0);
  expect(r.meanMs).toBeGreaterThan(0);
  expect(r.p99Ms).toBeGreaterThanOrEqual(0);
});

test('invisibility figures: slowdown in % of idle, lateness increase in ms', () => {
  expect(invisibilityFigures({ taskMs: 4, latenessP99Ms: 1.5 }, { taskMs: 5, latenessP99Ms: 6 })).toEqual({
    slowdownPct: 25,
    latenessP99Ms: 6,
    latenessIncreaseMs: 4.5,
  });
  expect(invisibilityFigures({ taskMs: 2, latenessP99Ms: 3 }, { taskMs: 2, latenessP99Ms: 1 })).toEqual({
    slowdownPct: 0,
    latenessP99Ms: 1,
    latenessIncreaseMs: -2,
  });
  expect(() => invisibilityFigures({ taskMs: 0, latenessP99Ms: 0 }, { taskMs: 1, latenessP99Ms: 0 })).toThrow(RangeError);
});

test('the slowdown interval: same distribution straddles 0, a 1.5× slower one sits near +50 %', async () => {
  const { slowdownCi } = await import('../../harness/analysis/invisibility.ts');
  const base = Array.from({ length: 200 }, (_, i) => 10 + (i % 7) * 0.1);
  const same = slowdownCi(base, [...base].reverse(), { resamples: 1000, level: 0.95, seed: 1 })!;
  expect(same.low).toBeLessThan(0);
  expect(same.high).toBeGreaterThan(0);
  const slower = slowdownCi(base, base.map((x) => x * 1.5), { resamples: 1000, level: 0.95, seed: 1 })!;
  expect(slower.low).toBeGreaterThan(45);
  expect(slower.high).toBeLessThan(55);
  expect(slowdownCi([1], [1, 2], { resamples: 10, level: 0.95, seed: 1 })).toBeNull();
});
