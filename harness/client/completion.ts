import { request } from 'undici';
import { CompletionStream, latencies, type LatencyRecord, type ServerTimings } from './stream.ts';

export interface CompletionRequest {
  prompt: string;
  maxTokens: number;
  seed: number;
  /** Generate exactly maxTokens: the random-weight default models emit end-of-text at random. */
  ignoreEos: boolean;
  timeoutMs: number;
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
    cache_prompt: false,
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
