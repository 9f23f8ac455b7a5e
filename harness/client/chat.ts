import { ownConnection } from './connection.ts';
import { request } from 'undici';
import { authHeaders, endpointFor } from './endpoints.ts';
import { ClientError, oneLine, readCapped, requestDeadline, responseByteCap } from './limits.ts';
import type { ServerTimings } from './stream.ts';

export interface ChatRequest {
  messages: { role: string; content: string }[];
  maxTokens: number;
  seed: number;
  timeoutMs: number;
  /** Sampling temperature; default 0 (deterministic, as the graded profiles need). */
  temperature?: number;
  /** OpenAI-style `response_format` (e.g. json_schema): llama-server constrains decoding to it with a grammar. */
  responseFormat?: Record<string, unknown>;
  /** Bytes of answer accepted; default: the configured cap (`client.max_response_mb`). */
  maxResponseBytes?: number;
}

/** What the server answered: only a complete, well-formed answer within the limits gets this far. */
export interface ChatAnswer {
  text: string;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  timings: ServerTimings | null;
}

export interface ChatRecord extends ChatAnswer {
  ok: boolean;
  error: string | null;
}

interface ChatResponse {
  choices?: { message?: { content?: unknown } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  timings?: ServerTimings;
  error?: { message?: string };
}

/**
 * One non-streaming `/v1/chat/completions` request through the model's chat template, deterministic decoding.
 * Throws a ClientError (one-line message) when the server cannot be reached, answers an HTTP error, does not finish
 * within `timeoutMs` (body included), sends more than the byte cap, sends something that is not a chat answer, or
 * reports more completion tokens than `maxTokens`.
 */
export async function requestChat(baseUrl: string, req: ChatRequest): Promise<ChatAnswer> {
  const t0 = performance.now();
  const deadline = requestDeadline(req.timeoutMs, 'no answer');
  let answered = false;
  let status: number;
  let text: string;
  // llama-server: its /v1 API, with the prompt cache off. An OpenAI-compatible target: its base URL already ends
  // where /chat/completions goes, requests name the model, and only OpenAI's own fields are sent.
  const endpoint = endpointFor(baseUrl);
  const native = endpoint.api === 'llama';
  const url = native ? `${baseUrl}/v1/chat/completions` : `${baseUrl}/chat/completions`;
  try {
    const res = await request(url, {
      reset: ownConnection(url),
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(baseUrl, url) },
      body: JSON.stringify({
        ...(endpoint.model ? { model: endpoint.model } : {}),
        messages: req.messages,
        max_tokens: req.maxTokens,
        temperature: req.temperature ?? 0,
        seed: req.seed,
        stream: false,
        ...(native ? { cache_prompt: false } : {}),
        ...(req.responseFormat ? { response_format: req.responseFormat } : {}),
      }),
      signal: deadline.signal,
    });
    answered = true;
    status = res.statusCode;
    text = await readCapped(res, req.maxResponseBytes ?? responseByteCap());
  } catch (e) {
    throw deadline.fail(e, answered);
  }
  let body: ChatResponse;
  try {
    body = JSON.parse(text) as ChatResponse;
  } catch {
    throw new ClientError(status === 200 ? 'malformed' : 'http', status === 200 ? `the answer is not JSON: ${oneLine(text, 120)}` : `HTTP ${status}: ${oneLine(text, 200)}`);
  }
  if (status !== 200) throw new ClientError('http', `HTTP ${status}: ${oneLine(String(body?.error?.message ?? 'no message'))}`);
  const content = body?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new ClientError('malformed', 'the answer has no choices[0].message.content text');
  const completionTokens = typeof body.usage?.completion_tokens === 'number' ? body.usage.completion_tokens : null;
  const reported = Math.max(completionTokens ?? 0, typeof body.timings?.predicted_n === 'number' ? body.timings.predicted_n : 0);
  if (req.maxTokens > 0 && reported > req.maxTokens) {
    throw new ClientError('too-many-tokens', `the server reports ${reported} completion tokens for max_tokens ${req.maxTokens}`);
  }
  return {
    text: content,
    latencyMs: performance.now() - t0,
    promptTokens: typeof body.usage?.prompt_tokens === 'number' ? body.usage.prompt_tokens : null,
    completionTokens,
    timings: body.timings ?? null,
  };
}

/** `requestChat` as a record: never throws; a failure is `ok: false` with its one-line `error`. */
export async function chat(baseUrl: string, req: ChatRequest): Promise<ChatRecord> {
  const t0 = performance.now();
  try {
    return { ok: true, error: null, ...(await requestChat(baseUrl, req)) };
  } catch (e) {
    const error = e instanceof ClientError ? e.message : oneLine(String((e as Error)?.message ?? e));
    return { ok: false, error, text: '', latencyMs: performance.now() - t0, promptTokens: null, completionTokens: null, timings: null };
  }
}
