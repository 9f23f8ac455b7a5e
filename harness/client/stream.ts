import { createParser, type EventSourceParser } from 'eventsource-parser';

/** llama-server's own account of a request (the `timings` object of the last streamed event). */
export interface ServerTimings {
  prompt_n: number;
  prompt_ms: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_second: number;
  cache_n?: number;
}

/** Token counts the server reported (OpenAI `usage`, Ollama's eval counts): authoritative over counting events. */
export interface UsageCounts {
  promptTokens: number | null;
  completionTokens: number | null;
}

export interface StreamResult {
  /** Arrival time (ms, same clock as `sentAt`) of each streamed event that carried output. */
  tokenTimes: number[];
  /** Tokens per event; llama-server sends one per event unless it holds back an incomplete UTF-8 sequence. */
  tokenCounts: number[];
  text: string;
  timings: ServerTimings | null;
  promptTokens: number | null;
  /** OpenAI's last event with `stream_options.include_usage` (or Ollama's counts); null when the server sent none. */
  usage?: UsageCounts | null;
  stopType: string | null;
  done: boolean;
  errorMessage: string | null;
}

interface CompletionEvent {
  content?: string;
  tokens?: number[];
  stop?: boolean;
  stop_type?: string;
  timings?: ServerTimings;
  tokens_evaluated?: number;
  error?: { message?: string } | string;
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/**
 * Turns the raw SSE text of a streaming `/completion` (or `/v1/chat/completions`) response into token arrival
 * times. Pure: the caller passes each chunk with the time it arrived, so tests can feed recorded streams.
 */
export class CompletionStream {
  private readonly parser: EventSourceParser;
  private readonly result: StreamResult = {
    tokenTimes: [],
    tokenCounts: [],
    text: '',
    timings: null,
    promptTokens: null,
    stopType: null,
    done: false,
    errorMessage: null,
  };
  private now = 0;
  private tokens = 0;
  private exceeded: number | null = null;

  /** `maxTokens`: events past that many output tokens are not taken in (see `tokensOverLimit`). */
  constructor(private readonly maxTokens = Infinity) {
    this.parser = createParser({
      onEvent: (event) => this.onData(event.data),
      onError: (error) => {
        this.result.errorMessage ??= `malformed event stream: ${printable(error.message)}`;
      },
    });
  }

  /** The token count of the first event that went past `maxTokens`, or null: the client stops reading there. */
  get tokensOverLimit(): number | null {
    return this.exceeded;
  }

  /** Events that carried output so far. */
  get outputEvents(): number {
    return this.result.tokenTimes.length;
  }

  push(chunk: string, arrivedAt: number): void {
    this.now = arrivedAt;
    this.parser.feed(chunk);
  }

  end(): StreamResult {
    this.parser.reset({ consume: true });
    return this.result;
  }

  private onData(data: string): void {
    const r = this.result;
    if (this.exceeded !== null) return;
    if (data === '[DONE]') {
      r.done = true;
      return;
    }
    let event: CompletionEvent;
    try {
      event = JSON.parse(data) as CompletionEvent;
    } catch {
      r.errorMessage ??= `event is not JSON: ${printable(data)}`;
      return;
    }
    if (event.error) {
      r.errorMessage = printable(typeof event.error === 'string' ? event.error : (event.error.message ?? JSON.stringify(event.error)), 300);
      return;
    }
    const choice = event.choices?.[0];
    const content = event.content ?? choice?.delta?.content ?? '';
    // A reasoning model's thinking is output too: its tokens time the stream, its text is not the answer.
    const thinking = choice?.delta?.reasoning_content ?? choice?.delta?.reasoning ?? '';
    const tokens = event.tokens?.length ?? (content.length > 0 || thinking.length > 0 ? 1 : 0);
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
    if (event.timings) r.timings = event.timings;
    if (typeof event.tokens_evaluated === 'number') r.promptTokens = event.tokens_evaluated;
    if (event.usage && typeof event.usage === 'object') {
      r.usage = { promptTokens: count(event.usage.prompt_tokens), completionTokens: count(event.usage.completion_tokens) };
      if (r.usage.promptTokens !== null) r.promptTokens = r.usage.promptTokens;
    }
    if (event.stop) {
      r.done = true;
      r.stopType = event.stop_type ?? null;
    }
    // OpenAI ends a choice with its finish_reason; the usage event and [DONE] follow.
    if (choice?.finish_reason) r.stopType = choice.finish_reason;
  }
}

/** Server bytes in a message: one line, no control characters, short. */
function printable(text: string, max = 120): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export interface LatencyRecord {
  /** Request sent → first streamed token: queueing and prefill included. */
  ttftMs: number | null;
  /** Request sent → last streamed token. */
  e2eMs: number | null;
  /** Gaps between consecutive streamed events, the first excluded; events that came in one read are 0 apart. */
  itlMs: number[];
  outputTokens: number;
  /** (E2E − TTFT) ÷ the tokens that arrived after the first read; null when delivery was bunched (see `decodeNote`). */
  tpotMs: number | null;
  /** 1000 ÷ TPOT: the client's view of decode speed. */
  decodeTps: number | null;
  /** Why the client saw no decode time, when it saw none; null otherwise. */
  decodeNote: string | null;
}

/**
 * A client can time decoding only from reads that arrive as the tokens are made. On a loaded machine the client may
 * not read for a while and then find several events waiting; at more than this many events per read (after the
 * first) the span between reads measures the client's reading, not the server's decoding (seen: 16 tokens in two
 * reads 1 ms apart read as 15,000 tok/s). Not fewer: tiny decodes at up to ~900 tok/s here, and a healthy client
 * then reads two events at a time (128 tokens in 57 reads, matching the server's own rate). Events, not tokens: a server that packs several tokens into each event
 * still shows its pace event by event.
 */
export const MAX_EVENTS_PER_READ = 4;

/**
 * No client reads tokens faster than the server makes them: a client-side speed above the server's own (llama-server's
 * `timings`) means the client read tokens that were already waiting, in reads that each stayed under
 * MAX_EVENTS_PER_READ (seen: 16 tokens in 4 reads within 1 ms, read as 13,700 tok/s from a server making 950). The
 * margin: the server divides n tokens by n − 1 intervals (7 % high at 16 tokens), and the client's span moves by one
 * read at each end; of 1,700 e2e requests that passed the bunching rule with most of the answer after the first read,
 * 95 % read at most 1.13 times the server's speed.
 * A slower client figure is kept: it is what the client saw, and it does not flatter.
 */
export const MAX_OVER_SERVER_SPEED = 1.25;

/** The definitions most peer tools share (GuideLLM, vLLM's benchmark, genai-perf); the README states them. */
export function latencies(stream: StreamResult, sentAt: number): LatencyRecord {
  const times = stream.tokenTimes;
  // The server's own count when it gave one (events may carry several tokens each); else one per event.
  const outputTokens = stream.usage?.completionTokens ?? stream.tokenCounts.reduce((a, b) => a + b, 0);
  if (times.length === 0) return { ttftMs: null, e2eMs: null, itlMs: [], outputTokens, tpotMs: null, decodeTps: null, decodeNote: 'no token arrived' };
  const first = times[0]!;
  const ttftMs = first - sentAt;
  const e2eMs = times[times.length - 1]! - sentAt;
  const itlMs = times.slice(1).map((t, i) => t - times[i]!);
  // Tokens in the first read were made before the client saw any: the decode span starts at that read.
  const firstReadTokens = stream.tokenCounts.reduce((a, n, i) => (times[i] === first ? a + n : a), 0);
  const decodeTokens = outputTokens - firstReadTokens;
  const eventsAfterFirst = times.filter((t) => t !== first).length;
  const readsAfterFirst = new Set(times.filter((t) => t !== first)).size;
  let tpotMs: number | null = null;
  let decodeNote: string | null = null;
  if (decodeTokens < 1 || readsAfterFirst === 0) decodeNote = outputTokens < 2 ? 'fewer than two tokens' : 'the whole answer reached the client in one read';
  else if (eventsAfterFirst > MAX_EVENTS_PER_READ * readsAfterFirst) {
    decodeNote = `bunched delivery: ${eventsAfterFirst} events after the first read arrived in ${readsAfterFirst} read(s), more than ${MAX_EVENTS_PER_READ} per read`;
  } else tpotMs = (e2eMs - ttftMs) / decodeTokens;
  let decodeTps = tpotMs !== null && tpotMs > 0 ? 1000 / tpotMs : null;
  const serverTps = stream.timings?.predicted_per_second ?? 0;
  if (decodeTps !== null && serverTps > 0 && decodeTps > MAX_OVER_SERVER_SPEED * serverTps) {
    decodeNote = `faster than the server's own decode: ${decodeTps.toFixed(0)} tok/s read, ${serverTps.toFixed(0)} tok/s made (more than ${MAX_OVER_SERVER_SPEED} times), so the client read tokens that were already waiting`;
    tpotMs = null;
    decodeTps = null;
  }
  return { ttftMs, e2eMs, itlMs, outputTokens, tpotMs, decodeTps, decodeNote };
}

/**
 * Gaps between consecutive reads that brought output, the first read excluded: the pauses a reader of the stream saw.
 * With one token per read (llama-server on a machine with room) these are the gaps between tokens; tokens that came
 * together in one read (stamped with the same instant, so 0 apart in `itlMs`) are one gap, not zeros nobody measured
 * (a starved client's per-event gaps read 0.16 ms at the median against 1.8–2.6 ms when it kept pace).
 */
export function readGapsMs(itlMs: readonly number[]): number[] {
  return itlMs.filter((gap) => gap !== 0);
}
