// Edges of the SSE stream reader and the latency definitions: token counting, which error wins, what a stop or a
// missing field leaves behind, and the arithmetic of TTFT/E2E/ITL/TPOT for events that carry several tokens.
import { describe, expect, test } from 'vitest';
import { CompletionStream, latencies, type StreamResult } from '../../harness/client/stream.ts';

const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

function streamOf(tokenTimes: number[], tokenCounts: number[]): StreamResult {
  return { tokenTimes, tokenCounts, text: '', timings: null, promptTokens: null, stopType: null, done: true, errorMessage: null };
}

describe('CompletionStream: what each event contributes', () => {
  test('a fresh stream holds nothing', () => {
    expect(new CompletionStream().end()).toEqual({
      tokenTimes: [],
      tokenCounts: [],
      text: '',
      timings: null,
      promptTokens: null,
      stopType: null,
      done: false,
      errorMessage: null,
    });
    expect(new CompletionStream().tokensOverLimit).toBeNull();
  });

  test('each event with output is stamped with the arrival time of its chunk and counted by its tokens', () => {
    const s = new CompletionStream();
    s.push(ev({ content: 'ab', tokens: [1, 2] }), 10);
    s.push(ev({ content: '' }) + ev({ content: 'c' }), 25); // no tokens field: one token if there is text
    s.push(ev({ content: '', tokens: [3] }), 40); // a token held back (incomplete UTF-8) still counts
    const r = s.end();
    expect(r.tokenTimes).toEqual([10, 25, 40]);
    expect(r.tokenCounts).toEqual([2, 1, 1]);
    expect(r.text).toBe('abc');
    expect(r.done).toBe(false);
  });

  test('prompt tokens come from tokens_evaluated when it is a number', () => {
    const s = new CompletionStream();
    s.push(ev({ content: 'a', tokens: [1], tokens_evaluated: 12 }) + ev({ content: 'b', tokens: [2], tokens_evaluated: '13' }), 1);
    expect(s.end().promptTokens).toBe(12);
    const zero = new CompletionStream();
    zero.push(ev({ content: '', stop: true, tokens_evaluated: 0 }), 1);
    expect(zero.end().promptTokens).toBe(0);
  });

  test('a stop without a stop type is done with no type; stop: false is not done', () => {
    const s = new CompletionStream();
    s.push(ev({ content: 'a', stop: false, stop_type: 'eos' }), 1);
    expect(s.end()).toMatchObject({ done: false, stopType: null });
    const t = new CompletionStream();
    t.push(ev({ content: '', stop: true }), 1);
    expect(t.end()).toMatchObject({ done: true, stopType: null });
  });

  test('the last timings seen are kept, and an event without timings does not erase them', () => {
    const first = { prompt_n: 1, prompt_ms: 1, prompt_per_second: 1, predicted_n: 1, predicted_ms: 1, predicted_per_second: 1 };
    const s = new CompletionStream();
    s.push(ev({ content: 'a', timings: first }) + ev({ content: 'b' }), 1);
    expect(s.end().timings).toEqual(first);
  });

  test('an event with neither content nor choices (a bare stop with timings) adds no token', () => {
    const timings = { prompt_n: 2, prompt_ms: 3, prompt_per_second: 4, predicted_n: 5, predicted_ms: 6, predicted_per_second: 7 };
    const s = new CompletionStream();
    s.push(ev({ content: 'a' }) + ev({ stop: true, timings }), 1);
    expect(s.end()).toMatchObject({ text: 'a', tokenCounts: [1], done: true, timings });
  });

  test('chat deltas without content, and a choice list that is empty, add nothing', () => {
    const s = new CompletionStream();
    s.push(ev({ choices: [] }) + ev({ choices: [{}] }) + ev({ choices: [{ delta: {} }] }) + ev({ choices: [{ delta: { content: 'z' } }] }), 3);
    expect(s.end()).toMatchObject({ text: 'z', tokenCounts: [1], tokenTimes: [3] });
  });
});

describe('CompletionStream: limits', () => {
  test('an event that reaches maxTokens exactly is taken in; the next one over it is not, nor anything after', () => {
    const s = new CompletionStream(2);
    s.push(ev({ content: 'a', tokens: [1] }) + ev({ content: 'b', tokens: [2] }) + ev({ content: 'c', tokens: [3] }), 1);
    s.push(ev({ content: '', stop: true, stop_type: 'limit' }) + 'data: [DONE]\n\n', 2);
    expect(s.tokensOverLimit).toBe(3);
    // nothing after the event over the limit is read: not its stop, not [DONE]
    expect(s.end()).toMatchObject({ text: 'ab', tokenCounts: [1, 1], done: false, stopType: null });
  });

  test('an event over the limit takes in nothing of itself, not even its timings or stop', () => {
    const s = new CompletionStream(1);
    s.push(ev({ content: 'ab', tokens: [1, 2], stop: true, tokens_evaluated: 4 }), 1);
    expect(s.tokensOverLimit).toBe(2);
    expect(s.end()).toMatchObject({ text: '', tokenCounts: [], done: false, promptTokens: null });
  });
});

describe('CompletionStream: errors', () => {
  test('a string error is taken as it is; an error object without a message is shown as JSON', () => {
    const s = new CompletionStream();
    s.push(ev({ error: 'slot unavailable' }), 1);
    expect(s.end().errorMessage).toBe('slot unavailable');
    const t = new CompletionStream();
    t.push(ev({ error: { code: 500 } }), 1);
    expect(t.end().errorMessage).toBe('{"code":500}');
  });

  test('a server error replaces an earlier one, and keeps up to 300 characters', () => {
    const s = new CompletionStream();
    s.push(ev({ error: 'first' }) + ev({ error: 'second' }), 1);
    expect(s.end().errorMessage).toBe('second');
    const long = new CompletionStream();
    long.push(ev({ error: 'e'.repeat(300) }), 1);
    expect(long.end().errorMessage).toBe('e'.repeat(300)); // exactly at the limit: whole
    const longer = new CompletionStream();
    longer.push(ev({ error: 'e'.repeat(301) }), 1);
    expect(longer.end().errorMessage).toBe(`${'e'.repeat(300)}…`);
  });

  test('a server error still ends the event: its content is not taken in', () => {
    const s = new CompletionStream();
    s.push(ev({ error: 'boom', content: 'x', tokens: [1], stop: true }), 1);
    expect(s.end()).toMatchObject({ errorMessage: 'boom', text: '', tokenCounts: [], done: false });
  });

  test('the first non-JSON event is the one named; a later server error still wins', () => {
    const s = new CompletionStream();
    s.push('data: first?\n\ndata: second?\n\n', 1);
    expect(s.end().errorMessage).toBe('event is not JSON: first?');
    const t = new CompletionStream();
    t.push('data: nope\n\n' + ev({ error: 'real cause' }), 1);
    expect(t.end().errorMessage).toBe('real cause');
  });

  test('a body that is not an event stream (an HTML error page) is named as malformed, first line first', () => {
    const s = new CompletionStream();
    s.push('<html>\n<body>\n\n', 1);
    expect(s.end().errorMessage).toBe('malformed event stream: Unknown field "<html>"');
  });

  test('a trailing line without its newline is still parsed when the stream ends', () => {
    const s = new CompletionStream();
    s.push(ev({ content: 'a', tokens: [1] }) + 'oops', 1);
    const r = s.end();
    expect(r.errorMessage).toBe('malformed event stream: Unknown field "oops"');
    expect(r.text).toBe('a');
  });

  test('an error message is one line: control characters and runs of spaces become one space, ends trimmed', () => {
    const s = new CompletionStream();
    s.push(ev({ error: '\u0007 out  of\t\tmemory\u009f\ufffd \r\n' }), 1);
    expect(s.end().errorMessage).toBe('out of memory');
    const t = new CompletionStream();
    t.push(`data: ${'y'.repeat(120)}\n\n`, 1);
    // "event is not JSON: " + the data cut at 120 characters: exactly 120 is kept whole
    expect(t.end().errorMessage).toBe(`event is not JSON: ${'y'.repeat(120)}`);
    const u = new CompletionStream();
    u.push(`data: ${'y'.repeat(121)}\n\n`, 1);
    expect(u.end().errorMessage).toBe(`event is not JSON: ${'y'.repeat(120)}…`);
  });
});

describe('latencies with events of several tokens', () => {
  test('output tokens are the sum of the counts; TPOT spreads E2E − TTFT over the tokens after the first read', () => {
    // sent at 0; events at 100 (2 tokens) and 160 (4 tokens): 6 tokens, TTFT 100, E2E 160, ITL [60]; both tokens of
    // the first event were made by 100, so the 60 ms made the other 4: TPOT 15 ms, decode 1000 / 15 = 66.67 tok/s
    const l = latencies(streamOf([100, 160], [2, 4]), 0);
    expect(l).toMatchObject({ ttftMs: 100, e2eMs: 160, itlMs: [60], outputTokens: 6, decodeNote: null });
    expect(l.tpotMs).toBe(15);
    expect(l.decodeTps).toBeCloseTo(1000 / 15, 12);
  });

  test('one token, or several in one event, has no TPOT and no decode speed, and says why', () => {
    expect(latencies(streamOf([50], [1]), 20)).toEqual({ ttftMs: 30, e2eMs: 30, itlMs: [], outputTokens: 1, tpotMs: null, decodeTps: null, decodeNote: 'fewer than two tokens' });
    expect(latencies(streamOf([50], [3]), 20)).toEqual({ ttftMs: 30, e2eMs: 30, itlMs: [], outputTokens: 3, tpotMs: null, decodeTps: null, decodeNote: 'the whole answer reached the client in one read' });
  });

  test('times that run backwards (a clock that is not monotonic) give no decode speed, not a negative one', () => {
    // TTFT 100, E2E 90: TPOT (90 − 100) / 1 = −10
    expect(latencies(streamOf([100, 90], [1, 1]), 0)).toMatchObject({ tpotMs: -10, decodeTps: null });
  });

  test('ITL is each gap to the previous event, in order', () => {
    // sent at 10; events at 20, 25, 45, 46 → gaps 5, 20, 1
    expect(latencies(streamOf([20, 25, 45, 46], [1, 1, 1, 1]), 10)).toMatchObject({ ttftMs: 10, e2eMs: 36, itlMs: [5, 20, 1] });
  });

  test('no events but counted tokens cannot happen; no events is nulls with the count', () => {
    expect(latencies(streamOf([], []), 5)).toEqual({ ttftMs: null, e2eMs: null, itlMs: [], outputTokens: 0, tpotMs: null, decodeTps: null, decodeNote: 'no token arrived' });
  });
});
