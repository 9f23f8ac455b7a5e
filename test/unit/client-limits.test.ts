// The client against servers that misbehave, on 127.0.0.1: a 200 MB answer to a 32-token request, garbage, a body
// that stalls halfway, a token count over max_tokens. Each is an error of that request with a one-line message, and
// the client stops reading at once instead of holding the answer in memory.
import { afterEach, describe, expect, test } from 'vitest';
import { chat, requestChat } from '../../harness/client/chat.ts';
import { modelInfo, streamCompletion, tokenize } from '../../harness/client/completion.ts';
import { ClientError, configureClient, DEFAULT_MAX_RESPONSE_BYTES, responseByteCap } from '../../harness/client/limits.ts';
import type { Metric } from '../../harness/measurement/schema.ts';
import { requestMetrics } from '../../harness/profiles/interactive/workload.ts';
import { startHostileServer, writeRepeated, type Handler, type HostileServer } from '../fixtures/hostile-server.ts';

const MB = 1024 * 1024;
const TWO_HUNDRED_MB = 200 * MB;
/** Far below the 200 MB offered: the cap plus what loopback socket buffers hold. */
const READ_BOUND = 40 * MB;

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  configureClient({ max_response_mb: DEFAULT_MAX_RESPONSE_BYTES / MB });
});

async function serve(handler: Handler): Promise<string> {
  server = await startHostileServer(handler);
  return server.url;
}

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const completion = (url: string, extra: Partial<Parameters<typeof streamCompletion>[1]> = {}) =>
  streamCompletion(url, { prompt: 'Hello', maxTokens: 32, seed: 1, ignoreEos: true, timeoutMs: 60_000, ...extra });
const chatRequest = { messages: [{ role: 'user', content: 'Hi' }], maxTokens: 32, seed: 1, timeoutMs: 60_000 };

const oneLine = (s: string | null) => expect(s ?? '').not.toMatch(/\n/);

describe('streaming /completion', () => {
  test('a well-behaved stream of exactly max_tokens tokens is accepted', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 32; i++) await write(sse({ content: 'a', tokens: [i], stop: false }));
      await write(sse({ content: '', tokens: [], stop: true, stop_type: 'limit', timings: { prompt_n: 2, prompt_ms: 1, prompt_per_second: 2000, predicted_n: 32, predicted_ms: 10, predicted_per_second: 3200 } }));
      res.end();
    });
    const r = await completion(url);
    expect(r).toMatchObject({ ok: true, error: null, outputTokens: 32, text: 'a'.repeat(32) });
  });

  test('200 MB of tokens for max_tokens 32: an error at token 33, and the client stops reading', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await writeRepeated(write, sse({ content: 'x'.repeat(64), tokens: [7], stop: false }), TWO_HUNDRED_MB);
      res.end();
    });
    const r = await completion(url);
    expect(r.ok).toBe(false);
    expect(r.error).toBe('the server sent 33 tokens for max_tokens 32: stopped reading the answer');
    oneLine(r.error);
    expect(r.outputTokens).toBe(32);
    expect(r.text).toBe('x'.repeat(64 * 32));
    await server!.settled();
    expect(server!.bytesWritten()).toBeLessThan(READ_BOUND);
  });

  test('the interactive figures of such a server: no latency or decode speed, every request counted as failed', async () => {
    // A complete, well-formed stream (it ends with stop and timings), only far longer than asked: the old client
    // took it as ~1.5 million tokens at tens of thousands of tok/s.
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await writeRepeated(write, sse({ content: 'x'.repeat(64), tokens: [7], stop: false }), 20 * MB);
      await write(sse({ content: '', stop: true, stop_type: 'limit', timings: { prompt_n: 2, prompt_ms: 1, prompt_per_second: 2000, predicted_n: 32, predicted_ms: 1, predicted_per_second: 32000 } }));
      res.end();
    });
    const records = [];
    for (let i = 0; i < 3; i++) records.push(await completion(url));
    const metrics = requestMetrics(records, { resamples: 100, level: 0.95, seed: 1 }, 60);
    expect(records.map((r) => r.ok)).toEqual([false, false, false]);
    expect(metrics.requests_failed).toMatchObject({ value: 3, status: 'ok' });
    for (const name of ['latency_p95_s', 'ttft_p95_s', 'decode_tps_mean', 'server_decode_tps_mean']) {
      expect((metrics as Record<string, unknown>)[name], name).toMatchObject({ status: 'error', value: null });
      expect((metrics as Record<string, Metric>)[name]!.reason).toContain('the server sent 33 tokens for max_tokens 32');
    }
  });

  test('200 MB in one endless event (no token ever completes): an error at the byte cap', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await write('data: {"content":"');
      await writeRepeated(write, 'y'.repeat(1024), TWO_HUNDRED_MB);
      res.end();
    });
    const r = await completion(url);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^the answer passed the 8\.0 MiB cap \(client\.max_response_mb\) at 8\.\d MiB: stopped reading it$/);
    await server!.settled();
    expect(server!.bytesWritten()).toBeLessThan(READ_BOUND);
  });

  test('the cap follows client.max_response_mb, and a declared Content-Length over it is refused unread', async () => {
    configureClient({ max_response_mb: 0.5 });
    expect(responseByteCap()).toBe(512 * 1024);
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': String(TWO_HUNDRED_MB) });
      await writeRepeated(write, sse({ content: 'z', stop: false }), TWO_HUNDRED_MB);
      res.end();
    });
    const r = await completion(url, { maxTokens: 1_000_000_000 });
    expect(r.error).toMatch(/^the answer passed the 0\.500 MiB cap .* at 200\.0 MiB: stopped reading it$/);
    expect(r.outputTokens).toBe(0);
  });

  test('garbage instead of an event stream is an error', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)));
      res.end();
    });
    const r = await completion(url);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^malformed event stream: /);
    oneLine(r.error);
    expect(r.error).not.toMatch(/[\u0000-\u001f\ufffd]/);
  });

  test('a body that stalls halfway is a timeout error, with what had arrived', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await write(sse({ content: 'a', tokens: [1], stop: false }));
      // …and nothing more, ever.
    });
    const r = await completion(url, { timeoutMs: 500 });
    expect(r.ok).toBe(false);
    expect(r.error).toBe('no complete answer within 0.5 s');
    expect(r.outputTokens).toBe(1);
  });

  test('the server’s own count of predicted tokens over max_tokens is an error', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await write(sse({ content: 'a', tokens: [1], stop: false }));
      await write(sse({ content: '', stop: true, timings: { prompt_n: 1, prompt_ms: 1, prompt_per_second: 1, predicted_n: 500, predicted_ms: 1, predicted_per_second: 1 } }));
      res.end();
    });
    expect((await completion(url)).error).toBe('the server sent 500 tokens for max_tokens 32: stopped reading the answer');
  });

  test('an HTTP error keeps a short, one-line part of its body', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(500);
      await write('boom\nline two\n');
      await writeRepeated(write, 'e', 2 * MB);
      res.end();
    });
    const r = await completion(url);
    expect(r.error).toMatch(/^HTTP 500: boom line two e+…$/);
    expect(r.error!.length).toBeLessThan(400);
  });

  test('a server that is not there: the connection error, as one line', async () => {
    const url = await serve(() => undefined);
    await server!.close();
    server = undefined;
    const r = await completion(url);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('/v1/chat/completions', () => {
  const answer = (content: unknown, completionTokens = 3) => JSON.stringify({ choices: [{ message: { content } }], usage: { prompt_tokens: 5, completion_tokens: completionTokens } });

  test('a well-formed answer is accepted', async () => {
    const url = await serve((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(answer('Paris')));
    expect(await chat(url, chatRequest)).toMatchObject({ ok: true, error: null, text: 'Paris', promptTokens: 5, completionTokens: 3 });
  });

  test('a body that stalls halfway is a timeout error, not an empty successful answer', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      await write('{"choices":[{"message":{"content":"Par');
    });
    const r = await chat(url, { ...chatRequest, timeoutMs: 500 });
    expect(r).toMatchObject({ ok: false, error: 'no answer within 0.5 s', text: '' });
    const thrown = await requestChat(url, { ...chatRequest, timeoutMs: 500 }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ClientError);
    expect(thrown).toMatchObject({ kind: 'timeout', message: 'no answer within 0.5 s' });
  });

  test('garbage is an error, not an empty successful answer', async () => {
    const url = await serve((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('\u0000\u00ffnot json at all'));
    const r = await chat(url, chatRequest);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^the answer is not JSON: /);
    oneLine(r.error);
  });

  test('JSON that is not a chat answer is an error', async () => {
    for (const body of ['{}', '[]', 'null', '{"choices":[]}', '{"choices":[{"message":{"content":42}}]}']) {
      const url = await serve((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(body));
      expect((await chat(url, chatRequest)).error, body).toBe('the answer has no choices[0].message.content text');
      await server!.close();
      server = undefined;
    }
  });

  test('200 MB of answer is cut at the byte cap', async () => {
    const url = await serve(async (_req, res, write) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      await write('{"choices":[{"message":{"content":"');
      await writeRepeated(write, 'w'.repeat(1024), TWO_HUNDRED_MB);
      res.end('"}}]}');
    });
    const r = await chat(url, chatRequest);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^the answer passed the 8\.0 MiB cap/);
    await server!.settled();
    expect(server!.bytesWritten()).toBeLessThan(READ_BOUND);
  });

  test('more completion tokens than max_tokens is an error', async () => {
    const url = await serve((_req, res) => void res.writeHead(200).end(answer('long answer', 33)));
    expect((await chat(url, chatRequest)).error).toBe('the server reports 33 completion tokens for max_tokens 32');
  });

  test('an HTTP error names the status and the server’s message', async () => {
    const url = await serve((_req, res) => void res.writeHead(400).end(JSON.stringify({ error: { message: 'context\nexceeded' } })));
    expect((await chat(url, chatRequest)).error).toBe('HTTP 400: context exceeded');
  });
});

describe('small JSON requests', () => {
  test('tokenize and modelInfo throw ClientErrors on garbage and stalls', async () => {
    const url = await serve(async (req, res, write) => {
      if (req.url === '/tokenize') return void res.writeHead(200).end('<html>');
      res.writeHead(200);
      await write('{"data":');
    });
    await expect(tokenize(url, 'hi')).rejects.toThrow(/^\/tokenize answered with something that is not JSON: <html>$/);
    await expect(tokenize(url, 'hi')).rejects.toBeInstanceOf(ClientError);
    const slow = await modelInfo(url, 500).catch((e: unknown) => e);
    expect(slow).toMatchObject({ kind: 'timeout', message: '/v1/models gave no answer within 0.5 s' });
  });
});
