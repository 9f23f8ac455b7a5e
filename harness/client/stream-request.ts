// One streaming request, whatever the API: POST a body, read the answer within the byte cap and the deadline, feed
// each chunk to the API's parser with its arrival time, stop at once when the answer holds more tokens than asked
// for. Shared by llama-server's /completion, OpenAI's /chat/completions and Ollama's /api/chat.
import { ownConnection } from './connection.ts';
import { request } from 'undici';
import type { CompletionRequest, RequestRecord } from './request-types.ts';
import { cappedChunks, checkDeclaredLength, ClientError, oneLine, readCapped, requestDeadline, responseByteCap } from './limits.ts';
import { latencies, type StreamResult } from './stream.ts';

/** Turns the raw body into token arrival times (CompletionStream for SSE, OllamaStream for NDJSON). */
export interface TokenParser {
  push(chunk: string, arrivedAt: number): void;
  end(): StreamResult;
  /** The token count of the first event past the limit, or null: reading stops there. */
  readonly tokensOverLimit: number | null;
  /** Events that carried output so far (for `onOutput`). */
  readonly outputEvents: number;
}

export function tooManyTokens(got: number, asked: number): ClientError {
  return new ClientError('too-many-tokens', `the server sent ${got} tokens for max_tokens ${asked}: stopped reading the answer`);
}

/** Never throws: a failure is `ok: false` with a one-line `error`. */
export async function streamRequest(
  url: string,
  body: string,
  headers: Record<string, string>,
  parser: TokenParser,
  req: Pick<CompletionRequest, 'maxTokens' | 'timeoutMs' | 'maxResponseBytes' | 'onOutput'>,
): Promise<RequestRecord> {
  const cap = req.maxResponseBytes ?? responseByteCap();
  const startedAt = Date.now();
  const sentAt = performance.now();
  const deadline = requestDeadline(req.timeoutMs);
  let error: string | null = null;
  let answered = false;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: deadline.signal,
      reset: ownConnection(url),
    });
    answered = true;
    if (res.statusCode !== 200) throw new ClientError('http', `HTTP ${res.statusCode}: ${oneLine(await readCapped(res, cap), 300)}`);
    checkDeclaredLength(res, cap);
    const decoder = new TextDecoder();
    for await (const chunk of cappedChunks(res.body, cap)) {
      const seen = parser.outputEvents;
      parser.push(decoder.decode(chunk, { stream: true }), performance.now());
      const over = parser.tokensOverLimit;
      if (over !== null) throw tooManyTokens(over, req.maxTokens);
      if (req.onOutput && parser.outputEvents > seen) req.onOutput(seen === 0);
    }
  } catch (e) {
    error = deadline.fail(e, answered).message;
  }
  const result = parser.end();
  error ??= result.errorMessage ?? (result.done ? null : 'the stream ended before the server said it was done');
  // What the server says it generated, from its timings or its usage: more than asked for is an error too.
  const reported = Math.max(result.timings?.predicted_n ?? 0, result.usage?.completionTokens ?? 0);
  if (error === null && req.maxTokens > 0 && reported > req.maxTokens) error = tooManyTokens(reported, req.maxTokens).message;
  return {
    ok: error === null,
    error,
    startedAt,
    promptTokens: result.timings?.prompt_n ?? result.promptTokens,
    text: result.text,
    stopType: result.stopType,
    timings: result.timings,
    ...latencies(result, sentAt),
  };
}
