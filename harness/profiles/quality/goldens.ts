// The golden items of the quality profile: ask, grade with evidence, record, and turn the outcomes into category
// scores. A request that fails is an error for its item, never a wrong answer, and never silently dropped.
import type { ChatRecord } from '../../client/chat.ts';
import type { MetricName, ProfileMetrics } from '../../budgets/catalogue.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { constrainedInstruction, constrainedSchema, gradeConstrained, responseFormat } from '../../scoring/constrained.ts';
import { chatMessages, type GoldenItem } from '../../scoring/goldens.ts';
import { grade, type Grade } from '../../scoring/graders.ts';
import type { Ask } from './cove.ts';

export type AnswerMode = 'free' | 'constrained';

/** A constrained reply needs room for its JSON around the answer, whatever the item's own budget. */
export const CONSTRAINED_MIN_TOKENS = 128;

export interface GoldenOutcome {
  category: string;
  weight: number;
  mode: AnswerMode;
  /** graded: a score; error: the request failed; not-applicable: no constrained form for this grader. */
  state: 'graded' | 'error' | 'not-applicable';
  score: number | null;
  error: string | null;
}

export function categoryMetric(category: string, mode: AnswerMode = 'free'): MetricName<'quality'> {
  // A member of the registry's score family (score_<category>, score_<category>_constrained).
  return `score_${category.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}${mode === 'constrained' ? '_constrained' : ''}` as MetricName<'quality'>;
}

/** The prompt as one text, for graders that read the question (its numbers, options, words). */
export function promptText(item: GoldenItem): string {
  return chatMessages(item).map((m) => m.content).join('\n');
}

function withInstruction(messages: { role: string; content: string }[], extra: string): { role: string; content: string }[] {
  if (!extra) return messages;
  const last = messages.findLastIndex((m) => m.role === 'user');
  return messages.map((m, i) => (i === last ? { ...m, content: `${m.content}${extra}` } : m));
}

/** Asks one golden item in one mode, grades it and returns the record to write and the outcome to count. */
export async function askGolden(set: string, item: GoldenItem, mode: AnswerMode, ask: Ask): Promise<{ record: Record<string, unknown>; outcome: GoldenOutcome }> {
  const base = { category: item.category, weight: item.weight, mode };
  const schema = mode === 'constrained' ? constrainedSchema(item.grader) : null;
  if (mode === 'constrained' && !schema) {
    const why = `no constrained form for a ${item.grader.type} grader (it judges the answer's form)`;
    return { record: { kind: 'golden', mode, set, id: item.id, category: item.category, grader: item.grader.type, state: 'not-applicable', reason: why }, outcome: { ...base, state: 'not-applicable', score: null, error: null } };
  }
  const format = schema ? responseFormat(schema) : undefined;
  const messages = schema ? withInstruction(chatMessages(item), constrainedInstruction(item.grader)) : chatMessages(item);
  const maxTokens = schema ? Math.max(item.max_tokens, CONSTRAINED_MIN_TOKENS) : item.max_tokens;
  const r = await ask(messages, maxTokens, format ? { responseFormat: format } : {});
  if (!r.ok) {
    const error = r.error ?? 'request failed';
    return { record: goldenRecord(set, item, mode, r, null, format), outcome: { ...base, state: 'error', score: null, error } };
  }
  const ctx = { prompt: promptText(item) };
  const g = schema ? gradeConstrained(item.grader, r.text, item.reference, ctx) : grade(item.grader, r.text, item.reference, ctx);
  return { record: goldenRecord(set, item, mode, r, g, format), outcome: { ...base, state: 'graded', score: g.score, error: null } };
}

function goldenRecord(set: string, item: GoldenItem, mode: AnswerMode, r: ChatRecord, g: Grade | null, format: Record<string, unknown> | undefined) {
  return {
    kind: 'golden',
    mode,
    set,
    id: item.id,
    category: item.category,
    grader: item.grader.type,
    state: g ? 'graded' : 'error',
    ok: r.ok,
    error: r.error,
    output: r.text,
    evidence: g ? g.evidence : null,
    expected: item.reference,
    score: g ? g.score : null,
    detail: g?.detail ?? null,
    ...(format ? { request: { response_format: format } } : {}),
    latency_ms: r.latencyMs,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
  };
}

/**
 * Weighted mean score per category and overall, over the items of one mode. An errored item is not a wrong answer:
 * it is left out of the mean, and the category (and overall) metric becomes an error naming how many items got no
 * answer and what the graded ones scored, so a budget can never pass on a partial set.
 */
export function goldenMetrics(outcomes: readonly GoldenOutcome[], mode: AnswerMode): ProfileMetrics<'quality'> {
  const mine = outcomes.filter((o) => o.mode === mode);
  const metrics: ProfileMetrics<'quality'> = {};
  const groups = new Map<string, GoldenOutcome[]>();
  for (const o of mine) groups.set(o.category, [...(groups.get(o.category) ?? []), o]);
  const judge = (label: string, os: GoldenOutcome[]): Metric => {
    const graded = os.filter((o) => o.state === 'graded');
    const errored = os.filter((o) => o.state === 'error');
    if (graded.length === 0 && errored.length === 0) return skipped('score', `no item of ${label} has a ${mode} form`);
    const weight = graded.reduce((a, o) => a + o.weight, 0);
    const partial = weight > 0 ? graded.reduce((a, o) => a + o.score! * o.weight, 0) / weight : null;
    if (errored.length > 0) {
      const scored = partial === null ? 'no item was graded' : `the ${graded.length} graded item(s) score ${partial.toFixed(3)}`;
      return failed('score', `${errored.length} of ${graded.length + errored.length} item(s) of ${label} got no answer (first: ${errored[0]!.error}); ${scored}`);
    }
    return ok(partial!, 'score');
  };
  for (const [category, os] of groups) metrics[categoryMetric(category, mode)] = judge(category, os);
  if (mine.length > 0) metrics[mode === 'free' ? 'score_overall' : 'score_overall_constrained'] = judge('the golden sets', mine);
  return metrics;
}

/**
 * Per category and answer mode, one row per item for the report's score distribution (`item_scores.<metric>`):
 * the item's score and weight; an item that got no answer keeps a row with score null (an error, not a zero).
 */
export function itemScoreSeries(outcomes: readonly GoldenOutcome[]): Map<string, Record<string, number | null>[]> {
  const out = new Map<string, Record<string, number | null>[]>();
  for (const o of outcomes) {
    if (o.state !== 'graded' && o.state !== 'error') continue;
    const name = `item_scores.${categoryMetric(o.category, o.mode)}`;
    out.set(name, [...(out.get(name) ?? []), { score: o.state === 'graded' ? o.score : null, weight: o.weight }]);
  }
  return out;
}
