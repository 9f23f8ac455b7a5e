import { setTimeout as sleep } from 'node:timers/promises';
import { streamCompletion, type RequestRecord } from '../client/completion.ts';
import type { TokenArrival } from '../analysis/throttle.ts';
import type { Prompt } from './prompts.ts';

export interface LoadOptions {
  baseUrl: string;
  prompts: readonly Prompt[];
  maxTokens: number;
  seed: number;
  timeoutMs: number;
  /** true: the first failed request ends the load (a probe needs a busy server); false: wait 1 s and go on (a soak). */
  stopOnError: boolean;
  onFailure?: (r: RequestRecord, index: number) => void;
}

export interface RunningLoad {
  /** When each output token streamed in (performance.now()), for the requests finished so far, failed ones included. */
  tokenArrivals(): readonly TokenArrival[];
  /** Ends the load after the request in flight. */
  stop(): Promise<{ requests: number; failures: number; firstError: string | null }>;
}

/** Requests back to back, one at a time, as a busy assistant would be: the background of the invisibility probe and the soak. */
export function startBackgroundLoad(o: LoadOptions): RunningLoad {
  let running = true;
  let requests = 0;
  let failures = 0;
  const arrivals: TokenArrival[] = [];
  let firstError: string | null = null;
  const done = (async () => {
    while (running) {
      const prompt = o.prompts[requests % o.prompts.length]!;
      const sentAt = performance.now();
      const r = await streamCompletion(o.baseUrl, { prompt: prompt.prompt, maxTokens: o.maxTokens, seed: o.seed, ignoreEos: true, timeoutMs: o.timeoutMs });
      requests++;
      arrivals.push(...tokenArrivalsOf(r, sentAt));
      if (r.ok) continue;
      failures++;
      firstError ??= r.error;
      o.onFailure?.(r, requests);
      if (o.stopOnError) break;
      await sleep(1000);
    }
  })();
  return {
    tokenArrivals: () => arrivals,
    async stop() {
      running = false;
      await done;
      return { requests, failures, firstError };
    },
  };
}

/**
 * The instants a request's output streamed in, rebuilt from its TTFT and inter-token gaps; an event that carried
 * several tokens (a held-back UTF-8 sequence) shares the request's tokens evenly with the others.
 */
export function tokenArrivalsOf(r: Pick<RequestRecord, 'ttftMs' | 'itlMs' | 'outputTokens'>, sentAt: number): TokenArrival[] {
  if (r.ttftMs === null || r.outputTokens === 0) return [];
  const perEvent = r.outputTokens / (r.itlMs.length + 1);
  let at = sentAt + r.ttftMs;
  const out: TokenArrival[] = [{ at, tokens: perEvent }];
  for (const gap of r.itlMs) out.push({ at: (at += gap), tokens: perEvent });
  return out;
}
