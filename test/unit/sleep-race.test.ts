import { describe, expect, test } from 'vitest';
import { offsetGrid, raceOffsets } from '../../harness/profiles/sleep-race/offsets.ts';
import { classifyTrial, countOutcomes, OUTCOME_CODE, RACE_OUTCOMES, type TrialEvents } from '../../harness/profiles/sleep-race/outcome.ts';

describe('offset grid', () => {
  test('every step from the start to the end, both included', () => {
    expect(offsetGrid(-100, 100, 5)).toHaveLength(41);
    expect(offsetGrid(-100, 100, 5).slice(0, 3)).toEqual([-100, -95, -90]);
    expect(offsetGrid(-100, 100, 5).at(-1)).toBe(100);
    expect(offsetGrid(-50, 50, 50)).toEqual([-50, 0, 50]);
  });

  test('an end the step does not land on is still tried', () => {
    expect(offsetGrid(0, 10, 4)).toEqual([0, 4, 8, 10]);
  });

  test('a single point, and fractional steps without drift', () => {
    expect(offsetGrid(7, 7, 5)).toEqual([7]);
    const fine = offsetGrid(0, 1, 0.1);
    expect(fine).toHaveLength(11);
    expect(fine[3]).toBe(0.3);
    expect(fine.at(-1)).toBe(1);
  });

  test('an empty range or a step that is not positive is refused', () => {
    expect(() => offsetGrid(10, -10, 5)).toThrow(/empty/);
    expect(() => offsetGrid(0, 10, 0)).toThrow(/positive/);
    expect(() => offsetGrid(0, 10, -1)).toThrow(/positive/);
    expect(() => offsetGrid(0, 10, Number.NaN)).toThrow(/positive/);
  });
});

describe('race offsets', () => {
  const plan = { from_ms: -100, to_ms: 100, step_ms: 5, random_offsets: 8 };

  test('the grid and the random offsets, each once, in a shuffled order', () => {
    const offsets = raceOffsets(plan, 1);
    expect(offsets).toHaveLength(49);
    const grid = offsetGrid(-100, 100, 5);
    const rest = [...offsets];
    for (const g of grid) rest.splice(rest.indexOf(g), 1);
    expect(rest).toHaveLength(8);
    for (const r of rest) {
      expect(Number.isInteger(r)).toBe(true);
      expect(r).toBeGreaterThanOrEqual(-100);
      expect(r).toBeLessThanOrEqual(100);
    }
    expect(offsets).not.toEqual([...offsets].sort((a, b) => a - b));
  });

  test('the same seed gives the same trials in the same order; another seed another order', () => {
    expect(raceOffsets(plan, 1)).toEqual(raceOffsets(plan, 1));
    expect(raceOffsets(plan, 2)).not.toEqual(raceOffsets(plan, 1));
  });

  test('no random offsets: exactly the grid', () => {
    expect([...raceOffsets({ ...plan, random_offsets: 0 }, 3)].sort((a, b) => a - b)).toEqual(offsetGrid(-100, 100, 5));
  });
});

describe('what a race request came to', () => {
  const answered: TrialEvents = {
    ok: true,
    error: null,
    elapsedMs: 120,
    timeoutMs: 30_000,
    outputTokens: 8,
    expectedTokens: 8,
    text: ' a quiet fan',
    serverAlive: true,
    serverResponsive: true,
  };

  test('a complete answer from a live server is answered', () => {
    expect(classifyTrial(answered)).toEqual({ outcome: 'answered', why: '8 tokens' });
  });

  test('a dead server is a crash, even when its answer arrived first', () => {
    expect(classifyTrial({ ...answered, serverAlive: false }).outcome).toBe('crashed');
    expect(classifyTrial({ ...answered, serverAlive: false }).why).toMatch(/answer arrived, then the server exited/);
    const reset = classifyTrial({ ...answered, ok: false, error: 'other side closed', serverAlive: false, serverResponsive: false });
    expect(reset).toEqual({ outcome: 'crashed', why: 'the server exited (other side closed)' });
  });

  test('no answer within the bound is a hang, by the clock or by the deadline message', () => {
    expect(classifyTrial({ ...answered, ok: false, error: 'aborted', elapsedMs: 30_000 }).outcome).toBe('hung');
    expect(classifyTrial({ ...answered, ok: false, error: 'no complete answer within 30 s', elapsedMs: 29_990 }).outcome).toBe('hung');
    expect(classifyTrial({ ...answered, ok: false, error: 'no complete answer within 0.5 s', elapsedMs: 10 }).why).toBe('no complete answer within 30.0 s');
  });

  test('a live server that stopped answering /health hung, whatever the request said', () => {
    const stuck = classifyTrial({ ...answered, ok: false, error: 'other side closed', elapsedMs: 5, serverResponsive: false });
    expect(stuck.outcome).toBe('hung');
    expect(stuck.why).toMatch(/stopped answering \/health/);
  });

  test('an error from a live server that still answers is a wrong answer, not a hang', () => {
    expect(classifyTrial({ ...answered, ok: false, error: 'HTTP 503: Loading model', elapsedMs: 40 })).toEqual({ outcome: 'wrong', why: 'the request failed: HTTP 503: Loading model' });
    expect(classifyTrial({ ...answered, ok: false, error: null, elapsedMs: 40 }).why).toBe('the request failed: no error given');
  });

  test('empty and truncated answers are wrong', () => {
    expect(classifyTrial({ ...answered, text: '', outputTokens: 0 })).toEqual({ outcome: 'wrong', why: 'an empty answer' });
    expect(classifyTrial({ ...answered, text: '  \n', outputTokens: 2 }).outcome).toBe('wrong');
    expect(classifyTrial({ ...answered, text: 'words', outputTokens: 0 }).outcome).toBe('wrong');
    expect(classifyTrial({ ...answered, outputTokens: 7 })).toEqual({ outcome: 'wrong', why: 'a truncated answer: 7 of 8 tokens' });
    // more than asked is not truncated (the client caps it elsewhere)
    expect(classifyTrial({ ...answered, outputTokens: 9 }).outcome).toBe('answered');
  });

  test('counts, and the codes the series table stores', () => {
    expect(countOutcomes(['answered', 'answered', 'hung', 'crashed', 'wrong', 'answered'])).toEqual({ trials: 6, answered: 3, wrong: 1, hung: 1, crashed: 1 });
    expect(countOutcomes([])).toEqual({ trials: 0, answered: 0, wrong: 0, hung: 0, crashed: 0 });
    expect(RACE_OUTCOMES.map((o) => OUTCOME_CODE[o])).toEqual([0, 1, 2, 3]);
  });
});
