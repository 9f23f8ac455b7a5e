import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { streamCompletion, type RequestRecord } from '../../client/completion.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { mean } from '../../stats/summary.ts';
import { readServerLog } from '../../llama/server-log.ts';
import { settingsOf } from '../mode.ts';
import type { Workload, WorkloadContext } from '../run-cell.ts';
import { idleSpin, threadTimes, type IdleSpin } from '../../sampler/threads.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

const PROMPT = 'Write one sentence about keeping a computer quiet while it works.';

/** The client's decode speed of one request, or why there is none (the client's own note: bunched, too fast, one read). */
export function decodeSpeed(r: Pick<RequestRecord, 'ok' | 'error' | 'decodeTps' | 'decodeNote'>): Metric {
  if (!r.ok) return failed('tok/s', `the request failed: ${r.error ?? 'no reason given'}`);
  return r.decodeTps !== null ? ok(r.decodeTps, 'tok/s') : skipped('tok/s', `no client-side decode time: ${r.decodeNote ?? 'no positive time between first and last token'}`);
}

async function ask(ctx: WorkloadContext, label: string): Promise<RequestRecord> {
  const settings = settingsOf(ctx.plan.config, 'wake');
  const r = await streamCompletion(ctx.server.baseUrl, {
    prompt: PROMPT,
    maxTokens: settings.max_tokens,
    seed: ctx.plan.config.llama.seed,
    ignoreEos: true,
    timeoutMs: settings.request_timeout_s * 1000,
  });
  ctx.record({ phase: label, ok: r.ok, error: r.error, ttft_ms: r.ttftMs, e2e_ms: r.e2eMs, decode_tps: r.decodeTps, text: r.text });
  if (!r.ok) throw new Error(`${label} request failed: ${r.error}`);
  return r;
}

/** A thread above this share of a core while nothing is asked of the server is spinning. */
const SPIN_ABOVE_PCT = 5;

/** Per-thread CPU over an idle wait: the busiest thread, which a process mean over many idle threads would hide. */
async function idleThreads(pid: number | null, wait: () => Promise<unknown>): Promise<IdleSpin | null> {
  const before = pid === null ? null : threadTimes(pid);
  await wait();
  const after = pid === null ? null : threadTimes(pid);
  return before && after ? idleSpin(before, after, SPIN_ABOVE_PCT) : null;
}

/** Idle CPU of the server over `seconds` as % of the machine, its RSS, and its busiest thread. */
async function idleWindow(ctx: WorkloadContext, seconds: number): Promise<{ cpu: number | null; rss: number | null; spin: IdleSpin | null }> {
  const from = performance.now();
  const spin = await idleThreads(ctx.server.pid, () => sleep(seconds * 1000));
  ctx.sampler.tick();
  const rows = rowsIn(ctx.sampler.snapshot(), from, performance.now());
  const cpu = rows.map((r) => r.cpuMachinePct).filter((v): v is number => v !== null);
  const rss = rows.map((r) => r.rssMb).filter((v): v is number => v !== null);
  return { cpu: cpu.length ? mean(cpu) : null, rss: rss.length ? mean(rss) : null, spin };
}

const CORE = '% of a core';
const spinMetric = (spin: IdleSpin | null): Metric =>
  spin?.busiestPct != null ? ok(spin.busiestPct, CORE) : failed(CORE, 'no thread of the server could be read before and after the idle wait');
const spinNote = (spin: IdleSpin | null) =>
  spin?.busiestPct != null ? `busiest thread ${spin.busiestPct.toFixed(2)} % of a core (${spin.threads[0]!.name || spin.threads[0]!.thread}), ${spin.busyThreads} thread(s) above ${SPIN_ABOVE_PCT} %` : 'threads unreadable';

const SLEEPING = /entering sleeping state/;

/**
 * What an always-on service costs while nobody uses it, and what the first request after a pause pays: TTFT after
 * idling versus warm, idle CPU at each --poll level, and with --sleep-idle-seconds the RSS asleep against the TTFT
 * of waking it.
 */
export const workload: Workload<'wake'> = async (ctx) => {
  const { plan, sampler, log } = ctx;
  const settings = settingsOf(plan.config, 'wake');
  const metrics: ProfileMetrics<'wake'> = {};
  const series: Record<string, number | null>[] = [];

  await sleep(plan.config.profiles.idle.settle_s * 1000);
  await ask(ctx, 'first');
  const warm = await ask(ctx, 'warm');
  log(`warm TTFT ${warm.ttftMs?.toFixed(1)} ms; idling ${settings.idle_before_s} s`);
  const from = performance.now();
  const spinAtDefaults = await idleThreads(ctx.server.pid, () => sleep(settings.idle_before_s * 1000));
  const woken = await ask(ctx, 'after idle');
  sampler.tick();
  const all = sampler.snapshot();
  Object.assign(metrics, resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrapOptions(plan)));
  const s = (ms: number | null) => (ms === null ? null : ms / 1000);
  metrics.warm_ttft_s = s(warm.ttftMs) !== null ? ok(s(warm.ttftMs)!, 's') : failed('s', 'no first token');
  metrics.wake_ttft_s = s(woken.ttftMs) !== null ? ok(s(woken.ttftMs)!, 's') : failed('s', 'no first token');
  metrics.wake_ttft_ratio = warm.ttftMs && woken.ttftMs !== null ? ok(woken.ttftMs / warm.ttftMs, '×') : failed('×', 'needs both TTFTs');
  metrics.warm_decode_tps = decodeSpeed(warm);
  metrics.wake_decode_tps = decodeSpeed(woken);
  metrics.idle_max_thread_pct = spinMetric(spinAtDefaults);
  metrics.idle_busy_threads = spinAtDefaults ? ok(spinAtDefaults.busyThreads, 'threads') : failed('threads', 'no thread of the server could be read');
  log(`idle ${settings.idle_before_s} s at the cell's settings: ${spinNote(spinAtDefaults)}`);
  log(`TTFT after ${settings.idle_before_s} s idle: ${woken.ttftMs?.toFixed(1)} ms (${metrics.wake_ttft_ratio.value?.toFixed(2)}× warm)`);

  for (const level of settings.poll_levels) {
    await ctx.relaunch({ extraArgs: ['--poll', String(level)] });
    // One request, so the worker threads exist and wait in their polling loop, as they would between requests.
    await ask(ctx, `poll ${level}`);
    const idle = await idleWindow(ctx, settings.idle_s);
    series.push({ poll: level, idle_cpu_pct: idle.cpu, idle_rss_mb: idle.rss, idle_max_thread_pct: idle.spin?.busiestPct ?? null, idle_busy_threads: idle.spin?.busyThreads ?? null });
    metrics[`idle_cpu_poll${level}_pct`] = idle.cpu !== null ? ok(idle.cpu, '% of machine') : failed('% of machine', 'no CPU samples');
    metrics[`idle_max_thread_poll${level}_pct`] = spinMetric(idle.spin);
    log(`--poll ${level}: idle CPU ${idle.cpu?.toFixed(2)} % of the machine; ${spinNote(idle.spin)}`);
  }
  if (settings.poll_levels.length > 0) ctx.addSeries('poll', series);

  const sleepMetrics = ['awake_rss_mb', 'asleep_rss_mb', 'asleep_cpu_pct', 'sleep_wake_ttft_s'] as const;
  if (settings.sleep_idle_s === null) {
    for (const m of sleepMetrics) metrics[m] = skipped(m.endsWith('_s') ? 's' : m.endsWith('mb') ? 'MB' : '% of machine', 'sleep_idle_s is null');
    return metrics;
  }
  await ctx.relaunch({ extraArgs: ['--sleep-idle-seconds', String(settings.sleep_idle_s)] });
  await ask(ctx, 'before sleep');
  const awake = await idleWindow(ctx, Math.min(settings.idle_s, settings.sleep_idle_s * 0.8));
  // The server logs when it unloads; wait for that rather than guessing how long it takes. (Only this last launch
  // has sleeping enabled, so the shared log cannot hold an earlier match.)
  const deadline = performance.now() + (settings.sleep_idle_s + 30) * 1000;
  const asleepLogged = async () => SLEEPING.test(readServerLog(ctx.server.logFile));
  while (!(await asleepLogged()) && performance.now() < deadline) await sleep(200);
  const wentToSleep = await asleepLogged();
  const asleep = await idleWindow(ctx, settings.idle_s);
  const wakeUp = await ask(ctx, 'waking from sleep');
  metrics.awake_rss_mb = awake.rss !== null ? ok(awake.rss, 'MB') : failed('MB', 'no RSS samples');
  if (!wentToSleep) {
    for (const m of ['asleep_rss_mb', 'asleep_cpu_pct'] as const) metrics[m] = failed(m.endsWith('mb') ? 'MB' : '% of machine', `the server never logged that it went to sleep within ${settings.sleep_idle_s + 30} s`);
  } else {
    metrics.asleep_rss_mb = asleep.rss !== null ? ok(asleep.rss, 'MB') : failed('MB', 'no RSS samples');
    metrics.asleep_cpu_pct = asleep.cpu !== null ? ok(asleep.cpu, '% of machine') : failed('% of machine', 'no CPU samples');
  }
  metrics.sleep_wake_ttft_s = wakeUp.ttftMs !== null ? ok(wakeUp.ttftMs / 1000, 's') : failed('s', 'no first token');
  log(`asleep: RSS ${asleep.rss?.toFixed(0)} MB (awake ${awake.rss?.toFixed(0)} MB), CPU ${asleep.cpu?.toFixed(2)} %; waking took ${wakeUp.ttftMs?.toFixed(0)} ms to the first token`);
  return metrics;
};
