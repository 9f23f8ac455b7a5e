// The server backends' pure parts and their probes: capabilities and what a profile needs of them, the
// Prometheus and /props parsers (with input written to break them), the pid check against this machine's real
// /proc, and the probe and remote backend against small loopback fakes (node:http, 127.0.0.1 only).
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { endpointFor } from '../../harness/client/endpoints.ts';
import { profileNeeds } from '../../harness/profiles/define-profile.ts';
import { PROFILES, profileOf } from '../../harness/profiles/registry.ts';
import { CAPABILITY_NAMES, describeMissing, missingCapabilities } from '../../harness/server/capabilities.ts';
import { TargetError } from '../../harness/server/errors.ts';
import { listedModels, llamaFacts, parseBuildInfo, probeTarget } from '../../harness/server/probe.ts';
import { checkServerProcess, readPidFile } from '../../harness/server/process-identity.ts';
import { llamaMetrics, parsePrometheus } from '../../harness/server/prometheus.ts';
import { ollamaPs, remoteBackend } from '../../harness/server/remote.ts';
import { localCapabilities, remoteCapabilities, type ServerFacts } from '../../harness/server/target.ts';

const silent = () => {};

describe('capabilities and what profiles need', () => {
  test('every capability a profile declares is one the backends know', () => {
    for (const p of PROFILES) {
      const settings = (p.settings as { parse: (v: unknown) => unknown }).parse({});
      for (const c of profileNeeds(p, settings)) expect(CAPABILITY_NAMES, `${p.name} needs ${c}`).toContain(c);
    }
  });
  test("batch needs a relaunch only for its pass with --cache-ram 0", () => {
    const batch = profileOf('batch');
    expect(profileNeeds(batch, { without_cache_pass: true })).toEqual(['process', 'relaunch', 'cache-ram']);
    expect(profileNeeds(batch, { without_cache_pass: false })).toEqual(['process']);
  });
  test('a launched llama-server offers what every profile needs; /metrics only with --metrics', () => {
    const local = localCapabilities([]);
    for (const p of PROFILES) {
      const settings = (p.settings as { parse: (v: unknown) => unknown }).parse({});
      expect(missingCapabilities(profileNeeds(p, settings), local), p.name).toEqual([]);
    }
    expect(local).not.toContain('metrics');
    expect(localCapabilities(['--metrics'])).toContain('metrics');
  });
  const llama: ServerFacts = { name: 'llama-server', version: 'b1', commit: 'de3ff81', reported: 'b1-de3ff81', model: null, slots: 4, ctx: 1024, metrics: true, notes: [] };
  const other: ServerFacts = { ...llama, name: 'OpenAI-compatible server', version: 'unreported', commit: null, reported: 'unreported', metrics: false };
  test('a remote llama-server without a pid: interactive and quality run, wake and idle do not', () => {
    const caps = remoteCapabilities('remote-llama', llama, false, true);
    expect(missingCapabilities(profileNeeds(profileOf('interactive'), {}), caps)).toEqual([]);
    expect(missingCapabilities(profileNeeds(profileOf('quality'), {}), caps)).toEqual([]);
    expect(missingCapabilities(profileNeeds(profileOf('wake'), {}), caps)).toEqual(['relaunch', 'sleep', 'process']);
    expect(missingCapabilities(profileNeeds(profileOf('idle'), {}), caps)).toEqual(['process']);
    expect(caps).toContain('metrics');
  });
  test('with a pid, idle can sample it; wake still needs a relaunch', () => {
    const caps = remoteCapabilities('remote-llama', llama, true, true);
    expect(missingCapabilities(profileNeeds(profileOf('idle'), {}), caps)).toEqual([]);
    expect(missingCapabilities(profileNeeds(profileOf('wake'), {}), caps)).toEqual(['relaunch', 'sleep']);
  });
  test('an OpenAI-compatible server offers no tokenizer, timings or /health: long-context and stress are skipped', () => {
    const caps = remoteCapabilities('remote-openai', other, false, true);
    expect(missingCapabilities(profileNeeds(profileOf('long-context'), {}), caps)).toEqual(['tokenize', 'timings']);
    expect(missingCapabilities(profileNeeds(profileOf('stress'), {}), caps)).toEqual(['health']);
    expect(missingCapabilities(profileNeeds(profileOf('interactive'), {}), caps)).toEqual([]);
  });
  test('the skip reason names each missing capability, what it means, and the server', () => {
    const why = describeMissing('wake', ['relaunch', 'sleep'], 'the remote-llama server at http://127.0.0.1:8080');
    expect(why).toBe(
      'the wake profile needs relaunch and sleep, which the remote-llama server at http://127.0.0.1:8080 does not offer ' +
        '(relaunch: restart the server with other settings (it was started here); sleep: put the server to sleep when idle (llama-server --sleep-idle-seconds))',
    );
    expect(missingCapabilities(['process', 'process', 'relaunch'], ['relaunch'])).toEqual(['process']);
  });
});

describe('parsers of what a server reports (adversarial)', () => {
  test('Prometheus: plain samples by name; labels, comments, NaN and repeats left out; no prototype keys', () => {
    const text = [
      '# HELP llamacpp:prompt_tokens_total Number of prompt tokens',
      '# TYPE llamacpp:prompt_tokens_total counter',
      'llamacpp:prompt_tokens_total 109',
      'llamacpp:prompt_tokens_total 5',
      'llamacpp:tokens_predicted_total{slot="0"} 896',
      'llamacpp:tokens_predicted_seconds_total 4.15 1700000000000',
      'llamacpp:requests_processing NaN',
      'llamacpp:requests_deferred +Inf',
      '__proto__ 3',
      'garbage line with words',
      'llamacpp:n_decode_total 1e3',
    ].join('\n');
    const parsed = parsePrometheus(text);
    expect(parsed['llamacpp:prompt_tokens_total']).toBe(109);
    expect(parsed['llamacpp:tokens_predicted_total']).toBeUndefined();
    expect(parsed['llamacpp:tokens_predicted_seconds_total']).toBe(4.15);
    expect(parsed['llamacpp:requests_processing']).toBeUndefined();
    expect(parsed['llamacpp:requests_deferred']).toBeUndefined();
    expect(parsed['llamacpp:n_decode_total']).toBe(1000);
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed['__proto__']).toBe(3);
    const fields = llamaMetrics(parsed);
    // what the exposition lacks is null, never zero
    expect(fields).toMatchObject({ prompt_tokens_total: 109, tokens_predicted_total: null, requests_processing: null, n_decode_total: 1000 });
  });
  test("llama-server's build_info: build and commit; anything else kept as the version, with no commit", () => {
    expect(parseBuildInfo('b1-de3ff81')).toEqual({ version: 'b1', commit: 'de3ff81' });
    expect(parseBuildInfo('6123-0a1b2c3d')).toEqual({ version: 'b6123', commit: '0a1b2c3d' });
    expect(parseBuildInfo('b1-XYZ')).toEqual({ version: 'b1-XYZ', commit: null });
    expect(parseBuildInfo(' custom ')).toEqual({ version: 'custom', commit: null });
  });
  test('/props facts tolerate missing and mistyped fields', () => {
    expect(llamaFacts({ build_info: 'b1-de3ff81', total_slots: 4, default_generation_settings: { n_ctx: 1024 } }, { data: [{ id: 'tiny' }] })).toEqual({
      name: 'llama-server',
      version: 'b1',
      commit: 'de3ff81',
      reported: 'b1-de3ff81',
      model: 'tiny',
      slots: 4,
      ctx: 1024,
    });
    expect(llamaFacts({ build_info: 7, total_slots: -1, default_generation_settings: 'x' }, null)).toMatchObject({ version: 'unreported', commit: null, reported: 'unreported', slots: null, ctx: null, model: null });
    expect(llamaFacts(null, [1, 2])).toMatchObject({ reported: 'unreported', model: null });
  });
  test('an OpenAI model list: ids only; anything without a data list is not one', () => {
    expect(listedModels({ object: 'list', data: [{ id: 'a' }, { id: 3 }, {}, { id: 'b' }] })).toEqual(['a', 'b']);
    expect(listedModels({ models: [] })).toBeNull();
    expect(listedModels([])).toBeNull();
    expect(listedModels(null)).toBeNull();
  });
  test("Ollama's /api/ps: the named model's memory in MB; negative or missing sizes are null", () => {
    const body = { models: [{ name: 'a', size: 2e9, size_vram: 0, context_length: 4096 }, { name: 'b', size: -1 }] };
    expect(ollamaPs(body, 'a')).toEqual({ ollama_size_mb: 2000, ollama_vram_mb: 0, ollama_context_length: 4096 });
    expect(ollamaPs(body, 'b')).toEqual({ ollama_size_mb: null, ollama_vram_mb: null, ollama_context_length: null });
    expect(ollamaPs(body, 'c')).toEqual({ ollama_size_mb: null, ollama_vram_mb: null, ollama_context_length: null });
    expect(ollamaPs('nonsense', null)).toEqual({ ollama_size_mb: null, ollama_vram_mb: null, ollama_context_length: null });
  });
});

/** A loopback HTTP server answering by path; returns its base URL. */
async function fakeServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('a pid given for a server started elsewhere (real /proc)', () => {
  let listening: { server: Server; url: string };
  beforeAll(async () => {
    listening = await fakeServer((_q, res) => json(res, 200, {}));
  });
  afterAll(() => listening.server.close());

  test('this process listens on the port: it is the server', () => {
    const r = checkServerProcess(process.pid, listening.url);
    expect(r).toMatchObject({ identity: { pid: process.pid }, listens: `port ${new URL(listening.url).port}` });
  });
  test('another live process that does not hold the socket is refused: sampling it would measure the wrong program', async () => {
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      const r = checkServerProcess(other.pid!, listening.url);
      expect('problem' in r ? r.problem : 'accepted').toMatch(/process \d+ \(sleep\) does not listen on port \d+ .*would measure the wrong program/);
    } finally {
      other.kill('SIGKILL');
    }
  });
  test('a pid with no process', () => {
    const r = checkServerProcess(4_194_000, listening.url);
    expect('problem' in r ? r.problem : 'accepted').toMatch(/no process 4194000 is running/);
  });
  test('nothing listens on the port', async () => {
    const closed = await fakeServer(() => {});
    const url = closed.url;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const r = checkServerProcess(process.pid, url);
    expect('problem' in r ? r.problem : 'accepted').toMatch(/nothing on this machine listens on port/);
  });
  test('pid files: one whole number, nothing else', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pidfile-'));
    const f = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(readPidFile(f('ok', ' 1234\n'))).toEqual({ pid: 1234 });
    expect(readPidFile(f('zero', '0'))).toMatchObject({ problem: expect.stringMatching(/expected a process id/) });
    expect(readPidFile(f('two', '12 13'))).toMatchObject({ problem: expect.stringMatching(/expected a process id/) });
    expect(readPidFile(f('neg', '-5'))).toMatchObject({ problem: expect.stringMatching(/expected a process id/) });
    expect(readPidFile(path.join(dir, 'missing'))).toMatchObject({ problem: expect.stringMatching(/cannot read/) });
  });
});

describe('probing a server started elsewhere (loopback fakes)', () => {
  test('remote-llama: /health, then /props for the version and /metrics for the counters', async () => {
    const { server, url } = await fakeServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.url === '/props') return json(res, 200, { build_info: 'b42-abcdef0', total_slots: 2, default_generation_settings: { n_ctx: 2048 } });
      if (req.url === '/v1/models') return json(res, 200, { data: [{ id: 'tiny.gguf' }] });
      if (req.url === '/metrics') return void res.end('llamacpp:prompt_tokens_total 0\n');
      json(res, 404, {});
    });
    try {
      const { api, facts } = await probeTarget({ kind: 'remote-llama', url, apiKey: null, models: [], loadTimeoutMs: 5000, progress: silent });
      expect(api).toBe('llama');
      expect(facts).toMatchObject({ name: 'llama-server', version: 'b42', commit: 'abcdef0', reported: 'b42-abcdef0', model: 'tiny.gguf', slots: 2, ctx: 2048, metrics: true });
    } finally {
      server.close();
    }
  });
  test('remote-llama on something that is not a llama-server: a TargetError pointing at remote-openai', async () => {
    const { server, url } = await fakeServer((_q, res) => json(res, 404, {}));
    try {
      await expect(probeTarget({ kind: 'remote-llama', url, apiKey: null, models: [], loadTimeoutMs: 5000, progress: silent })).rejects.toThrow(TargetError);
      await expect(probeTarget({ kind: 'remote-llama', url, apiKey: null, models: [], loadTimeoutMs: 5000, progress: silent })).rejects.toThrow(/HTTP 404: is it a llama-server\? .*remote-openai/);
    } finally {
      server.close();
    }
  });
  test('remote-openai: the key goes as a bearer token; a refused key is named; /version gives the version', async () => {
    const seen: (string | undefined)[] = [];
    const { server, url } = await fakeServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== 'Bearer sk-test') return json(res, 401, { error: 'no' });
      if (req.url === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'fake-model' }] });
      if (req.url === '/version') return json(res, 200, { version: '0.9.1' });
      json(res, 404, {});
    });
    try {
      const { api, facts } = await probeTarget({ kind: 'remote-openai', url: `${url}/v1`, apiKey: 'sk-test', models: ['fake-model'], loadTimeoutMs: 5000, progress: silent });
      expect(api).toBe('openai');
      expect(facts).toMatchObject({ name: 'OpenAI-compatible server', version: '0.9.1', reported: 'version 0.9.1', commit: null, metrics: false, model: 'fake-model' });
      expect(seen.every((h) => h === 'Bearer sk-test')).toBe(true);
      await expect(probeTarget({ kind: 'remote-openai', url: `${url}/v1`, apiKey: 'wrong', models: [], loadTimeoutMs: 5000, progress: silent })).rejects.toThrow(/HTTP 401: the server refused the API key/);
      await expect(probeTarget({ kind: 'remote-openai', url: `${url}/v1`, apiKey: null, models: [], loadTimeoutMs: 5000, progress: silent })).rejects.toThrow(/wants an API key; name the variable holding it with target.api_key_env/);
    } finally {
      server.close();
    }
  });
  test('remote-openai that lists no models in a data list is not an OpenAI API base', async () => {
    const { server, url } = await fakeServer((_q, res) => json(res, 200, { models: ['x'] }));
    try {
      await expect(probeTarget({ kind: 'remote-openai', url, apiKey: null, models: [], loadTimeoutMs: 5000, progress: silent })).rejects.toThrow(/without a "data" list/);
    } finally {
      server.close();
    }
  });
});

describe('the remote backend', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remote-backend-'));
  const planFor = (url: string, kind: 'remote-llama' | 'remote-openai', extra: Record<string, unknown> = {}) =>
    ({
      config: { target: { kind, url, allow_remote: false, ...(kind === 'remote-openai' ? { model: 'fake-model' } : {}) } },
      target: {
        kind,
        url,
        api: kind === 'remote-llama' ? 'llama' : 'openai',
        apiKeyEnv: null,
        facts: { name: 'x', version: '1', commit: null, reported: 'x 1', model: null, slots: null, ctx: null, metrics: kind === 'remote-llama', notes: [] },
        capabilities: kind === 'remote-llama' ? ['tokenize', 'timings', 'health', 'metrics'] : [],
        process: null,
        noProcess: 'no pid given',
        ...extra,
      },
    }) as never;
  const planned = { cell: { model: 'fake-model' } } as never;

  test('never relaunches or signals; registers the URL as OpenAI with its model for the cell only; /metrics read where present', async () => {
    let up = true;
    const { server, url } = await fakeServer((req, res) => {
      if (!up) return json(res, 503, {});
      if (req.url === '/v1/models') return json(res, 200, { data: [{ id: 'fake-model' }] });
      json(res, 404, {});
    });
    try {
      const backend = remoteBackend(planFor(`${url}/v1`, 'remote-openai'), planned, { logFile: path.join(dir, 'a.log'), overrides: {}, answerDeadlineMs: 1000 });
      expect(backend.noProcess).toBe('no pid given');
      const handle = await backend.start();
      expect(handle).toMatchObject({ baseUrl: `${url}/v1`, pid: null, loadMs: null });
      expect(endpointFor(`${url}/v1`)).toMatchObject({ api: 'openai', model: 'fake-model' });
      await expect(backend.relaunch({ parallel: 2 })).rejects.toThrow(/cannot be relaunched/);
      expect(await backend.checkAnswers()).toBeNull();
      // an OpenAI server has no /metrics capability: no counters, not zeros
      expect(await backend.serverCounters()).toBeNull();
      up = false;
      expect(await backend.checkAnswers()).toMatch(/did not answer \/models within \d+ s after the workload \(last: HTTP 503\)/);
      expect(await backend.stop()).toBeNull();
      // unregistered: the URL is back to the default (llama-server's native API)
      expect(endpointFor(`${url}/v1`).api).toBe('llama');
    } finally {
      server.close();
    }
  });

  test('a remote llama-server with /metrics: its counters, null where a field is missing', async () => {
    const { server, url } = await fakeServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.url === '/metrics') return void res.end('llamacpp:tokens_predicted_total 12\nllamacpp:requests_processing 1\n');
      json(res, 404, {});
    });
    try {
      const backend = remoteBackend(planFor(url, 'remote-llama'), planned, { logFile: path.join(dir, 'b.log'), overrides: {} });
      await backend.start();
      expect(await backend.serverCounters()).toMatchObject({ tokens_predicted_total: 12, requests_processing: 1, prompt_tokens_total: null });
      await backend.stop();
    } finally {
      server.close();
    }
  });
});
