// OpenAI's chat API (vLLM, LM Studio, llama-swap, Ollama's /v1, llama-server's /v1, OpenAI itself): a streamed
// /chat/completions with `stream_options.include_usage`, so token counts come from the server's `usage`. Only
// fields of OpenAI's own API are sent (no `ignore_eos`, no `cache_prompt`): a strict server refuses others, so an
// answer may end before max_tokens, and the figures count the tokens it really had.
import type { CompletionRequest, RequestRecord } from './request-types.ts';
import { authHeaders, type EndpointSettings } from './endpoints.ts';
import { CompletionStream } from './stream.ts';
import { streamRequest } from './stream-request.ts';

/** A request that could not be sent at all, as a record (streamCompletion never throws). */
export function notSent(error: string): RequestRecord {
  return { ok: false, error, startedAt: Date.now(), promptTokens: null, text: '', stopType: null, timings: null, ttftMs: null, e2eMs: null, itlMs: [], outputTokens: 0, tpotMs: null, decodeTps: null, decodeNote: 'not sent' };
}

export function openAiChatBody(endpoint: Pick<EndpointSettings, 'model'>, prompt: string, req: Pick<CompletionRequest, 'maxTokens' | 'seed'>): Record<string, unknown> {
  return {
    ...(endpoint.model ? { model: endpoint.model } : {}),
    messages: [{ role: 'user', content: prompt }],
    max_tokens: req.maxTokens,
    temperature: 0,
    seed: req.seed,
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** The prompt as one user message, streamed from `<base>/chat/completions`. */
export async function streamOpenAiChat(baseUrl: string, endpoint: EndpointSettings, req: CompletionRequest): Promise<RequestRecord> {
  if (typeof req.prompt !== 'string') return notSent("a prompt of token ids needs llama-server's native /completion (the tokenize capability); this server speaks the OpenAI API");
  const url = `${baseUrl}/chat/completions`;
  const stream = new CompletionStream(req.maxTokens > 0 ? req.maxTokens : Infinity);
  return streamRequest(url, JSON.stringify(openAiChatBody(endpoint, req.prompt, req)), { accept: 'text/event-stream', ...authHeaders(baseUrl, url) }, stream, req);
}
