import { batchFigures } from '../../analysis/batch.ts';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { explainedByCache, rssSlope } from '../../analysis/leak.ts';
import { streamCompletion } from '../../client/completion.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { settingsOf } from '../mode.ts';
import { dataFile, loadPrompts, type Prompt } from '../prompts.ts';
import type { WorkloadContext, Workload } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';

interface DocResult {
  ok: boolean;
  seconds: number;
  promptTokens: number | null;
  outputTokens: number;
  /** Seconds since the pass began, and the server's RSS right after the document. */
  tSec: number;
  rssMb: number | null;
}

async function runPass(ctx: WorkloadContext, docs: Prompt[], pass: string): Promise<DocResult[]> {
  const settings = settingsOf(ctx.plan.config, 'batch');
  const start = performance.now();
  const results: DocResult[] = [];
  for (const [i, doc] of docs.entries()) {
    const r = await streamCompletion(ctx.server.baseUrl, {
      prompt: doc.prompt,
      maxTokens: settings.max_tokens,
      seed: ctx.plan.config.llama.seed,
      // A fixed answer length, so differences in time come from the machine, not from how much the model wrote.
      ignoreEos: true,
      timeoutMs: settings.request_timeout_s * 1000,
      cachePrompt: true,
    });
    ctx.sampler.tick();
    const rssMb = ctx.sampler.snapshot().at(-1)?.rssMb ?? null;
    ctx.record({ pass, index: i, doc_id: doc.id, ok: r.ok, error: r.error, e2e_ms: r.e2eMs, prompt_tokens: r.promptTokens, output_tokens: r.outputTokens, rss_mb: rssMb, text: r.text });
    if (!r.ok) ctx.log(`${pass}: document ${doc.id} failed: ${r.error}`);
    results.push({ ok: r.ok, seconds: (r.e2eMs ?? 0) / 1000, promptTokens: r.promptTokens, outputTokens: r.outputTokens, tSec: (performance.now() - start) / 1000, rssMb });
    if ((i + 1) % 10 === 0 || i + 1 === docs.length) ctx.log(`${pass}: ${i + 1}/${docs.length} documents`);
  }
  return results;
}

/** RSS trend over a pass, leaving out the first document (the weights are still being paged in). */
function trend(results: DocResult[], minSpanS: number): { slope: Metric; growth: number | null } {
  const points = results.slice(1).filter((r) => r.rssMb !== null).map((r) => ({ tSec: r.tSec, rssMb: r.rssMb! }));
  const growth = points.length >= 2 ? points.at(-1)!.rssMb - points[0]!.rssMb : null;
  const span = points.length >= 2 ? points.at(-1)!.tSec - points[0]!.tSec : 0;
  const fit = rssSlope(points);
  const slope = !fit
    ? skipped('MB/h', 'needs RSS after at least four documents')
    : span < minSpanS
      ? skipped('MB/h', `the pass took ${span.toFixed(1)} s; a per-hour slope from under ${minSpanS} s would extrapolate noise (RSS grew ${growth?.toFixed(1)} MB)`)
      : ok(fit.mbPerHour, 'MB/h');
  return { slope, growth };
}

/**
 * Summarisation documents one after another, as an overnight job would send them: throughput, its steadiness, and
 * whether memory creeps up. A second pass with `--cache-ram 0` separates the prompt cache's growth from a leak.
 */
export const workload: Workload<'batch'> = async (ctx) => {
  const { plan, sampler, log } = ctx;
  const settings = settingsOf(plan.config, 'batch');
  const all = loadPrompts(dataFile(plan.configFile, settings.documents));
  if (all.length < settings.count) log(`only ${all.length} documents in ${settings.documents}; using them all`);
  const docs = all.slice(0, settings.count);
  const from = performance.now();
  const withCache = await runPass(ctx, docs, 'as configured');
  const to = performance.now();
  const rows = sampler.snapshot();
  const metrics: ProfileMetrics<'batch'> = resourceMetrics(rowsIn(rows, from, to), rows, sampler.missingSensors(), bootstrapOptions(plan));

  const good = withCache.filter((r) => r.ok);
  metrics.documents_failed = ok(withCache.length - good.length, 'docs');
  const figures = batchFigures(good.map((r) => r.seconds));
  if (figures) {
    metrics.docs_per_hour = ok(figures.docsPerHour, 'docs/h');
    metrics.doc_seconds_mean = ok(figures.meanS, 's');
    metrics.doc_seconds_sd = ok(figures.sdS, 's');
    metrics.doc_seconds_cv_pct = figures.cv !== null ? ok(figures.cv * 100, '%') : skipped('%', 'needs two documents');
    metrics.degradation_pct = figures.firstVsLastPct !== null ? ok(figures.firstVsLastPct, '%') : skipped('%', 'needs two documents');
  } else {
    for (const [k, unit] of [['docs_per_hour', 'docs/h'], ['doc_seconds_mean', 's'], ['doc_seconds_sd', 's'], ['doc_seconds_cv_pct', '%'], ['degradation_pct', '%']] as const) {
      metrics[k] = failed(unit, 'no document succeeded');
    }
  }
  const cached = trend(withCache, settings.min_trend_s);
  metrics.rss_slope_mb_per_h = cached.slope;
  metrics.rss_growth_mb = cached.growth !== null ? ok(cached.growth, 'MB') : skipped('MB', 'needs RSS after at least three documents');

  let withoutCache: DocResult[] = [];
  if (settings.without_cache_pass) {
    await ctx.relaunch({ extraArgs: ['--cache-ram', '0'] });
    withoutCache = await runPass(ctx, docs, 'cache-ram 0');
    const plain = trend(withoutCache, settings.min_trend_s);
    metrics.leak_slope_mb_per_h = plain.slope;
    metrics.rss_growth_no_cache_mb = plain.growth !== null ? ok(plain.growth, 'MB') : skipped('MB', 'needs RSS after at least three documents');
    const share = cached.growth !== null && plain.growth !== null ? explainedByCache(cached.growth, plain.growth) : null;
    metrics.cache_explained_pct = share !== null ? ok(share * 100, '%') : skipped('%', 'RSS did not grow with the prompt cache on, so there is nothing to explain');
    // A document that failed in the second pass failed too: it must not vanish because the first pass held.
    const alsoFailed = withoutCache.filter((r) => !r.ok).length;
    if (alsoFailed > 0) {
      metrics.documents_failed = {
        ...ok(metrics.documents_failed!.value! + alsoFailed, 'docs'),
        reason: `${withCache.length - good.length} with the prompt cache as configured, ${alsoFailed} with --cache-ram 0`,
      };
    }
  } else {
    const why = 'without_cache_pass is off';
    metrics.leak_slope_mb_per_h = skipped('MB/h', why);
    metrics.rss_growth_no_cache_mb = skipped('MB', why);
    metrics.cache_explained_pct = skipped('%', why);
  }
  ctx.addSeries(
    'documents',
    withCache.map((r, i) => ({
      doc: i + 1,
      seconds: r.ok ? r.seconds : null,
      prompt_tokens: r.promptTokens,
      output_tokens: r.outputTokens,
      rss_mb: r.rssMb,
      seconds_no_cache: withoutCache[i]?.ok ? withoutCache[i]!.seconds : null,
      rss_no_cache_mb: withoutCache[i]?.rssMb ?? null,
    })),
  );
  if (figures) log(`${figures.docsPerHour.toFixed(0)} docs/h, CV ${((figures.cv ?? 0) * 100).toFixed(1)} %, RSS growth ${cached.growth?.toFixed(1) ?? '?'} MB with the cache, ${metrics.rss_growth_no_cache_mb?.value?.toFixed(1) ?? '?'} MB without`);
  return metrics;
};
