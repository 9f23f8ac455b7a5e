import type { ChatRecord } from '../../client/chat.ts';
import { chatMessages, type GoldenItem } from '../../scoring/goldens.ts';
import { grade, type Grade } from '../../scoring/graders.ts';

/** One chat request; a failure (returned or thrown by the client) comes back as `ok: false` with its error. */
export type Ask = (messages: { role: string; content: string }[], maxTokens: number, options?: { responseFormat?: Record<string, unknown> }) => Promise<ChatRecord>;

export interface CoveResult {
  /** Null when that request failed: a failed request is not a wrong answer. */
  plain: Grade | null;
  final: Grade | null;
  /** Prompt and completion tokens of the verification steps, beyond the plain answer. */
  extraTokens: number;
  extraLatencyMs: number;
  transcript: { step: string; prompt: string; output: string }[];
  error: string | null;
}

const MAX_QUESTIONS = 3;

function tokensOf(r: ChatRecord): number {
  return (r.promptTokens ?? 0) + (r.completionTokens ?? 0);
}

/** Verification questions from the model's plan: one per line, list markers dropped. */
export function verificationQuestions(plan: string): string[] {
  return plan
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)]|Q\d*[:.])\s*/i, '').trim())
    .filter((l) => l.length > 3)
    .slice(0, MAX_QUESTIONS);
}

/**
 * Chain of verification (Dhuliawala et al., 2023): draft an answer, plan verification questions, answer each one
 * on its own (without the draft in view), then write the final answer with those answers in view.
 */
export async function chainOfVerification(item: GoldenItem, ask: Ask): Promise<CoveResult> {
  const question = chatMessages(item).map((m) => m.content).join('\n');
  const transcript: CoveResult['transcript'] = [];
  const extraCalls: ChatRecord[] = [];
  const step = async (name: string, prompt: string, maxTokens: number) => {
    const r = await ask([{ role: 'user', content: prompt }], maxTokens);
    transcript.push({ step: name, prompt, output: r.text });
    extraCalls.push(r);
    return r;
  };
  const draft = await ask(chatMessages(item), item.max_tokens);
  transcript.push({ step: 'draft', prompt: question, output: draft.text });
  const plan = await step(
    'plan',
    `Question: ${question}\nDraft answer: ${draft.text}\n\nWrite up to ${MAX_QUESTIONS} short questions whose answers would check the draft answer, one per line. Do not answer them.`,
    96,
  );
  const checks: string[] = [];
  for (const q of verificationQuestions(plan.text)) {
    const a = await step('verify', q, 64);
    checks.push(`Q: ${q}\nA: ${a.text.trim()}`);
  }
  const final = await step(
    'final',
    `Original question (answer in the format it asks for): ${question}\nDraft answer: ${draft.text}\nVerification:\n${checks.join('\n') || '(none)'}\n\nUsing the verification, give the final answer.`,
    item.max_tokens,
  );
  const graded = (r: ChatRecord): Grade | null => (r.ok ? grade(item.grader, r.text, item.reference, { prompt: question }) : null);
  return {
    plain: graded(draft),
    final: graded(final),
    extraTokens: extraCalls.reduce((a, r) => a + tokensOf(r), 0),
    extraLatencyMs: extraCalls.reduce((a, r) => a + r.latencyMs, 0),
    transcript,
    error: [draft, ...extraCalls].find((r) => !r.ok)?.error ?? null,
  };
}
