import { setTimeout as sleep } from 'node:timers/promises';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { detectSustainedDrop, tokensPerInterval, type SustainedDrop } from '../../analysis/throttle.ts';
import { rssSlope } from '../../analysis/leak.ts';
import { healthy } from '../../llama/launch.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import type { SampleRow } from '../../sampler/sampler.ts';
import { mean } from '../../stats/summary.ts';
import { startBackgroundLoad } from '../background-load.ts';
import { settingsOf } from '../mode.ts';
import { dataFile, loadPrompts } from '../prompts.ts';
import { inject } from 'vitest';
import { selectedByPattern } from '../../matrix/checkpoint.ts';
import type { SuiteOptions } from '../define-suite.ts';
import type { Workload } from '../run-cell.ts';
import { chooseStressCell } from './cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

// A type alias (not an interface), so a row also fits the measurement's series tables.
type Vitals = {
  t_s: number;
  tps: number;
  cpu_pct: number | null;
  rss_mb: number | null;
  swap_mb: number | null;
  temperature_c: number | null;
  frequency_mhz: number | null;
  healthy: number;
};

function meanOrNull(xs: number[]): number | null {
  return xs.length > 0 ? mean(xs) : null;
}
function pick(rows: SampleRow[], get: (r: SampleRow) => number | null): number[] {
  return rows.map(get).filter((v): v is number => v !== null);
}

/**
 * A soak: continuous generation for `duration_s`, with vitals every `interval_s`. Stops early, with the reason,
 * when the CPU runs hotter than the abort limit, swap grows, or /health stops answering. Throttling is a sustained
 * drop of tok/s (or CPU frequency, where the machine reports it) below the first interval.
 */
export const workload: Workload<'stress'> = async (ctx) => {
  const { plan, sampler, record, log, addSeries } = ctx;
  const settings = settingsOf(plan.config, 'stress');
  const prompts = loadPrompts(dataFile(plan.configFile, plan.config.profiles.interactive.prompts));
  const missing = sampler.missingSensors();
  log(`soaking for ${settings.duration_s} s, vitals every ${settings.interval_s} s`);

  const load = startBackgroundLoad({
    baseUrl: ctx.server.baseUrl,
    prompts,
    maxTokens: settings.max_tokens,
    seed: plan.config.llama.seed,
    timeoutMs: 120_000,
    stopOnError: false,
    onFailure: (r, index) => record({ index, ok: false, error: r.error }),
  });

  const start = performance.now();
  const swapAtStart = sampler.snapshot().at(-1)?.swapUsedMb ?? null;
  const timeline: Vitals[] = [];
  /** Interval boundaries: tok/s is credited per interval once every request that streamed into it has finished. */
  const edges = [start];
  let abortReason: string | null = null;
  let healthFailures = 0;
  let consecutiveHealthFailures = 0;
  while (performance.now() - start < settings.duration_s * 1000) {
    const remaining = settings.duration_s * 1000 - (performance.now() - start);
    await sleep(Math.min(settings.interval_s * 1000, remaining));
    const now = performance.now();
    sampler.tick();
    const window = rowsIn(sampler.snapshot(), edges.at(-1)!, now);
    edges.push(now);
    // So far only the requests that finished: the one in flight is credited when it ends.
    const tpsSoFar = tokensPerInterval(load.tokenArrivals(), edges.slice(-2))[0]! / ((now - edges.at(-2)!) / 1000);
    // A busy server on a loaded machine may take a while to answer; unhealthy means no answer at all.
    const alive = await healthy(ctx.server.baseUrl, 5000);
    if (!alive) healthFailures++;
    consecutiveHealthFailures = alive ? 0 : consecutiveHealthFailures + 1;
    const temperature = pick(window, (r) => r.temperatureC);
    const swap = pick(window, (r) => r.swapUsedMb);
    const row: Vitals = {
      t_s: (now - start) / 1000,
      tps: tpsSoFar,
      cpu_pct: meanOrNull(pick(window, (r) => r.cpuMachinePct)),
      rss_mb: pick(window, (r) => r.rssMb).at(-1) ?? null,
      swap_mb: swap.at(-1) ?? null,
      temperature_c: temperature.length > 0 ? Math.max(...temperature) : null,
      frequency_mhz: meanOrNull(pick(window, (r) => r.frequencyMhz)),
      healthy: alive ? 1 : 0,
    };
    timeline.push(row);
    log(
      `t=${row.t_s.toFixed(0)} s: ≥ ${tpsSoFar.toFixed(1)} tok/s so far (the request in flight is counted when it ends), CPU ${row.cpu_pct?.toFixed(0) ?? '?'} %, RSS ${row.rss_mb?.toFixed(0) ?? '?'} MB` +
        (row.temperature_c !== null ? `, ${row.temperature_c.toFixed(0)} °C` : '') +
        (row.frequency_mhz !== null ? `, ${row.frequency_mhz.toFixed(0)} MHz` : ''),
    );
    if (row.temperature_c !== null && row.temperature_c > settings.abort_temperature_c) {
      abortReason = `CPU temperature ${row.temperature_c.toFixed(0)} °C above the abort limit of ${settings.abort_temperature_c} °C`;
    } else if (swapAtStart !== null && row.swap_mb !== null && row.swap_mb > swapAtStart) {
      abortReason = `swap grew by ${(row.swap_mb - swapAtStart).toFixed(1)} MB`;
    } else if (consecutiveHealthFailures >= 2) {
      abortReason = '/health stopped answering (two checks in a row)';
    }
    if (abortReason) {
      log(`aborting the soak: ${abortReason}`);
      break;
    }
  }
  const { requests, failures, firstError } = await load.stop();
  const end = performance.now();
  // Every request has finished now: each interval gets the tokens that streamed in during it.
  const tokens = tokensPerInterval(load.tokenArrivals(), edges);
  timeline.forEach((row, i) => {
    row.tps = tokens[i]! / ((edges[i + 1]! - edges[i]!) / 1000);
    record({ vitals: row });
  });
  addSeries('timeline', timeline);

  const all = sampler.snapshot();
  const metrics: ProfileMetrics<'stress'> = resourceMetrics(rowsIn(all, start, end), all, missing, bootstrapOptions(plan));
  const elapsed = (end - start) / 1000;
  metrics.stress_duration_s = ok(elapsed, 's');
  metrics.aborted = ok(abortReason ? 1 : 0, 'yes/no');
  if (abortReason) metrics.aborted.reason = abortReason;
  metrics.health_failures = ok(healthFailures, 'checks');
  metrics.requests_failed = ok(failures, 'requests');
  const streamed = tokens.reduce((a, b) => a + b, 0);
  const noTokens = streamed === 0 ? `no tokens streamed in ${requests} request(s)${firstError ? `: ${firstError}` : ''}` : null;
  const meanTps = meanOrNull(timeline.map((r) => r.tps).filter((v) => Number.isFinite(v)));
  metrics.decode_tps_mean = noTokens ? failed('tok/s', noTokens) : meanTps !== null ? ok(meanTps, 'tok/s') : skipped('tok/s', 'no interval completed');

  const drop = { baselineSec: settings.interval_s, dropPct: settings.throttle_drop_pct, sustainSec: 2 * settings.interval_s };
  const tpsDrop = detectSustainedDrop(timeline.map((r) => ({ tSec: r.t_s, value: r.tps })), drop);
  const freqDrop: SustainedDrop | null = missing.frequency ? null : detectSustainedDrop(timeline.filter((r) => r.frequency_mhz !== null).map((r) => ({ tSec: r.t_s, value: r.frequency_mhz! })), drop);
  metrics.tps_drop_pct = noTokens
    ? failed('%', noTokens)
    : tpsDrop.baseline && tpsDrop.worst !== null
      ? ok(Math.max(0, ((tpsDrop.baseline - tpsDrop.worst) / tpsDrop.baseline) * 100), '%')
      : skipped('%', tpsDrop.reason);
  const throttled = tpsDrop.throttled || (freqDrop?.throttled ?? false);
  const tooShort = /^too short/.test(tpsDrop.reason) && !tpsDrop.throttled;
  // Without tokens there is no tok/s to drop: "not throttled" would be a guess (a frequency drop still counts).
  metrics.throttled =
    noTokens && !freqDrop?.throttled ? failed('yes/no', `tok/s: ${noTokens}`) : tooShort ? skipped('yes/no', `tok/s: ${tpsDrop.reason}`) : ok(throttled ? 1 : 0, 'yes/no');
  metrics.throttled.reason = [`tok/s: ${noTokens ?? tpsDrop.reason}`, freqDrop ? `frequency: ${freqDrop.reason}` : `frequency: ${missing.frequency}`].join('; ');
  const rssPoints = timeline.filter((r) => r.rss_mb !== null).map((r) => ({ tSec: r.t_s, rssMb: r.rss_mb! }));
  const slope = rssSlope(rssPoints);
  metrics.rss_slope_mb_per_h =
    slope && elapsed >= 60 ? ok(slope.mbPerHour, 'MB/h') : skipped('MB/h', elapsed < 60 ? `a ${elapsed.toFixed(0)} s soak is too short to extrapolate a slope per hour` : 'needs three vitals readings');
  log(`${requests} requests, ${meanTps?.toFixed(1) ?? '?'} tok/s mean; throttling: ${throttled ? 'yes' : 'no'} (${tpsDrop.reason})`);
  return metrics;
};

/** One cell only: the configured one, else the planner's pick among the cells a `-t` filter keeps. */
export const suite: SuiteOptions = {
  onlyCell: (plan) => {
    const pattern = inject('namePattern');
    const filter = pattern ? new RegExp(pattern.source, pattern.flags) : undefined;
    return chooseStressCell(plan, settingsOf(plan.config, 'stress'), (id) => selectedByPattern(filter, id, ['runs to completion']));
  },
};
