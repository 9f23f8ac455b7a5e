import { describe, expect, test } from 'vitest';
import { CompletionStream, latencies, readGapsMs } from '../../harness/client/stream.ts';

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
  const rec = (tokenTimes: number[], tokenCounts: number[], completionTokens?: number) => ({
    tokenTimes, tokenCounts, text: '', timings: null, promptTokens: null, stopType: null, done: true, errorMessage: null,
    ...(completionTokens === undefined ? {} : { usage: { promptTokens: null, completionTokens } }),
  });
  test('gaps per event and per read: events in one read are 0 apart per event, one gap per read', () => {
    // reads at 150 (1 event), 160 (3 events), 175 (1 event), 190 (2 events)
    const l = latencies(rec([150, 160, 160, 160, 175, 190, 190], Array(7).fill(1)), 100);
    expect(l.itlMs).toEqual([10, 0, 0, 15, 15, 0]);
    expect(readGapsMs(l.itlMs)).toEqual([10, 15, 15]);
    // one read: no gap at all; one event per read: the same gaps both ways
    const oneRead = latencies(rec([150, 150, 150], [1, 1, 1]), 100);
    expect(oneRead.itlMs).toEqual([0, 0]);
    expect(readGapsMs(oneRead.itlMs)).toEqual([]);
    const onePerRead = latencies(rec([150, 160, 175], [1, 1, 1]), 100);
    expect(onePerRead.itlMs).toEqual([10, 15]);
    expect(readGapsMs(onePerRead.itlMs)).toEqual([10, 15]);
  });
  test('bunched delivery: 16 tokens in two reads 1 ms apart give no client decode time, not 15,000 tok/s', () => {
    // one read of 8 events at 150, one of 8 at 151
    const l = latencies(rec([...Array(8).fill(150), ...Array(8).fill(151)], Array(16).fill(1)), 100);
    expect(l.ttftMs).toBe(50);
    expect(l.e2eMs).toBe(51);
    expect(l.tpotMs).toBeNull();
    expect(l.decodeTps).toBeNull();
    expect(l.decodeNote).toBe('bunched delivery: 8 events after the first read arrived in 1 read(s), more than 4 per read');
  });
  test('tokens in the first read are not counted in the decode span; four per read is still a decode time', () => {
    // first read: 3 tokens at 150; then 2 reads of 4 tokens (160, 170): 8 tokens over 20 ms → 2.5 ms per token
    const l = latencies(rec([150, 150, 150, ...Array(4).fill(160), ...Array(4).fill(170)], Array(11).fill(1)), 100);
    expect(l.tpotMs).toBe(2.5);
    expect(l.decodeTps).toBe(400);
    expect(l.decodeNote).toBeNull();
    // one more event in the last read is past the limit: 9 events in 2 reads
    const over = latencies(rec([150, ...Array(4).fill(160), ...Array(5).fill(170)], Array(10).fill(1)), 100);
    expect(over.tpotMs).toBeNull();
    expect(over.decodeNote).toBe('bunched delivery: 9 events after the first read arrived in 2 read(s), more than 4 per read');
  });
  test('a server that packs several tokens into each event still has a decode time; its usage count wins', () => {
    // one event per read, 4 tokens each after a first of one: 8 tokens over 20 ms
    expect(latencies(rec([150, 160, 170], [1, 4, 4]), 100).tpotMs).toBe(2.5);
    // the server says 11 tokens: 10 after the first read
    expect(latencies(rec([150, 160, 170], [1, 4, 4], 11), 100)).toMatchObject({ outputTokens: 11, tpotMs: 2 });
  });
  test('an answer in one read, or of one token: no decode time, and the note says which', () => {
    expect(latencies(rec([150, 150, 150], [1, 1, 1]), 100)).toMatchObject({ tpotMs: null, decodeTps: null, decodeNote: 'the whole answer reached the client in one read' });
    expect(latencies(rec([150], [1]), 100)).toMatchObject({ ttftMs: 50, e2eMs: 50, tpotMs: null, decodeNote: 'fewer than two tokens' });
  });
  test('the usage count against the reads: fewer than the first read held, or more in one read', () => {
    // the server counts 1 token, the client saw a second read: no decode time (not 10 ms ÷ 0 tokens)
    expect(latencies(rec([150, 160], [1, 1], 1), 100)).toMatchObject({ tpotMs: null, decodeTps: null, decodeNote: 'fewer than two tokens' });
    // the server counts 5 tokens, all of what the client saw came in one read
    expect(latencies(rec([150, 150], [1, 1], 5), 100)).toMatchObject({ tpotMs: null, decodeTps: null, decodeNote: 'the whole answer reached the client in one read' });
    // two tokens in one read: two tokens, so "one read" is the reason, not "fewer than two"
    expect(latencies(rec([150, 150], [1, 1]), 100).decodeNote).toBe('the whole answer reached the client in one read');
  });
  describe("against the server's own decode speed", () => {
    const timed = (tokenTimes: number[], predictedPerSecond: number) => ({
      ...rec(tokenTimes, tokenTimes.map(() => 1)),
      timings: { prompt_n: 4, prompt_ms: 5, prompt_per_second: 800, predicted_n: tokenTimes.length, predicted_ms: 16, predicted_per_second: predictedPerSecond },
    });
    // 16 tokens: the first alone at 141, then 15 in four reads of at most four within a millisecond (each read passes
    // the bunching rule): 15,000 tok/s read from a server that made 950
    const caughtUp = [141, 141.25, 141.25, 141.25, 141.25, 141.5, 141.5, 141.5, 141.5, 141.75, 141.75, 141.75, 141.75, 142, 142, 142];
    test('reads faster than the server made the tokens: no decode time, and the note gives both speeds', () => {
      const l = latencies(timed(caughtUp, 950), 100);
      expect(l.tpotMs).toBeNull();
      expect(l.decodeTps).toBeNull();
      expect(l.decodeNote).toBe("faster than the server's own decode: 15000 tok/s read, 950 tok/s made (more than 1.25 times), so the client read tokens that were already waiting");
      // the rest of the record is untouched
      expect(l).toMatchObject({ ttftMs: 41, e2eMs: 42, outputTokens: 16 });
    });
    test('the margin: 1.25 times the server is kept, just above it is not', () => {
      // 10 tokens after a first, one per read 10 ms apart: 100 tok/s read
      const steady = [150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250];
      expect(latencies(timed(steady, 80), 100).decodeTps).toBeCloseTo(100, 9);
      expect(latencies(timed(steady, 79.9), 100)).toMatchObject({ decodeTps: null, tpotMs: null });
      expect(latencies(timed(steady, 79.9), 100).decodeNote).toMatch(/^faster than the server's own decode: 100 tok\/s read, 80 tok\/s made/);
    });
    test('a client slower than the server keeps its figure: it is what the client saw, and it does not flatter', () => {
      const steady = [150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250];
      expect(latencies(timed(steady, 1000), 100)).toMatchObject({ decodeNote: null });
      expect(latencies(timed(steady, 1000), 100).decodeTps).toBeCloseTo(100, 9);
    });
    test('a request with no decode time for another reason keeps that reason, whatever the server made', () => {
      const bunched = [150, ...Array(9).fill(151)];
      expect(latencies(timed(bunched, 100), 100).decodeNote).toBe('bunched delivery: 9 events after the first read arrived in 1 read(s), more than 4 per read');
      expect(latencies(timed([150, 150, 150], 100), 100).decodeNote).toBe('the whole answer reached the client in one read');
      // reads out of order (a negative span) are no speed at all, not an infinitely fast one
      expect(latencies(timed([100, 90], 100), 0)).toMatchObject({ tpotMs: -10, decodeTps: null, decodeNote: null });
      // a span of zero (a read stamped earlier than the first, the last stamped with it) is no speed either
      expect(latencies(timed([150, 140, 150], 100), 100)).toMatchObject({ tpotMs: 0, decodeTps: null, decodeNote: null });
    });
    test('no timings, or timings without a usable speed: the client figure stands alone', () => {
      expect(latencies(rec(caughtUp, caughtUp.map(() => 1)), 100).decodeTps).toBeCloseTo(15000, 6);
      for (const bad of [0, -5, Number.NaN]) expect(latencies(timed(caughtUp, bad), 100).decodeTps, String(bad)).toBeCloseTo(15000, 6);
    });
  });
  test('no tokens: nulls, not zeros', () => {
    const l = latencies({ tokenTimes: [], tokenCounts: [], text: '', timings: null, promptTokens: null, stopType: null, done: false, errorMessage: null }, 0);
    expect(l).toMatchObject({ ttftMs: null, e2eMs: null, tpotMs: null, decodeTps: null, outputTokens: 0 });
  });
});

describe('OpenAI-style chat events', () => {
  const chat = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ev({ choices: [{ delta, ...extra }] });
  test('content and reasoning each count one token per event without a tokens array; an empty delta counts none', () => {
    const s = new CompletionStream();
    s.push(chat({ reasoning: 'hmm' }), 10);
    s.push(chat({ reasoning_content: 'so' }), 20);
    s.push(chat({ content: 'Hi' }), 30);
    s.push(chat({ content: '' }), 40);
    expect(s.outputEvents).toBe(3);
    const r = s.end();
    expect(r.tokenTimes).toEqual([10, 20, 30]);
    expect(r.tokenCounts).toEqual([1, 1, 1]);
    expect(r.text).toBe('Hi');
  });
  test('finish_reason is the stop type; the usage event gives the counts, and only whole non-negative numbers count', () => {
    const s = new CompletionStream();
    s.push(chat({ content: 'a' }), 10);
    s.push(chat({}, { finish_reason: 'length' }), 20);
    s.push(ev({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } }), 30);
    const r = s.end();
    expect(r.stopType).toBe('length');
    expect(r.usage).toEqual({ promptTokens: 7, completionTokens: 3 });
    expect(r.promptTokens).toBe(7);
    for (const bad of [-1, 2.5, '3', null]) {
      const t = new CompletionStream();
      t.push(ev({ choices: [], usage: { prompt_tokens: bad, completion_tokens: bad } }), 1);
      const u = t.end();
      expect(u.usage, String(bad)).toEqual({ promptTokens: null, completionTokens: null });
      expect(u.promptTokens, String(bad)).toBeNull();
    }
    // zero is a count
    const z = new CompletionStream();
    z.push(ev({ choices: [], usage: { prompt_tokens: 0, completion_tokens: 0 } }), 1);
    expect(z.end().usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    // an unusable prompt count in the usage event keeps the count the server gave earlier
    const k = new CompletionStream();
    k.push(ev({ content: 'a', tokens: [1], tokens_evaluated: 9 }), 1);
    k.push(ev({ choices: [], usage: { prompt_tokens: 'nine', completion_tokens: 1 } }), 2);
    expect(k.end().promptTokens).toBe(9);
    // a usage that is not an object is no usage
    const n = new CompletionStream();
    n.push(ev({ choices: [], usage: 5 }), 1);
    expect(n.end().usage ?? null).toBeNull();
  });
});
