import { expect, test } from 'vitest';
import { foregroundTask, measureForeground, timerLateness } from '../../harness/analysis/invisibility.ts';

test('timer lateness: one non-negative value per timer that fits in the duration', async () => {
  const { latenessMs } = await timerLateness({ intervalMs: 10, durationMs: 200 });
  // 20 at most; late timers on a busy machine leave room for fewer (2 at load 11), but the first deadline always
  // fits. No assertion on how late they are.
  expect(latenessMs.length).toBeGreaterThanOrEqual(1);
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
