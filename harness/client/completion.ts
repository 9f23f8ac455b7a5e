import { request } from 'undici';
import { CompletionStream, latencies, type LatencyRecord, type ServerTimings } from './stream.ts';

export interface CompletionRequest {
  /** Text, or token ids (exact prompt sizes, as the long-context ladder needs). */
  prompt: string | number[];
  maxTokens: number;
  seed: number;
  /** Generate exactly maxTokens: the random-weight default models emit end-of-text at random. */
  ignoreEos: boolean;
  timeoutMs: number;
  /** Let the server reuse the KV cache of an earlier prompt with the same prefix (off: every request pays full prefill). */
  cachePrompt?: boolean;
}

export interface RequestRecord extends LatencyRecord {
  ok: boolean;
  error: string | null;
  /** ms since the epoch, for the responses file. */
  startedAt: number;
  promptTokens: number | null;
  text: string;
  stopType: string | null;
  timings: ServerTimings | null;
}

/** One streaming `/completion` request with deterministic decoding (temperature 0, fixed seed). */
export async function streamCompletion(baseUrl: string, req: CompletionRequest): Promise<RequestRecord> {
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
  const stream = new CompletionStream();
  const startedAt = Date.now();
  const sentAt = performance.now();
  let error: string | null = null;
  try {
    const res = await request(`${baseUrl}/completion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    if (res.statusCode !== 200) {
      error = `HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`;
    } else {
      const decoder = new TextDecoder();
      for await (const chunk of res.body) stream.push(decoder.decode(chunk as Buffer, { stream: true }), performance.now());
    }
  } catch (e) {
    error = (e as Error).name === 'TimeoutError' ? `no complete answer within ${req.timeoutMs / 1000} s` : (e as Error).message;
  }
  const result = stream.end();
  error ??= result.errorMessage ?? (result.done ? null : 'the stream ended before the server said it was done');
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

/** Token ids of `content` as the server's own tokenizer sees them (no BOS added). */
export async function tokenize(baseUrl: string, content: string, timeoutMs = 60_000): Promise<number[]> {
  const res = await request(`${baseUrl}/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content, add_special: false }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`/tokenize answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { tokens: number[] }).tokens;
}

/** What the server says about its model (`/v1/models`): the slot's context size and the model's training context. */
export async function modelInfo(baseUrl: string): Promise<{ nCtx: number | null; nCtxTrain: number | null; sizeBytes: number | null; params: number | null }> {
  const res = await request(`${baseUrl}/v1/models`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.body.json()) as { data?: { meta?: { n_ctx?: number; n_ctx_train?: number; size?: number; n_params?: number } }[] };
  const meta = body.data?.[0]?.meta ?? {};
  return { nCtx: meta.n_ctx ?? null, nCtxTrain: meta.n_ctx_train ?? null, sizeBytes: meta.size ?? null, params: meta.n_params ?? null };
}
