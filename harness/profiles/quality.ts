import path from 'node:path';
import { chat, type ChatRecord } from '../client/chat.ts';
import { failed, ok, skipped, type Metric } from '../measurement/schema.ts';
import { chatMessages, corpusDocSchema, loadGoldenSet, readJsonl, retrievalQuerySchema, type GoldenItem } from '../scoring/goldens.ts';
import { grade } from '../scoring/graders.ts';
import { bm25Rank, precisionRecall, readDocIds, type RetrievalScore } from '../scoring/retrieval.ts';
import { summarize } from '../stats/summary.ts';
import { chainOfVerification, type Ask } from './cove.ts';
import { dataFile } from './prompts.ts';
import type { Workload, WorkloadContext } from './run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from './window.ts';

export function categoryMetric(category: string): string {
  return `score_${category.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
}

function take<T>(items: T[], limit: number | null): T[] {
  return limit === null ? items : items.slice(0, limit);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Graded goldens, chain of verification and retrieval through `/v1/chat/completions`, temperature 0, fixed seed. */
export const qualityWorkload: Workload = async (ctx) => {
  const { plan, server, sampler, record, log } = ctx;
  const q = plan.config.profiles.quality;
  // Like the prompts: beside the config, else the goldens shipped with this package (checked before the run).
  const dir = dataFile(plan.configFile, q.goldens);
  const calls: ChatRecord[] = [];
  const ask: Ask = async (messages, maxTokens) => {
    const r = await chat(server.baseUrl, { messages, maxTokens, seed: plan.config.llama.seed, timeoutMs: q.request_timeout_s * 1000 });
    calls.push(r);
    return r;
  };
  const from = performance.now();
  const metrics: Record<string, Metric> = {};

  const items = q.sets.flatMap((set) => take(loadGoldenSet(path.join(dir, `${set}.jsonl`)), q.limit_per_set).map((item) => ({ set, item })));
  log(`grading ${items.length} golden items from ${q.sets.length} set(s)`);
  const byCategory = new Map<string, { weighted: number; weight: number; answered: number; firstError: string | null }>();
  for (const { set, item } of items) {
    const r = await ask(chatMessages(item), item.max_tokens);
    const g = r.ok ? grade(item.grader, r.text, item.reference) : { score: 0, parsed: null, detail: r.error ?? '' };
    const c = byCategory.get(item.category) ?? { weighted: 0, weight: 0, answered: 0, firstError: null };
    c.weighted += g.score * item.weight;
    c.weight += item.weight;
    if (r.ok) c.answered++;
    else c.firstError ??= r.error;
    byCategory.set(item.category, c);
    record(goldenRecord(set, item, r, g));
  }
  for (const [category, c] of byCategory) {
    metrics[categoryMetric(category)] =
      c.answered === 0 ? failed('score', `no item of ${category} was answered: ${c.firstError}`) : ok(c.weighted / c.weight, 'score');
  }
  const all = [...byCategory.values()];
  if (all.length > 0) metrics.score_overall = ok(all.reduce((a, c) => a + c.weighted, 0) / all.reduce((a, c) => a + c.weight, 0), 'score');

  Object.assign(metrics, q.cove.enabled ? await coveMetrics(ctx, dir, ask) : coveSkipped('CoVe is disabled in the config'));
  Object.assign(metrics, q.retrieval.enabled ? await retrievalMetrics(ctx, dir, ask) : retrievalSkipped('retrieval is disabled in the config'));

  const latency = summarize(calls.filter((c) => c.ok).map((c) => c.latencyMs / 1000));
  metrics.answer_latency_p95_s = latency ? ok(latency.p95, 's', latency) : failed('s', 'no request succeeded');
  metrics.requests_failed = ok(calls.filter((c) => !c.ok).length, 'requests');
  sampler.tick();
  const rows = sampler.snapshot();
  return { ...resourceMetrics(rowsIn(rows, from, performance.now()), rows, sampler.missingSensors(), bootstrapOptions(plan)), ...metrics };
};

function goldenRecord(set: string, item: GoldenItem, r: ChatRecord, g: { score: number; parsed: string | null; detail?: string }) {
  return {
    kind: 'golden',
    set,
    id: item.id,
    category: item.category,
    grader: item.grader.type,
    ok: r.ok,
    error: r.error,
    output: r.text,
    parsed: g.parsed,
    expected: item.reference,
    score: g.score,
    detail: g.detail ?? null,
    latency_ms: r.latencyMs,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
  };
}

function coveSkipped(reason: string): Record<string, Metric> {
  return {
    cove_pass_rate: skipped('score', reason),
    cove_plain_pass_rate: skipped('score', reason),
    cove_extra_tokens_mean: skipped('tokens', reason),
    cove_extra_latency_s_mean: skipped('s', reason),
  };
}

async function coveMetrics({ plan, record, log }: WorkloadContext, dir: string, ask: Ask): Promise<Record<string, Metric>> {
  const items = take(loadGoldenSet(path.join(dir, 'cove.jsonl')), plan.config.profiles.quality.cove.limit);
  log(`chain of verification on ${items.length} item(s)`);
  const results = [];
  for (const item of items) {
    const r = await chainOfVerification(item, ask);
    results.push(r);
    record({ kind: 'cove', id: item.id, expected: item.reference, plain_score: r.plain.score, final_score: r.final.score, extra_tokens: r.extraTokens, extra_latency_ms: r.extraLatencyMs, error: r.error, transcript: r.transcript });
  }
  const good = results.filter((r) => r.error === null);
  if (good.length === 0) {
    const why = `every CoVe chain failed: ${results[0]?.error ?? 'no items'}`;
    return { cove_pass_rate: failed('score', why), cove_plain_pass_rate: failed('score', why), cove_extra_tokens_mean: failed('tokens', why), cove_extra_latency_s_mean: failed('s', why) };
  }
  return {
    cove_pass_rate: ok(mean(results.map((r) => r.final.score)), 'score'),
    cove_plain_pass_rate: ok(mean(results.map((r) => r.plain.score)), 'score'),
    cove_extra_tokens_mean: ok(mean(good.map((r) => r.extraTokens)), 'tokens'),
    cove_extra_latency_s_mean: ok(mean(good.map((r) => r.extraLatencyMs / 1000)), 's'),
  };
}

function retrievalSkipped(reason: string): Record<string, Metric> {
  return Object.fromEntries(
    ['retrieval_precision_mean', 'retrieval_recall_mean', 'retrieval_f1_mean', 'retrieval_bm25_f1_mean', 'retrieval_embedding_f1_mean'].map((k) => [k, skipped('score', reason)]),
  );
}

const PREVIEW_WORDS = 25;

async function retrievalMetrics({ plan, record, log }: WorkloadContext, dir: string, ask: Ask): Promise<Record<string, Metric>> {
  const docs = readJsonl(path.join(dir, 'retrieval-corpus.jsonl'), corpusDocSchema);
  const queries = take(readJsonl(path.join(dir, 'retrieval-queries.jsonl'), retrievalQuerySchema), plan.config.profiles.quality.retrieval.limit);
  const ids = docs.map((d) => d.id);
  const listing = docs.map((d) => `${d.id}: ${d.title}: ${d.text.split(/\s+/).slice(0, PREVIEW_WORDS).join(' ')}…`).join('\n');
  log(`retrieval: ${queries.length} queries over ${docs.length} documents`);
  const model: RetrievalScore[] = [];
  const bm25: RetrievalScore[] = [];
  let firstError: string | null = null;
  for (const query of queries) {
    const prompt = `Documents:\n${listing}\n\nQuestion: ${query.query}\nWhich documents answer the question? Reply with their ids only, comma-separated (for example: ${ids.slice(0, 2).join(', ')}).`;
    const r = await ask([{ role: 'user', content: prompt }], 24);
    const selected = r.ok ? readDocIds(r.text, ids) : [];
    if (r.ok) model.push(precisionRecall(selected, query.relevant));
    else firstError ??= r.error;
    const keyword = bm25Rank(query.query, docs).slice(0, query.relevant.length).map((x) => x.id);
    bm25.push(precisionRecall(keyword, query.relevant));
    record({ kind: 'retrieval', id: query.id, ok: r.ok, error: r.error, output: r.text, selected, relevant: query.relevant, bm25: keyword, ...(r.ok ? model.at(-1) : {}) });
  }
  const none = (unit: string) => failed(unit, `no retrieval query was answered: ${firstError}`);
  return {
    retrieval_precision_mean: model.length ? ok(mean(model.map((s) => s.precision)), 'score') : none('score'),
    retrieval_recall_mean: model.length ? ok(mean(model.map((s) => s.recall)), 'score') : none('score'),
    retrieval_f1_mean: model.length ? ok(mean(model.map((s) => s.f1)), 'score') : none('score'),
    retrieval_bm25_f1_mean: ok(mean(bm25.map((s) => s.f1)), 'score'),
    retrieval_embedding_f1_mean: skipped('score', 'embedding ranking not measured: llama-server runs without --embeddings in this profile'),
  };
}
