import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { failed, ok, type Metric } from '../../measurement/schema.ts';
import { startBackgroundLoad } from '../background-load.ts';
import { startProbe, type PhaseResult } from './probe-process.ts';
import { dataFile, loadPrompts } from '../prompts.ts';
import type { Workload } from '../run-cell.ts';
import { geometricMean, logMeanInterval } from '../../stats/interval.ts';
import { mean, percentile, sortSamples, summarize } from '../../stats/summary.ts';
import { bootstrapOptions, resourceMetrics, rowsIn, withInterval } from '../window.ts';

export const workload: Workload<'invisibility'> = async ({ plan, server, sampler, log, addSeries }) => {
  const settings = plan.config.profiles.invisibility;
  const prompts = loadPrompts(dataFile(plan.configFile, plan.config.profiles.interactive.prompts));
  const probe = startProbe((settings.foreground_ms + settings.lateness_ms) * 4 + 30_000);
  try {
    // Right after /health the server may still be touching its weights: let it settle, as the idle profile does.
    await sleep(plan.config.profiles.idle.settle_s * 1000);
    // A first, discarded round lets the probe's JIT settle, so the first measured phase is not the slow one.
    await probe.measure(Math.min(settings.foreground_ms, 500), Math.min(settings.lateness_ms, 200));

    let requests = 0;
    let firstError: string | null = null;
    const startLoad = () => {
      const load = startBackgroundLoad({
        baseUrl: server.baseUrl,
        prompts,
        maxTokens: settings.max_tokens,
        seed: plan.config.llama.seed,
        timeoutMs: plan.config.profiles.interactive.request_timeout_s * 1000,
        stopOnError: true,
      });
      return async () => {
        const ended = await load.stop();
        requests += ended.requests;
        firstError ??= ended.firstError;
      };
    };

    // Idle and active phases alternate, idle first and last (A B A … B A), so a drift of the machine over the cell
    // (or an idle CPU that is slow to wake) weighs on both sides alike instead of reading as slowdown.
    const idle: PhaseResult[] = [];
    const active: PhaseResult[] = [];
    const windows: [number, number][] = [];
    for (let round = 0; round < settings.rounds; round++) {
      log(`round ${round + 1}/${settings.rounds}: probing with the server idle, then while it decodes`);
      idle.push(await probe.measure(settings.foreground_ms, settings.lateness_ms));
      const stopLoad = startLoad();
      // Let decoding get going before the probe starts.
      await sleep(300);
      const from = performance.now();
      active.push(await probe.measure(settings.foreground_ms, settings.lateness_ms));
      windows.push([from, performance.now()]);
      await stopLoad();
      if (firstError) break;
      // The server's threads wind down after a request; the next idle phase starts once they have.
      await sleep(500);
    }
    if (!firstError) idle.push(await probe.measure(settings.foreground_ms, settings.lateness_ms));

    sampler.tick();
    const rows = sampler.snapshot();
    const inWindows = windows.flatMap(([from, to]) => rowsIn(rows, from, to));
    const resources = resourceMetrics(inWindows, rows, sampler.missingSensors(), bootstrapOptions(plan));
    if (firstError) {
      const why = `the background load failed: ${firstError}`;
      return { ...resources, foreground_slowdown_pct: failed('%', why), timer_lateness_p99_ms: failed('ms', why) };
    }
    const idleTask = idle.flatMap((p) => p.foregroundMs);
    const activeTask = active.flatMap((p) => p.foregroundMs);
    const idleLate = idle.flatMap((p) => p.latenessMs);
    const activeLate = active.flatMap((p) => p.latenessMs);
    const metrics: ProfileMetrics<'invisibility'> = { ...resources, background_requests: ok(requests, 'requests') };
    metrics.foreground_idle_ms = ok(mean(idleTask), 'ms');
    metrics.foreground_active_ms = ok(mean(activeTask), 'ms');
    if (idleLate.length === 0 || activeLate.length === 0) {
      metrics.timer_lateness_p99_ms = failed('ms', 'the timer probe recorded no samples');
      metrics.timer_lateness_idle_p99_ms = failed('ms', 'the timer probe recorded no samples');
    } else {
      metrics.timer_lateness_p99_ms = ok(percentile(sortSamples(activeLate), 0.99), 'ms');
      metrics.timer_lateness_idle_p99_ms = ok(percentile(sortSamples(idleLate), 0.99), 'ms');
    }
    // Phases vary more between each other than samples within one (the machine drifts), so the figure and its
    // interval come from the rounds: each round's foreground time over the idle phases around it. Ratios multiply,
    // so they are averaged geometrically and their interval is a t-interval on the logs (harness/stats/interval.ts).
    const roundRatios = active.map((a, i) => mean(a.foregroundMs) / mean([...idle[i]!.foregroundMs, ...idle[i + 1]!.foregroundMs]));
    const roundSlowdowns = roundRatios.map((r) => (r - 1) * 100);
    const slowdown = (geometricMean(roundRatios) - 1) * 100;
    const interval = logMeanInterval(roundRatios, plan.config.verdicts.confidence);
    const asPct = interval.ci ? { ...interval, ci: { ...interval.ci, low: (interval.ci.low - 1) * 100, high: (interval.ci.high - 1) * 100 } } : interval;
    metrics.foreground_slowdown_pct = withInterval(ok(slowdown, '%', summarize(roundSlowdowns) ?? undefined), asPct);
    addSeries(
      'invisibility_rounds',
      active.map((a, i) => ({
        round: i + 1,
        slowdown_pct: roundSlowdowns[i]!,
        active_ms: mean(a.foregroundMs),
        idle_ms: mean([...idle[i]!.foregroundMs, ...idle[i + 1]!.foregroundMs]),
        probe_cpu_share_pct: a.cpuSharePct,
        lateness_p99_ms: a.latenessMs.length > 0 ? percentile(sortSamples(a.latenessMs), 0.99) : null,
      })),
    );
    metrics.foreground_cpu_share_idle_pct = ok(mean(idle.map((p) => p.cpuSharePct)), '% of a core');
    metrics.foreground_cpu_share_active_pct = ok(mean(active.map((p) => p.cpuSharePct)), '% of a core');
    const perRound = roundSlowdowns.map((x) => x.toFixed(1));
    log(
      `foreground slowdown ${slowdown.toFixed(1)} % (per round: ${perRound.join(', ')} %), ` +
        `timer lateness p99 ${metrics.timer_lateness_p99_ms.value?.toFixed(1)} ms (idle ${metrics.timer_lateness_idle_p99_ms.value?.toFixed(1)} ms); ` +
        `the probe got ${metrics.foreground_cpu_share_active_pct.value?.toFixed(0)} % of a core while the server decoded (${metrics.foreground_cpu_share_idle_pct.value?.toFixed(0)} % idle)`,
    );
    return metrics;
  } finally {
    await probe.stop();
  }
};

/** After the cells, one probe session compares cells of the same model file against each other (README, "Invisibility"). */
export { definePairedComparison as afterCells } from './paired-suite.ts';
