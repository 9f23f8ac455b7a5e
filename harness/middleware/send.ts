// One chat request under a middleware preset: composed, sent, and its token overhead counted with the server's own
// tokenizer (/tokenize), each source separately.
import { chat, type ChatRecord, type ChatRequest } from '../client/chat.ts';
import { getJson } from '../client/completion.ts';
import { ClientError } from '../client/limits.ts';
import { stripReasoningBlocks } from '../scoring/reasoning.ts';
import { composeRequest, type ChatMessage, type ComposedRequest, type ResolvedMiddleware } from './compose.ts';
import { tokenOverhead, type TokenOverhead } from './overhead.ts';

/** How many tokens the server's tokenizer makes of `content`; `addSpecial` adds what it adds to a prompt (BOS). */
export async function countTokens(baseUrl: string, content: string, addSpecial = false, timeoutMs = 60_000): Promise<number> {
  const body = await getJson(baseUrl, '/tokenize', timeoutMs, JSON.stringify({ content, add_special: addSpecial }));
  const tokens = (body as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new ClientError('malformed', '/tokenize answered without a list of token ids');
  return tokens.length;
}

export interface MiddlewareCall {
  composed: ComposedRequest;
  answer: ChatRecord;
  /** Null when the request failed or counting failed (the reason is in `overheadError`). */
  overhead: TokenOverhead | null;
  overheadError: string | null;
}

/** Tokens of the reasoning blocks in an answer: the whole answer's count less the count without them. */
async function thinkingTokens(baseUrl: string, text: string): Promise<number> {
  const stripped = stripReasoningBlocks(text);
  if (stripped.removed.length === 0) return 0;
  return Math.max(0, (await countTokens(baseUrl, text)) - (await countTokens(baseUrl, stripped.text)));
}

/** Counts every part of the composed prompt and the answer's reasoning; throws a ClientError when /tokenize fails. */
export async function countOverhead(baseUrl: string, composed: ComposedRequest, answer: ChatRecord, includeThinking: boolean): Promise<TokenOverhead> {
  const parts = [];
  for (const p of composed.parts) parts.push({ source: p.source, tokens: await countTokens(baseUrl, p.text) });
  return tokenOverhead({
    parts,
    serverPromptTokens: answer.timings?.prompt_n ?? answer.promptTokens,
    prefillMs: answer.timings?.prompt_ms ?? null,
    outputTokens: answer.completionTokens ?? answer.timings?.predicted_n ?? null,
    thinkingTokens: await thinkingTokens(baseUrl, answer.text),
    includeThinking,
    // No profile declares tools (function calling) yet: nothing to count, which the record says with null.
    toolTokens: null,
  });
}

export type ChatOptions = Omit<ChatRequest, 'messages'>;

/** Composes `messages` under `mw`, sends them, and counts the overhead of a successful answer. Never throws. */
export async function chatWithMiddleware(baseUrl: string, messages: readonly ChatMessage[], mw: ResolvedMiddleware, options: ChatOptions, includeThinking: boolean): Promise<MiddlewareCall> {
  const composed = composeRequest(messages, mw);
  const answer = await chat(baseUrl, { ...options, messages: composed.messages });
  if (!answer.ok) return { composed, answer, overhead: null, overheadError: `the request failed: ${answer.error}` };
  try {
    return { composed, answer, overhead: await countOverhead(baseUrl, composed, answer, includeThinking), overheadError: null };
  } catch (e) {
    return { composed, answer, overhead: null, overheadError: e instanceof Error ? e.message : String(e) };
  }
}

/** What responses.jsonl keeps of a call's composition: the preset, the sources in order and the final messages. */
export function compositionRecord(call: Pick<MiddlewareCall, 'composed' | 'overhead' | 'overheadError'>): Record<string, unknown> {
  return {
    middleware: call.composed.middleware,
    sources: call.composed.parts.map((p) => p.source),
    final_messages: call.composed.messages,
    token_overhead: call.overhead,
    ...(call.overheadError ? { token_overhead_error: call.overheadError } : {}),
  };
}
