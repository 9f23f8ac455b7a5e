// Ollama's native chat API (/api/chat at the server's origin), used for an OpenAI-compatible target that turns out
// to be Ollama: its stream is newline-delimited JSON, and its last line carries the server's own timings
// (prompt_eval_count / prompt_eval_duration, eval_count / eval_duration, in nanoseconds), which the OpenAI API
// does not. They become the same `timings` llama-server reports, so the server-side figures work the same way.
import type { CompletionRequest, RequestRecord } from './request-types.ts';
import { authHeaders, type EndpointSettings } from './endpoints.ts';
import { notSent } from './openai.ts';
import type { ServerTimings, StreamResult } from './stream.ts';
import { streamRequest, type TokenParser } from './stream-request.ts';

/** The fields of an Ollama stream line this client reads. */
export interface OllamaEvent {
  message?: { content?: unknown; thinking?: unknown };
  response?: unknown;
  done?: unknown;
  done_reason?: unknown;
  error?: unknown;
  prompt_eval_count?: unknown;
  prompt_eval_duration?: unknown;
  eval_count?: unknown;
  eval_duration?: unknown;
}

const whole = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/**
 * Ollama's durations (ns) and counts as llama-server's `timings` (ms, tokens/s). All four fields, with positive
 * durations, or null: a half-reported request has no server timings rather than a made-up rate.
 */
export function ollamaTimings(e: OllamaEvent): ServerTimings | null {
  const promptN = whole(e.prompt_eval_count);
  const promptNs = whole(e.prompt_eval_duration);
  const predictedN = whole(e.eval_count);
  const predictedNs = whole(e.eval_duration);
  if (promptN === null || promptNs === null || predictedN === null || predictedNs === null || promptNs === 0 || predictedNs === 0) return null;
  const promptMs = promptNs / 1e6;
  const predictedMs = predictedNs / 1e6;
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_second: promptN / (promptMs / 1000),
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_second: predictedN / (predictedMs / 1000),
  };
}

/** Server bytes in a message: one line, no control characters, short. */
function printable(text: string, max = 120): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Newline-delimited JSON to token arrival times; pure, like CompletionStream. */
export class OllamaStream implements TokenParser {
  private buffer = '';
  private now = 0;
  private tokens = 0;
  private exceeded: number | null = null;
  private readonly result: StreamResult = { tokenTimes: [], tokenCounts: [], text: '', timings: null, promptTokens: null, usage: null, stopType: null, done: false, errorMessage: null };

  constructor(private readonly maxTokens = Infinity) {}

  get tokensOverLimit(): number | null {
    return this.exceeded;
  }

  get outputEvents(): number {
    return this.result.tokenTimes.length;
  }

  push(chunk: string, arrivedAt: number): void {
    this.now = arrivedAt;
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  end(): StreamResult {
    if (this.buffer.trim()) this.onLine(this.buffer);
    this.buffer = '';
    return this.result;
  }

  private onLine(line: string): void {
    const r = this.result;
    if (this.exceeded !== null || line.trim() === '') return;
    let e: OllamaEvent;
    try {
      e = JSON.parse(line) as OllamaEvent;
    } catch {
      r.errorMessage ??= `stream line is not JSON: ${printable(line)}`;
      return;
    }
    if (e === null || typeof e !== 'object') {
      r.errorMessage ??= `stream line is not an object: ${printable(line)}`;
      return;
    }
    if (e.error !== undefined) {
      r.errorMessage = printable(typeof e.error === 'string' ? e.error : JSON.stringify(e.error), 300);
      return;
    }
    const content = typeof e.message?.content === 'string' ? e.message.content : typeof e.response === 'string' ? e.response : '';
    const thinking = typeof e.message?.thinking === 'string' ? e.message.thinking : '';
    const tokens = content.length > 0 || thinking.length > 0 ? 1 : 0;
    if (this.tokens + tokens > this.maxTokens) {
      this.exceeded = this.tokens + tokens;
      return;
    }
    if (tokens > 0) {
      r.tokenTimes.push(this.now);
      r.tokenCounts.push(tokens);
      this.tokens += tokens;
      r.text += content;
    }
    if (e.done === true) {
      r.done = true;
      r.stopType = typeof e.done_reason === 'string' ? e.done_reason : null;
      r.timings = ollamaTimings(e);
      r.usage = { promptTokens: whole(e.prompt_eval_count), completionTokens: whole(e.eval_count) };
      r.promptTokens = r.usage.promptTokens;
    }
  }
}

export function ollamaChatBody(endpoint: Pick<EndpointSettings, 'model'>, prompt: string, req: Pick<CompletionRequest, 'maxTokens' | 'seed'>): Record<string, unknown> {
  return {
    ...(endpoint.model ? { model: endpoint.model } : {}),
    messages: [{ role: 'user', content: prompt }],
    stream: true,
    options: { num_predict: req.maxTokens, temperature: 0, seed: req.seed },
  };
}

/** The prompt as one user message, streamed from `<origin>/api/chat`. */
export async function streamOllamaChat(baseUrl: string, endpoint: EndpointSettings & { origin: string }, req: CompletionRequest): Promise<RequestRecord> {
  if (typeof req.prompt !== 'string') return notSent("a prompt of token ids needs llama-server's native /completion (the tokenize capability); this server speaks Ollama's API");
  const url = `${endpoint.origin}/api/chat`;
  const stream = new OllamaStream(req.maxTokens > 0 ? req.maxTokens : Infinity);
  return streamRequest(url, JSON.stringify(ollamaChatBody(endpoint, req.prompt, req)), { accept: 'application/x-ndjson', ...authHeaders(baseUrl, url) }, stream, req);
}
