import { streamCompletion, type RequestRecord } from '../../client/completion.ts';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { failed, ok, type Metric } from '../../measurement/schema.ts';
import { percentile, sortSamples } from '../../stats/summary.ts';
import { settingsOf } from '../mode.ts';
import { dataFile, loadPrompts } from '../prompts.ts';
import type { Workload } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

/**
 * N clients at once against N server slots (--parallel N), for each N: aggregate tok/s, per-request p95 latency and
 * CPU p99. The figures at the most clients are the budgets; every level is in the `levels` series. A server started
 * elsewhere cannot be relaunched with N slots: its clients share the slots it has, which the log and the series say.
 */
export const workload: Workload<'concurrency'> = async (ctx) => {
  const { plan, sampler, record, log } = ctx;
  const settings = settingsOf(plan.config, 'concurrency');
  const prompts = loadPrompts(dataFile(plan.configFile, plan.config.profiles.interactive.prompts));
  const levels = [...new Set(settings.clients)].sort((a, b) => a - b);
  const series: Record<string, number | null>[] = [];
  let metrics: ProfileMetrics<'concurrency'> = {};
  let single: Metric | null = null;
  let failures = 0;
  const canRelaunch = ctx.backend.capabilities.has('relaunch');
  const serverSlots = plan.target?.facts?.slots ?? null;
  if (!canRelaunch) log(`${ctx.backend.label} was started elsewhere: every level shares its own ${serverSlots ?? 'unreported number of'} slot(s); --parallel is not set here`);
  for (const [li, clients] of levels.entries()) {
    // The cell's context is shared by the slots (llama-server's unified KV cache), as it would be in use.
    if (canRelaunch && (li > 0 || clients !== plan.config.llama.parallel)) await ctx.relaunch({ parallel: clients });
    const from = performance.now();
    // A tick at each end of the level: on a starved machine no timer tick may land inside a short level, which left
    // its window without a CPU sample (seen beside two CPU hogs: CPU p99 an error "no CPU samples in the window").
    sampler.tick();
    const results: RequestRecord[][] = await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const mine: RequestRecord[] = [];
        for (let i = 0; i < settings.requests_per_client; i++) {
          const prompt = prompts[(client * settings.requests_per_client + i) % prompts.length]!;
          const r = await streamCompletion(ctx.server.baseUrl, { prompt: prompt.prompt, maxTokens: settings.max_tokens, seed: plan.config.llama.seed, ignoreEos: true, timeoutMs: settings.request_timeout_s * 1000 });
          record({ clients, client, index: i, ok: r.ok, error: r.error, ttft_ms: r.ttftMs, e2e_ms: r.e2eMs, output_tokens: r.outputTokens, text: r.text });
          mine.push(r);
        }
        return mine;
      }),
    );
    const to = performance.now();
    sampler.tick();
    const all = sampler.snapshot();
    const window = resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrapOptions(plan));
    const flat = results.flat();
    const level = levelFigures(flat, clients, (to - from) / 1000, settings.request_timeout_s);
    failures += level.failed;
    if (li === 0) single = level.aggregate.value !== null ? ok(level.aggregate.value / clients, 'tok/s') : failed('tok/s', `no single-client figure: ${level.aggregate.reason}`);
    const slots = canRelaunch ? clients : serverSlots;
    series.push({ clients, slots, aggregate_tps: level.aggregate.value, latency_p95_s: level.latencyP95.value, cpu_p99_pct: window.cpu_p99_pct?.value ?? null, failed: level.failed });
    log(`${clients} client(s): ${level.aggregate.value?.toFixed(1) ?? '?'} tok/s in all, p95 latency ${level.latencyP95.value?.toFixed(2) ?? '?'} s, CPU p99 ${window.cpu_p99_pct?.value?.toFixed(0) ?? '?'} %, ${level.failed} failed`);
    if (li === levels.length - 1) {
      metrics = { ...window };
      metrics.clients_max = ok(clients, 'clients');
      metrics.aggregate_tps_at_max = level.aggregate;
      metrics.latency_p95_s = level.latencyP95;
      metrics.scaling_efficiency_pct =
        single?.value != null && level.aggregate.value !== null
          ? ok((level.aggregate.value / (single.value * clients)) * 100, '%')
          : failed('%', `needs the single-client and the most-clients figures: ${single?.reason ?? level.aggregate.reason}`);
    }
  }
  metrics.aggregate_tps_single = single ?? failed('tok/s', 'no single-client figure');
  metrics.requests_failed = ok(failures, 'requests');
  ctx.addSeries('levels', series);
  return metrics;
};

/**
 * One level's figures. Aggregate tok/s counts the answered requests' tokens over the level's wall time; with no
 * request answered it is an error, not 0 tok/s. p95 latency counts a failed request as the timeout, as the
 * interactive profile does, so failures cannot make a level look faster.
 */
export function levelFigures(records: readonly RequestRecord[], clients: number, wallS: number, timeoutS: number): { aggregate: Metric; latencyP95: Metric; failed: number } {
  const good = records.filter((r) => r.ok);
  const failedCount = records.length - good.length;
  if (good.length === 0) {
    const why = `no request succeeded at ${clients} client(s)${records.length ? `: ${records.find((r) => !r.ok)?.error}` : ''}`;
    return { aggregate: failed('tok/s', why), latencyP95: failed('s', why), failed: failedCount };
  }
  const tokens = good.reduce((a, r) => a + r.outputTokens, 0);
  const latencies = records.map((r) => (r.ok ? r.e2eMs : timeoutS * 1000)).filter((v): v is number => v !== null);
  const p95 = ok(percentile(sortSamples(latencies), 0.95) / 1000, 's');
  return {
    aggregate: ok(tokens / wallS, 'tok/s'),
    latencyP95: failedCount > 0 ? { ...p95, reason: `includes ${failedCount} failed request(s) counted as the ${timeoutS} s timeout` } : p95,
    failed: failedCount,
  };
}
