import { streamCompletion, type RequestRecord } from '../client/completion.ts';
import { failed, ok, type Metric } from '../measurement/schema.ts';
import { percentile, sortSamples } from '../stats/summary.ts';
import { settingsOf } from './mode.ts';
import { dataFile, loadPrompts } from './prompts.ts';
import type { Workload } from './run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from './window.ts';

/**
 * N clients at once against N server slots (--parallel N), for each N: aggregate tok/s, per-request p95 latency and
 * CPU p99. The figures at the most clients are the budgets; every level is in the `levels` series.
 */
export const concurrencyWorkload: Workload = async (ctx) => {
  const { plan, sampler, record, log } = ctx;
  const settings = settingsOf(plan.config, 'concurrency');
  const prompts = loadPrompts(dataFile(plan.configFile, plan.config.profiles.interactive.prompts));
  const levels = [...new Set(settings.clients)].sort((a, b) => a - b);
  const series: Record<string, number | null>[] = [];
  let metrics: Record<string, Metric> = {};
  let single: number | null = null;
  let failures = 0;
  for (const [li, clients] of levels.entries()) {
    // The cell's context is shared by the slots (llama-server's unified KV cache), as it would be in use.
    if (li > 0 || clients !== plan.config.llama.parallel) await ctx.relaunch({ parallel: clients });
    const from = performance.now();
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
    const window = resourceMetrics(rowsIn(all, from, to), all, sampler.missingSensors(), bootstrapOptions(plan));
    const flat = results.flat();
    const good = flat.filter((r) => r.ok);
    failures += flat.length - good.length;
    const tokens = good.reduce((a, r) => a + r.outputTokens, 0);
    const aggregate = tokens / ((to - from) / 1000);
    if (clients === levels[0]) single = aggregate / clients;
    const latencies = good.map((r) => r.e2eMs).filter((v): v is number => v !== null);
    const p95 = latencies.length > 0 ? percentile(sortSamples(latencies), 0.95) / 1000 : null;
    series.push({ clients, aggregate_tps: aggregate, latency_p95_s: p95, cpu_p99_pct: window.cpu_p99_pct?.value ?? null, failed: flat.length - good.length });
    log(`${clients} client(s): ${aggregate.toFixed(1)} tok/s in all, p95 latency ${p95?.toFixed(2) ?? '?'} s, CPU p99 ${window.cpu_p99_pct?.value?.toFixed(0) ?? '?'} %`);
    if (li === levels.length - 1) {
      metrics = { ...window };
      metrics.clients_max = ok(clients, 'clients');
      metrics.aggregate_tps_at_max = ok(aggregate, 'tok/s');
      metrics.latency_p95_s = p95 !== null ? ok(p95, 's') : failed('s', 'no request succeeded');
      metrics.scaling_efficiency_pct = single ? ok((aggregate / (single * clients)) * 100, '%') : failed('%', 'no single-client figure');
    }
  }
  metrics.aggregate_tps_single = single !== null ? ok(single, 'tok/s') : failed('tok/s', 'no single-client figure');
  metrics.requests_failed = ok(failures, 'requests');
  ctx.addSeries('levels', series);
  return metrics;
};
