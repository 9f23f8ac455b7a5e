import { request } from 'undici';
import type { ServerTimings } from './stream.ts';

export interface ChatRequest {
  messages: { role: string; content: string }[];
  maxTokens: number;
  seed: number;
  timeoutMs: number;
  /** OpenAI-style `response_format` (e.g. json_schema): llama-server constrains decoding to it with a grammar. */
  responseFormat?: Record<string, unknown>;
}

export interface ChatRecord {
  ok: boolean;
  error: string | null;
  text: string;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  timings: ServerTimings | null;
}

interface ChatResponse {
  choices?: { message?: { content?: string } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  timings?: ServerTimings;
  error?: { message?: string };
}

/** One non-streaming `/v1/chat/completions` request through the model's chat template, deterministic decoding. */
export async function chat(baseUrl: string, req: ChatRequest): Promise<ChatRecord> {
  const t0 = performance.now();
  const failed = (error: string): ChatRecord => ({
    ok: false, error, text: '', latencyMs: performance.now() - t0, promptTokens: null, completionTokens: null, timings: null,
  });
  try {
    const res = await request(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: req.messages, max_tokens: req.maxTokens, temperature: 0, seed: req.seed, stream: false, cache_prompt: false, ...(req.responseFormat ? { response_format: req.responseFormat } : {}) }),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const body = (await res.body.json().catch(() => ({}))) as ChatResponse;
    if (res.statusCode !== 200) return failed(`HTTP ${res.statusCode}: ${body.error?.message ?? 'no message'}`);
    return {
      ok: true,
      error: null,
      text: body.choices?.[0]?.message?.content ?? '',
      latencyMs: performance.now() - t0,
      promptTokens: body.usage?.prompt_tokens ?? null,
      completionTokens: body.usage?.completion_tokens ?? null,
      timings: body.timings ?? null,
    };
  } catch (e) {
    return failed((e as Error).name === 'TimeoutError' ? `no answer within ${req.timeoutMs / 1000} s` : (e as Error).message);
  }
}
