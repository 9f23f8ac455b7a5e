import { setTimeout as sleep } from 'node:timers/promises';
import { streamCompletion, type RequestRecord } from '../client/completion.ts';
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
  /** Output tokens of the requests finished since the last call. */
  takeTokens(): number;
  /** Ends the load after the request in flight. */
  stop(): Promise<{ requests: number; failures: number; firstError: string | null }>;
}

/** Requests back to back, one at a time, as a busy assistant would be: the background of the invisibility probe and the soak. */
export function startBackgroundLoad(o: LoadOptions): RunningLoad {
  let running = true;
  let requests = 0;
  let failures = 0;
  let tokens = 0;
  let firstError: string | null = null;
  const done = (async () => {
    while (running) {
      const prompt = o.prompts[requests % o.prompts.length]!;
      const r = await streamCompletion(o.baseUrl, { prompt: prompt.prompt, maxTokens: o.maxTokens, seed: o.seed, ignoreEos: true, timeoutMs: o.timeoutMs });
      requests++;
      if (r.ok) {
        tokens += r.outputTokens;
        continue;
      }
      failures++;
      firstError ??= r.error;
      o.onFailure?.(r, requests);
      if (o.stopOnError) break;
      await sleep(1000);
    }
  })();
  return {
    takeTokens() {
      const t = tokens;
      tokens = 0;
      return t;
    },
    async stop() {
      running = false;
      await done;
      return { requests, failures, firstError };
    },
  };
}
