// Token overhead of one chat request, pure: what the prompt held by source (counted with the server's tokenizer),
// what the chat template added, what the answer spent on reasoning, and the share of prefill time each took.
import { INJECTED_SOURCES, type InjectedSource, type PromptPart } from './compose.ts';

export interface PartCount {
  source: PromptPart['source'];
  tokens: number;
}

export interface OverheadInput {
  parts: readonly PartCount[];
  /** Prompt tokens the server reports for the request (usage.prompt_tokens / timings.prompt_n); null if it did not. */
  serverPromptTokens: number | null;
  /** Prefill time the server reports (timings.prompt_ms); null if it did not. */
  prefillMs: number | null;
  /** Output tokens the server reports. */
  outputTokens: number | null;
  /** Tokens of reasoning blocks in the answer (<think>…</think>), counted with the server's tokenizer. */
  thinkingTokens: number;
  includeThinking: boolean;
  /** Tokens of declared tools; null when the request declares none. */
  toolTokens: number | null;
}

export interface TokenOverhead {
  prompt_tokens: number | null;
  original_tokens: number;
  injected_tokens: number;
  injected_by_source: Record<InjectedSource, number>;
  /**
   * prompt − original − injected − tools: the chat template's own tokens (role markers, BOS), the separators the
   * composition adds, and any merge at a piece's boundary. Null when the server reported no prompt count.
   */
  template_tokens: number | null;
  tool_tokens: number | null;
  output_tokens: number | null;
  thinking_tokens: number;
  /** Output tokens as counted: with or without the reasoning, as `include_thinking` says. */
  counted_output_tokens: number | null;
  /** injected ÷ prompt tokens, %. */
  injected_share_pct: number | null;
  prefill_ms: number | null;
  /** The injected tokens' share of prefill time (prefill time × injected ÷ prompt: prefill cost taken as linear in tokens). */
  injected_prefill_ms: number | null;
  template_prefill_ms: number | null;
}

export function tokenOverhead(input: OverheadInput): TokenOverhead {
  const by = Object.fromEntries(INJECTED_SOURCES.map((s) => [s, 0])) as Record<InjectedSource, number>;
  let original = 0;
  for (const p of input.parts) {
    if (p.source === 'original') original += p.tokens;
    else by[p.source] += p.tokens;
  }
  const injected = INJECTED_SOURCES.reduce((sum, s) => sum + by[s], 0);
  const prompt = input.serverPromptTokens;
  const template = prompt === null ? null : prompt - original - injected - (input.toolTokens ?? 0);
  const share = (n: number | null) => (prompt && n !== null && input.prefillMs !== null ? (input.prefillMs * n) / prompt : null);
  const counted = input.outputTokens === null ? null : input.includeThinking ? input.outputTokens : Math.max(0, input.outputTokens - input.thinkingTokens);
  return {
    prompt_tokens: prompt,
    original_tokens: original,
    injected_tokens: injected,
    injected_by_source: by,
    template_tokens: template,
    tool_tokens: input.toolTokens,
    output_tokens: input.outputTokens,
    thinking_tokens: input.thinkingTokens,
    counted_output_tokens: counted,
    injected_share_pct: prompt ? (injected / prompt) * 100 : null,
    prefill_ms: input.prefillMs,
    injected_prefill_ms: share(injected),
    template_prefill_ms: share(template),
  };
}
