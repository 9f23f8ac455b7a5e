import path from 'node:path';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import type { ChatRecord } from '../../client/chat.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { corpusDocSchema, loadGoldenSet, readJsonl, retrievalQuerySchema } from '../../scoring/goldens.ts';
import { bm25Rank, precisionRecall, readDocIds, type RetrievalScore } from '../../scoring/retrieval.ts';
import { mean, summarize } from '../../stats/summary.ts';
import { chainOfVerification, type Ask } from './cove.ts';
import { dataFile } from '../prompts.ts';
import { askGolden, goldenMetrics, itemScoreSeries, type GoldenOutcome } from './goldens.ts';
import type { SuiteOptions } from '../define-suite.ts';
import type { Workload, WorkloadContext } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';
import { chatWithMiddleware, compositionRecord, type MiddlewareCall } from '../../middleware/send.ts';
import { resolveMiddleware } from '../../middleware/resolve.ts';
import { middlewareMetrics } from '../../middleware/metrics.ts';

function take<T>(items: T[], limit: number | null): T[] {
  return limit === null ? items : items.slice(0, limit);
}

/** A failed request, whether the client returned the failure or threw it. */
function failedRecord(error: unknown, t0: number): ChatRecord {
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: message || 'request failed', text: '', latencyMs: performance.now() - t0, promptTokens: null, completionTokens: null, timings: null };
}

/** Graded goldens (free-form, and constrained where configured), chain of verification and retrieval; temperature 0, fixed seed. */
export const workload: Workload<'quality'> = async (ctx) => {
  const { plan, server, sampler, record, log } = ctx;
  const q = plan.config.profiles.quality;
  // Like the prompts: beside the config, else the goldens shipped with this package (checked before the run).
  const dir = dataFile(plan.configFile, q.goldens);
  const calls: ChatRecord[] = [];
  // Every request goes through the cell's middleware preset (none: unchanged), and its tokens are counted by source.
  const mw = resolveMiddleware(plan.configFile, plan.config.middleware, ctx.planned.cell.middleware);
  if (mw.name !== 'none') log(`middleware preset ${mw.name}`);
  const mwCalls: MiddlewareCall[] = [];
  const ask: Ask = async (messages, maxTokens, options = {}) => {
    const t0 = performance.now();
    let r: ChatRecord;
    try {
      const call = await chatWithMiddleware(server.baseUrl, messages, mw, { maxTokens, seed: plan.config.llama.seed, timeoutMs: q.request_timeout_s * 1000, ...options }, plan.config.middleware.include_thinking);
      mwCalls.push(call);
      r = call.answer;
    } catch (e) {
      r = failedRecord(e, t0);
    }
    calls.push(r);
    return r;
  };
  /** The composition of the item's last request, recorded beside its answer. */
  const lastComposition = () => (mwCalls.length > 0 ? { composition: compositionRecord(mwCalls.at(-1)!) } : {});
  const from = performance.now();
  const metrics: ProfileMetrics<'quality'> = {};

  const items = q.sets.flatMap((set) => take(loadGoldenSet(path.join(dir, `${set}.jsonl`)), q.limit_per_set).map((item) => ({ set, item })));
  const constrained = items.filter(({ set }) => q.constrained_sets.includes(set));
  log(`grading ${items.length} golden items from ${q.sets.length} set(s)${constrained.length ? `, ${constrained.length} of them also constrained` : ''}`);
  const outcomes: GoldenOutcome[] = [];
  for (const { set, item } of items) {
    for (const mode of q.constrained_sets.includes(set) ? (['free', 'constrained'] as const) : (['free'] as const)) {
      const { record: line, outcome } = await askGolden(set, item, mode, ask);
      record({ ...line, ...lastComposition() });
      outcomes.push(outcome);
    }
  }
  Object.assign(metrics, goldenMetrics(outcomes, 'free'));
  if (constrained.length) Object.assign(metrics, goldenMetrics(outcomes, 'constrained'));
  else metrics.score_overall_constrained = skipped('score', 'constrained-answer mode is off (quality.constrained_sets is empty)');
  metrics.items_errored = ok(outcomes.filter((o) => o.state === 'error').length, 'items');
  for (const [name, rows] of itemScoreSeries(outcomes)) ctx.addSeries(name, rows);

  Object.assign(metrics, q.cove.enabled ? await coveMetrics(ctx, dir, ask) : coveSkipped('CoVe is disabled in the config'));
  Object.assign(metrics, q.retrieval.enabled ? await retrievalMetrics(ctx, dir, ask) : retrievalSkipped('retrieval is disabled in the config'));

  const latency = summarize(calls.filter((c) => c.ok).map((c) => c.latencyMs / 1000));
  metrics.answer_latency_p95_s = latency ? ok(latency.p95, 's', latency) : failed('s', 'no request succeeded');
  metrics.requests_failed = ok(calls.filter((c) => !c.ok).length, 'requests');
  Object.assign(metrics, middlewareMetrics(mwCalls.map((c) => c.overhead), mwCalls.find((c) => c.overheadError)?.overheadError ?? null));
  sampler.tick();
  const rows = sampler.snapshot();
  return { ...resourceMetrics(rowsIn(rows, from, performance.now()), rows, sampler.missingSensors(), bootstrapOptions(plan)), ...metrics };
};

function coveSkipped(reason: string): ProfileMetrics<'quality'> {
  return {
    cove_pass_rate: skipped('score', reason),
    cove_plain_pass_rate: skipped('score', reason),
    cove_extra_tokens_mean: skipped('tokens', reason),
    cove_extra_latency_s_mean: skipped('s', reason),
  };
}

async function coveMetrics({ plan, record, log }: WorkloadContext, dir: string, ask: Ask): Promise<ProfileMetrics<'quality'>> {
  const items = take(loadGoldenSet(path.join(dir, 'cove.jsonl')), plan.config.profiles.quality.cove.limit);
  log(`chain of verification on ${items.length} item(s)`);
  const results = [];
  for (const item of items) {
    const r = await chainOfVerification(item, ask);
    results.push(r);
    record({
      kind: 'cove', id: item.id, category: item.category, grader: item.grader.type, state: r.error === null ? 'graded' : 'error', expected: item.reference,
      plain_score: r.plain?.score ?? null, final_score: r.final?.score ?? null, evidence: r.final?.evidence ?? null, plain_evidence: r.plain?.evidence ?? null,
      output: r.transcript.find((t) => t.step === 'final')?.output ?? '', extra_tokens: r.extraTokens, extra_latency_ms: r.extraLatencyMs, error: r.error, transcript: r.transcript,
    });
  }
  // A chain with a failed request is an error for its item, not a wrong answer; any such chain makes the rates errors.
  const errored = results.filter((r) => r.error !== null);
  if (errored.length > 0) {
    const why = `${errored.length} of ${results.length} CoVe chain(s) had a failed request (first: ${errored[0]!.error})`;
    const good = results.filter((r) => r.error === null);
    return {
      cove_pass_rate: failed('score', why),
      cove_plain_pass_rate: failed('score', why),
      cove_extra_tokens_mean: good.length ? ok(mean(good.map((r) => r.extraTokens)), 'tokens') : failed('tokens', why),
      cove_extra_latency_s_mean: good.length ? ok(mean(good.map((r) => r.extraLatencyMs / 1000)), 's') : failed('s', why),
    };
  }
  if (results.length === 0) return coveSkipped('the CoVe set has no items');
  return {
    cove_pass_rate: ok(mean(results.map((r) => r.final!.score)), 'score'),
    cove_plain_pass_rate: ok(mean(results.map((r) => r.plain!.score)), 'score'),
    cove_extra_tokens_mean: ok(mean(results.map((r) => r.extraTokens)), 'tokens'),
    cove_extra_latency_s_mean: ok(mean(results.map((r) => r.extraLatencyMs / 1000)), 's'),
  };
}

function retrievalSkipped(reason: string): ProfileMetrics<'quality'> {
  return Object.fromEntries(
    ['retrieval_precision_mean', 'retrieval_recall_mean', 'retrieval_f1_mean', 'retrieval_bm25_f1_mean', 'retrieval_embedding_f1_mean'].map((k) => [k, skipped('score', reason)]),
  );
}

const PREVIEW_WORDS = 25;

async function retrievalMetrics({ plan, record, log }: WorkloadContext, dir: string, ask: Ask): Promise<ProfileMetrics<'quality'>> {
  const docs = readJsonl(path.join(dir, 'retrieval-corpus.jsonl'), corpusDocSchema);
  const queries = take(readJsonl(path.join(dir, 'retrieval-queries.jsonl'), retrievalQuerySchema), plan.config.profiles.quality.retrieval.limit);
  const ids = docs.map((d) => d.id);
  const listing = docs.map((d) => `${d.id}: ${d.title}: ${d.text.split(/\s+/).slice(0, PREVIEW_WORDS).join(' ')}…`).join('\n');
  log(`retrieval: ${queries.length} queries over ${docs.length} documents`);
  const model: RetrievalScore[] = [];
  const bm25: RetrievalScore[] = [];
  let firstError: string | null = null;
  let errors = 0;
  for (const query of queries) {
    const prompt = `Documents:\n${listing}\n\nQuestion: ${query.query}\nWhich documents answer the question? Reply with their ids only, comma-separated (for example: ${ids.slice(0, 2).join(', ')}).`;
    const r = await ask([{ role: 'user', content: prompt }], 24);
    const selected = r.ok ? readDocIds(r.text, ids) : [];
    if (r.ok) model.push(precisionRecall(selected, query.relevant));
    else {
      errors++;
      firstError ??= r.error;
    }
    const keyword = bm25Rank(query.query, docs).slice(0, query.relevant.length).map((x) => x.id);
    bm25.push(precisionRecall(keyword, query.relevant));
    const evidence = r.ok ? { extracted: selected.join(', ') || null, rule: 'document ids named in the answer (reasoning blocks left out)' } : null;
    record({ kind: 'retrieval', id: query.id, state: r.ok ? 'graded' : 'error', ok: r.ok, error: r.error, output: r.text, evidence, selected, relevant: query.relevant, bm25: keyword, ...(r.ok ? model.at(-1) : {}) });
  }
  // A query whose request failed is not a miss, and the means are not taken over the rest as if it never was.
  const none = (unit: string) => failed(unit, `${errors} of ${queries.length} retrieval queries got no answer (first: ${firstError})`);
  const all = errors === 0 && model.length > 0;
  return {
    retrieval_precision_mean: all ? ok(mean(model.map((s) => s.precision)), 'score') : none('score'),
    retrieval_recall_mean: all ? ok(mean(model.map((s) => s.recall)), 'score') : none('score'),
    retrieval_f1_mean: all ? ok(mean(model.map((s) => s.f1)), 'score') : none('score'),
    retrieval_bm25_f1_mean: ok(mean(bm25.map((s) => s.f1)), 'score'),
    retrieval_embedding_f1_mean: skipped('score', 'embedding ranking not measured: llama-server runs without --embeddings in this profile'),
  };
}

/** Answers depend on the model file and context, not on threads or priority (deterministic decoding): graded once each. */
export const suite: SuiteOptions = {
  representative: (plan, cell) =>
    plan.config.profiles.quality.once_per_quant ? `${cell.model} ${cell.quant} c${cell.ctx}${cell.middleware ? ` mw-${cell.middleware}` : ''}` : cell.id,
  duplicateBecause: "the quality results do not depend on this cell's threads or priority",
};
