// The shapes of one request and its record, apart from the senders: every transport (llama-server, OpenAI, Ollama)
// imports them from here, so completion.ts can import the transports without a circle.
import type { LatencyRecord, ServerTimings } from './stream.ts';

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
  /** Bytes of answer accepted; default: the configured cap (`client.max_response_mb`). */
  maxResponseBytes?: number;
  /** Called as each chunk with output arrives (`first`: the first output), e.g. for the energy split and end snapshots. */
  onOutput?: (first: boolean) => void;
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
