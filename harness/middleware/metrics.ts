// A cell's middleware figures from its per-request token overhead: what the injections cost in tokens and prefill.
import { lower, neither } from '../budgets/metric.ts';
import { failed, ok, skipped, type Metric } from '../measurement/schema.ts';
import { mean } from '../stats/summary.ts';
import type { TokenOverhead } from './overhead.ts';

/** Declared by every profile that sends its chat requests through the middleware (quality, temperature). */
export const MIDDLEWARE_METRICS = {
  prompt_tokens_mean: neither('prompt tokens per request (server count)', 'tokens'),
  original_tokens_mean: neither('original prompt tokens per request', 'tokens'),
  injected_tokens_mean: lower('middleware tokens per request', 'tokens'),
  template_tokens_mean: neither('chat-template tokens per request', 'tokens'),
  injected_share_pct: lower('middleware share of prompt tokens', '%'),
  injected_prefill_ms_mean: lower('prefill time spent on middleware tokens', 'ms'),
  thinking_tokens_mean: neither('reasoning tokens per answer', 'tokens'),
  tool_tokens_mean: lower('tool-declaration tokens per request', 'tokens'),
  injected_energy_wh: lower('energy spent on middleware prefill', 'Wh'),
} as const;
export type MiddlewareMetricName = keyof typeof MIDDLEWARE_METRICS;

/** Per-cell means over the requests whose overhead was counted; an error when none was, never a zero. */
export function middlewareMetrics(overheads: readonly (TokenOverhead | null)[], firstError: string | null): Record<MiddlewareMetricName, Metric> {
  const counted = overheads.filter((o): o is TokenOverhead => o !== null);
  const none = (unit: string) => failed(unit, `no request's tokens could be counted${firstError ? ` (first: ${firstError})` : ''}`);
  const avg = (unit: string, pick: (o: TokenOverhead) => number | null): Metric => {
    const xs = counted.map(pick).filter((v): v is number => v !== null);
    if (counted.length === 0) return none(unit);
    return xs.length > 0 ? ok(mean(xs), unit) : skipped(unit, 'the server reported no prompt token count or prefill time');
  };
  const prompt = counted.map((o) => o.prompt_tokens).filter((v): v is number => v !== null);
  const injected = counted.filter((o) => o.prompt_tokens !== null).map((o) => o.injected_tokens);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    prompt_tokens_mean: avg('tokens', (o) => o.prompt_tokens),
    original_tokens_mean: avg('tokens', (o) => o.original_tokens),
    injected_tokens_mean: avg('tokens', (o) => o.injected_tokens),
    template_tokens_mean: avg('tokens', (o) => o.template_tokens),
    // Tokens over tokens, not a mean of per-request shares: a long prompt weighs as much as it costs.
    injected_share_pct:
      counted.length === 0 ? none('%') : prompt.length > 0 && sum(prompt) > 0 ? ok((sum(injected) / sum(prompt)) * 100, '%') : skipped('%', 'the server reported no prompt token count'),
    injected_prefill_ms_mean: avg('ms', (o) => o.injected_prefill_ms),
    thinking_tokens_mean: avg('tokens', (o) => o.thinking_tokens),
    tool_tokens_mean: skipped('tokens', 'no tools are declared in these requests'),
    injected_energy_wh: skipped('Wh', 'energy is not measured in this profile'),
  };
}
