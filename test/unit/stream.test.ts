import { describe, expect, test } from 'vitest';
import { CompletionStream, latencies } from '../../harness/client/stream.ts';

const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const timings = { prompt_n: 5, prompt_ms: 10, prompt_per_second: 500, predicted_n: 3, predicted_ms: 20, predicted_per_second: 150 };

describe('CompletionStream (SSE)', () => {
  test('events split across chunks and lines', () => {
    const s = new CompletionStream();
    const raw = ev({ content: 'Hel', tokens: [1], stop: false }) + ev({ content: 'lo', tokens: [2], stop: false }) +
      ev({ content: '!', tokens: [3], stop: false }) + ev({ content: '', stop: true, stop_type: 'limit', timings });
    // cut in the middle of the second event's JSON and of a "\n\n" separator
    const cuts = [7, 40, 41, raw.length - 3];
    let prev = 0;
    cuts.forEach((c, i) => {
      s.push(raw.slice(prev, c), 100 + i * 10);
      prev = c;
    });
    s.push(raw.slice(prev), 200);
    const r = s.end();
    expect(r.text).toBe('Hello!');
    expect(r.tokenCounts).toEqual([1, 1, 1]);
    expect(r.done).toBe(true);
    expect(r.stopType).toBe('limit');
    expect(r.timings?.predicted_per_second).toBe(150);
  });
  test('OpenAI-style chat deltas and [DONE]', () => {
    const s = new CompletionStream();
    s.push(ev({ choices: [{ delta: { content: 'a' } }] }) + ev({ choices: [{ delta: { content: '' } }] }) + 'data: [DONE]\n\n', 1);
    const r = s.end();
    expect(r.text).toBe('a');
    expect(r.done).toBe(true);
  });
  test('server errors and non-JSON events are reported', () => {
    const s = new CompletionStream();
    s.push(ev({ error: { message: 'context size exceeded' } }), 1);
    expect(s.end().errorMessage).toBe('context size exceeded');
    const t = new CompletionStream();
    t.push('data: {oops\n\n', 1);
    expect(t.end().errorMessage).toMatch(/not JSON/);
  });
  test('past maxTokens: the first event over the limit is named and nothing more is taken in', () => {
    const s = new CompletionStream(3);
    s.push(ev({ content: 'a', tokens: [1] }) + ev({ content: 'bc', tokens: [2, 3] }) + ev({ content: 'de', tokens: [4, 5] }) + ev({ content: 'f', tokens: [6] }), 1);
    expect(s.tokensOverLimit).toBe(5);
    const r = s.end();
    expect(r.text).toBe('abc');
    expect(r.tokenCounts).toEqual([1, 2]);
    const exact = new CompletionStream(3);
    exact.push(ev({ content: 'abc', tokens: [1, 2, 3] }) + ev({ content: '', stop: true, timings }), 1);
    expect(exact.tokensOverLimit).toBeNull();
    expect(exact.end().done).toBe(true);
  });
  test('server text in an error is one printable line', () => {
    const s = new CompletionStream();
    s.push(ev({ error: { message: 'line one\nline two\u0000\u001b[31m' } }), 1);
    expect(s.end().errorMessage).toBe('line one line two [31m');
    const t = new CompletionStream();
    t.push(`data: {${'x'.repeat(500)}\n\n`, 1);
    expect(t.end().errorMessage).toMatch(/^event is not JSON: \{x+…$/);
    expect(t.end().errorMessage!.length).toBeLessThan(160);
  });
  test('comments and keep-alives are ignored', () => {
    const s = new CompletionStream();
    s.push(': ping\n\n' + ev({ content: 'x', tokens: [9] }), 5);
    expect(s.end().tokenTimes).toEqual([5]);
  });
});

describe('latencies', () => {
  test('TTFT, E2E, ITL, TPOT by the stated definitions', () => {
    // sent at 100; tokens at 150, 160, 175, 190 → TTFT 50, E2E 90, ITL [10, 15, 15], TPOT (90 − 50) / 3
    const l = latencies({ tokenTimes: [150, 160, 175, 190], tokenCounts: [1, 1, 1, 1], text: '', timings: null, promptTokens: null, stopType: null, done: true, errorMessage: null }, 100);
    expect(l.ttftMs).toBe(50);
    expect(l.e2eMs).toBe(90);
    expect(l.itlMs).toEqual([10, 15, 15]);
    expect(l.tpotMs).toBeCloseTo(40 / 3, 12);
    expect(l.decodeTps).toBeCloseTo(75, 12);
  });
  test('no tokens: nulls, not zeros', () => {
    const l = latencies({ tokenTimes: [], tokenCounts: [], text: '', timings: null, promptTokens: null, stopType: null, done: false, errorMessage: null }, 0);
    expect(l).toMatchObject({ ttftMs: null, e2eMs: null, tpotMs: null, decodeTps: null, outputTokens: 0 });
  });
});
