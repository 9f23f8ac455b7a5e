// What one race request came to. A request sent near the moment llama-server puts itself to sleep either gets its
// answer, or the server hangs (no answer within the bound), dies, or answers wrongly (an error, an empty or a
// truncated answer). Pure: the workload gathers the events, this decides.

export const RACE_OUTCOMES = ['answered', 'wrong', 'hung', 'crashed'] as const;
export type RaceOutcome = (typeof RACE_OUTCOMES)[number];

/** The number each outcome has in the `race` series table (series hold numbers); the report maps them back. */
export const OUTCOME_CODE: Record<RaceOutcome, number> = { answered: 0, wrong: 1, hung: 2, crashed: 3 };

export interface TrialEvents {
  ok: boolean;
  error: string | null;
  /** Sent → done (answer complete, or the failure seen). */
  elapsedMs: number;
  timeoutMs: number;
  outputTokens: number;
  /** The tokens asked for (the request ignores end-of-text, so a complete answer has exactly these). */
  expectedTokens: number;
  text: string;
  /** After the request: did the server process still exist (the liveness watch saw no exit)? */
  serverAlive: boolean;
  /** Did it still answer /health after the request (false: alive but stuck)? */
  serverResponsive: boolean;
}

export interface Classified {
  outcome: RaceOutcome;
  why: string;
}

export function classifyTrial(e: TrialEvents): Classified {
  // A dead server explains everything else about the request, even an answer that arrived before it died.
  if (!e.serverAlive) return { outcome: 'crashed', why: e.ok ? 'the answer arrived, then the server exited' : `the server exited (${e.error ?? 'no answer'})` };
  if (!e.ok && !e.serverResponsive) return { outcome: 'hung', why: `the request failed (${e.error ?? 'no answer'}) and the server stopped answering /health` };
  if (!e.ok) {
    const timedOut = e.elapsedMs >= e.timeoutMs || /within [\d.]+ s/.test(e.error ?? '');
    if (timedOut) return { outcome: 'hung', why: `no complete answer within ${(e.timeoutMs / 1000).toFixed(1)} s` };
    return { outcome: 'wrong', why: `the request failed: ${e.error ?? 'no error given'}` };
  }
  if (e.text.trim() === '' || e.outputTokens === 0) return { outcome: 'wrong', why: 'an empty answer' };
  if (e.outputTokens < e.expectedTokens) return { outcome: 'wrong', why: `a truncated answer: ${e.outputTokens} of ${e.expectedTokens} tokens` };
  return { outcome: 'answered', why: `${e.outputTokens} tokens` };
}

export interface OutcomeCounts {
  trials: number;
  answered: number;
  wrong: number;
  hung: number;
  crashed: number;
}

export function countOutcomes(outcomes: readonly RaceOutcome[]): OutcomeCounts {
  const counts: OutcomeCounts = { trials: outcomes.length, answered: 0, wrong: 0, hung: 0, crashed: 0 };
  for (const o of outcomes) counts[o]++;
  return counts;
}
