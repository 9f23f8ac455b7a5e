import { ownConnection } from './connection.ts';
import { request } from 'undici';
import { authHeaders, endpointFor } from './endpoints.ts';
import { ClientError, oneLine, readCapped, requestDeadline, responseByteCap } from './limits.ts';
import { streamOllamaChat } from './ollama.ts';
import { streamOpenAiChat } from './openai.ts';
import { CompletionStream } from './stream.ts';
import { streamRequest } from './stream-request.ts';
import type { CompletionRequest, RequestRecord } from './request-types.ts';

// Callers import the request shapes from here, beside the function that takes them.
export type { CompletionRequest, RequestRecord } from './request-types.ts';

/**
 * One streaming `/completion` request with deterministic decoding (temperature 0, fixed seed). Never throws: a
 * failure is `ok: false` with a one-line `error`. Reading stops at once when the answer passes the byte cap or
 * holds more tokens than `maxTokens`, and a stalled or unreadable body is an error, not a short answer.
 */
export async function streamCompletion(baseUrl: string, req: CompletionRequest): Promise<RequestRecord> {
  const endpoint = endpointFor(baseUrl);
  if (endpoint.api === 'openai') return streamOpenAiChat(baseUrl, endpoint, req);
  if (endpoint.api === 'ollama') return streamOllamaChat(baseUrl, endpoint, req);
  const body = JSON.stringify({
    prompt: req.prompt,
    n_predict: req.maxTokens,
    stream: true,
    temperature: 0,
    seed: req.seed,
    ignore_eos: req.ignoreEos,
    return_tokens: true,
    cache_prompt: req.cachePrompt ?? false,
  });
  const url = `${baseUrl}/completion`;
  const stream = new CompletionStream(req.maxTokens > 0 ? req.maxTokens : Infinity);
  return streamRequest(url, body, { accept: 'text/event-stream', ...authHeaders(baseUrl, url) }, stream, req);
}

/** Token ids of `content` as the server's own tokenizer sees them (no BOS added). */
export async function tokenize(baseUrl: string, content: string, timeoutMs = 60_000): Promise<number[]> {
  const body = await getJson(baseUrl, '/tokenize', timeoutMs, JSON.stringify({ content, add_special: false }));
  const tokens = (body as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens) || !tokens.every((t) => Number.isInteger(t))) throw new ClientError('malformed', '/tokenize answered without a list of token ids');
  return tokens as number[];
}

/** One small JSON request to `baseUrl` + `path` (GET, or POST with `body`); a failure of any kind throws a ClientError. */
export async function getJson(baseUrl: string, path: string, timeoutMs: number, body?: string): Promise<unknown> {
  const url = `${baseUrl}${path}`;
  const deadline = requestDeadline(timeoutMs, `${new URL(url).pathname} gave no answer`);
  let answered = false;
  let text: string;
  const auth = authHeaders(baseUrl, url);
  try {
    const res = await request(
      url,
      body === undefined
        ? { headers: auth, signal: deadline.signal, reset: ownConnection(url) }
        : { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body, signal: deadline.signal, reset: ownConnection(url) },
    );
    answered = true;
    text = await readCapped(res, responseByteCap());
    if (res.statusCode !== 200) throw new ClientError('http', `${new URL(url).pathname} answered HTTP ${res.statusCode}: ${oneLine(text)}`);
  } catch (e) {
    throw deadline.fail(e, answered);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientError('malformed', `${new URL(url).pathname} answered with something that is not JSON: ${oneLine(text, 120)}`);
  }
}

/** What the server says about its model (`/v1/models`): the slot's context size and the model's training context. */
export async function modelInfo(baseUrl: string, timeoutMs = 10_000): Promise<{ nCtx: number | null; nCtxTrain: number | null; sizeBytes: number | null; params: number | null }> {
  const body = (await getJson(baseUrl, '/v1/models', timeoutMs)) as { data?: { meta?: { n_ctx?: number; n_ctx_train?: number; size?: number; n_params?: number } }[] } | null;
  const meta = body?.data?.[0]?.meta ?? {};
  return { nCtx: meta.n_ctx ?? null, nCtxTrain: meta.n_ctx_train ?? null, sizeBytes: meta.size ?? null, params: meta.n_params ?? null };
}
