import { setTimeout as sleep } from 'node:timers/promises';
import type { Workload } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

/** A loaded server that receives no requests: what an always-on service costs while nobody uses it. */
export const workload: Workload<'idle'> = async ({ plan, sampler, log, serverLost }) => {
  const { settle_s, duration_s } = plan.config.profiles.idle;
  // Nothing is asked of the server, so nothing else would notice it die: each wait ends early if it does.
  const wait = async (ms: number) => {
    const lost = await Promise.race([sleep(ms).then(() => null), serverLost]);
    if (lost) throw new Error(lost);
  };
  await wait(settle_s * 1000);
  const from = performance.now();
  log(`measuring idle for ${duration_s} s`);
  await wait(duration_s * 1000);
  sampler.tick();
  const to = performance.now();
  const all = sampler.snapshot();
  return resourceMetrics(rowsIn(all, from, to), all, sampler.missingSensors(), bootstrapOptions(plan));
};
