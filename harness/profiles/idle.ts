import { setTimeout as sleep } from 'node:timers/promises';
import type { Workload } from './run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from './window.ts';

/** A loaded server that receives no requests: what an always-on service costs while nobody uses it. */
export const idleWorkload: Workload = async ({ plan, sampler, log }) => {
  const { settle_s, duration_s } = plan.config.profiles.idle;
  await sleep(settle_s * 1000);
  const from = performance.now();
  log(`measuring idle for ${duration_s} s`);
  await sleep(duration_s * 1000);
  sampler.tick();
  const to = performance.now();
  const all = sampler.snapshot();
  return resourceMetrics(rowsIn(all, from, to), all, sampler.missingSensors(), bootstrapOptions(plan));
};
