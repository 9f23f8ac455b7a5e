// A server started elsewhere, end to end: this test starts llama-server on tiny itself (outside the harness, on
// 127.0.0.1, in its own process group) and runs `npm run bench -- --url … [--pid …]` against it; then a small
// OpenAI-compatible fake (node:http on loopback, not llama-server) stands for vLLM, LM Studio and the like. The three
// runs go side by side (the two with and without a pid each against its own server); every process started here is
// killed in afterAll, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, healthy } from '../../harness/llama/launch.ts';
import { quantizerFor, resolveLlama } from '../../harness/llama/resolve.ts';
import { ensureBuiltinModel } from '../../harness/models/builtin.ts';
import { silentProgress } from '../../harness/progress.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { ROOT, runBench, runDirIn, tinyConfig, type Finished } from './helpers.ts';

// No energy idle baseline: 3 s of waiting per interactive cell that nothing here reads.
const QUICK = `planner:
  mode: quick
energy:
  mode: "off"
  idle_baseline_s: 0
`;
// One golden set, one CoVe item, one retrieval query: quality's path against a server started elsewhere, not its score.
// Concurrency in its quick shape (1 and 2 clients, two 16-token requests each).
const QUALITY = `  quality:
    goldens: ${path.join(ROOT, 'goldens')}
    sets: [format]
    limit_per_set: 1
    constrained_sets: []
    cove: { limit: 1 }
    retrieval: { limit: 1 }
  concurrency:
    enabled: true
`;

// Two 16-token answers, no warm-up: these runs check which figures a server started elsewhere gives, not their size.
function config(extra = '', interactiveBudgets = '') {
  return tinyConfig(`${QUICK}${extra}`, (t) =>
    t
      .replace('profiles:\n', `profiles:\n${QUALITY}`)
      .replace('    warmup: 1\n', '    warmup: 0\n')
      .replace('    repetitions: 6\n', '    repetitions: 2\n')
      .replace('    max_tokens: 128\n', `    max_tokens: 16\n${interactiveBudgets}`),
  );
}

// A few quick requests on a shared machine: their latency spread says how busy the machine is (a CI run failed on
// p99/p50 = 2.04 beside a CPU hog), and the fake's pace is a timer in this test process. The runs that must exit 0
// check the path, not the timing, so every budget on time or speed is off there.
const TIMING_BUDGETS_OFF = `    budgets: { latency_p99_over_p50: "off", latency_s: "off", ttft_s: "off", decode_tps: "off", decode_tps_cv_pct: "off" }
`;

function report(outDir: string): RunReport {
  return JSON.parse(readFileSync(path.join(runDirIn(outDir)!, 'scoreboard.json'), 'utf8')) as RunReport;
}

const cellOf = (r: RunReport, profile: string) => {
  const cell = r.cells.find((c) => c.profile === profile);
  if (!cell) throw new Error(`no ${profile} cell in the scoreboard`);
  return cell;
};

/** Kills a process group started here, and waits until its leader is gone. */
async function killGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await gone;
}

const RESOURCE = ['cpu_pct', 'cpu_mean_pct', 'cpu_p99_pct', 'rss_peak_mb', 'rss_mean_mb'] as const;

/** A llama-server on tiny started here, outside the harness (127.0.0.1, its own process group), once /health answers. */
async function startLlamaServer(): Promise<{ child: ChildProcess; url: string; pid: number }> {
  const llama = await resolveLlama(null, silentProgress);
  const model = await ensureBuiltinModel('tiny', 'Q4_K_M', quantizerFor(llama, silentProgress), silentProgress);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // --no-jinja: tiny has no chat template (see quality.test.ts); --metrics: its counters are read where present.
  const args = ['--model', model.path, '--host', '127.0.0.1', '--port', String(port), '--threads', '1', '--ctx-size', '1024', '--metrics', '--no-webui', '--offline', '--no-jinja'];
  const child = spawn(llama.serverPath, args, { stdio: 'ignore', detached: true });
  started.push(child);
  let exited = false;
  child.once('exit', () => (exited = true));
  // The loop ends as soon as /health answers (or the server exits); the deadline only bounds a hang.
  const deadline = Date.now() + 300_000;
  while (!(await healthy(url, 2000))) {
    if (exited) throw new Error('llama-server exited before answering /health');
    if (Date.now() > deadline) throw new Error('llama-server did not answer /health within 300 s');
    await sleep(200);
  }
  return { child, url, pid: child.pid! };
}

/** Every process group started here, killed in the last afterAll whatever happened. */
const started: ChildProcess[] = [];

afterAll(async () => {
  for (const child of started) await killGroup(child);
});

describe('remote-llama: a llama-server started outside the harness', () => {
  // Two runs, each against its own server so that neither's figures hold the other's requests: side by side.
  let server: ChildProcess | undefined;
  let url = '';
  let pid = 0;
  let other: { child: ChildProcess; url: string } | undefined;
  const runs: Record<'withPid' | 'withoutPid', { run: Finished; outDir: string } | undefined> = { withPid: undefined, withoutPid: undefined };

  beforeAll(async () => {
    const [withPid, withoutPid] = await Promise.all([startLlamaServer(), startLlamaServer()]);
    ({ child: server, url, pid } = withPid);
    other = withoutPid;
    const go = async (target: string, extra: string[], budgets: string) => {
      const { file, outDir } = config('', budgets);
      return { run: await runBench(file, ['--url', target, ...extra]).done, outDir };
    };
    [runs.withPid, runs.withoutPid] = await Promise.all([
      go(url, ['--pid', String(pid), '--profile', 'interactive,quality,wake,concurrency'], ''),
      go(withoutPid.url, ['--profile', 'interactive,idle,wake'], TIMING_BUDGETS_OFF),
    ]);
  }, 1_200_000);

  test('with its pid: interactive and quality run, CPU and RSS are measured on that process', () => {
    const { run, outDir } = runs.withPid!;
    // tiny's answers are nonsense, so the quality budgets fail (exit 1); the run itself must not crash or refuse
    expect([0, 1], run.output).toContain(run.code);
    expect(run.output).toContain(`sampling target.pid ${pid} (llama-server`);
    const r = report(outDir);
    const interactive = cellOf(r, 'interactive');
    expect(interactive.state, run.output).toBe('completed');
    expect(interactive.cell.id).toBe(`server @127.0.0.1:${new URL(url).port}`);
    for (const m of RESOURCE) expect(interactive.metrics[m], m).toMatchObject({ status: 'ok' });
    expect(interactive.metrics.rss_peak_mb!.value!).toBeGreaterThan(1);
    expect(interactive.metrics.ttft_s).toMatchObject({ status: 'ok' });
    // llama-server still sends its own timings through its native API
    expect(interactive.metrics.server_decode_tps).toMatchObject({ status: 'ok' });
    // not started here: no load time, no llama-bench on its model file
    expect(interactive.metrics.load_s).toMatchObject({ status: 'skipped', value: null });
    const counters = interactive.measurement?.series?.server_counters;
    expect(counters, 'its /metrics counters before and after').toHaveLength(2);
    expect(counters![1]!.tokens_predicted_total!).toBeGreaterThan(counters![0]!.tokens_predicted_total!);
    expect(interactive.measurement?.build).toMatchObject({ llamaVersion: expect.stringMatching(/^b\d+$/), llamaCommit: expect.stringMatching(/^[0-9a-f]{7,}$/) });
    const quality = cellOf(r, 'quality');
    expect(quality.state, run.output).toBe('completed');
    expect(quality.metrics.score_overall).toMatchObject({ status: 'ok' });
    expect(quality.metrics.cpu_mean_pct).toMatchObject({ status: 'ok' });
  });

  test('concurrency runs against the slots the server has: no relaunch, every level says how many slots it shared', () => {
    const { run, outDir } = runs.withPid!;
    const c = cellOf(report(outDir), 'concurrency');
    expect(c.state, run.output).toBe('completed');
    expect(run.output).toMatch(/was started elsewhere: every level shares its own \d+ slot\(s\); --parallel is not set here/);
    const levels = c.measurement!.series!.levels!;
    expect(levels.map((l) => l.clients)).toEqual([1, 2]);
    for (const l of levels) {
      expect(l.slots).toBeGreaterThanOrEqual(1);
      expect(l.aggregate_tps).toBeGreaterThan(0);
    }
    expect(c.metrics.cpu_p99_pct).toMatchObject({ status: 'ok' });
  });

  test('wake is skipped: it needs a relaunch, which a server started elsewhere cannot give', () => {
    const { run, outDir } = runs.withPid!;
    const wake = cellOf(report(outDir), 'wake');
    expect(wake.state, run.output).toBe('skipped');
    expect(wake.error).toMatch(/^the wake profile needs relaunch and sleep, which the remote-llama server at http:\/\/127\.0\.0\.1:\d+ does not offer/);
  });

  test('without a pid: CPU and RSS are skipped with the reason, never zero; idle has nothing to sample and is skipped', () => {
    const { run, outDir } = runs.withoutPid!;
    expect(run.code, run.output).toBe(0);
    const r = report(outDir);
    const interactive = cellOf(r, 'interactive');
    expect(interactive.state, run.output).toBe('completed');
    for (const m of RESOURCE) {
      expect(interactive.metrics[m], m).toMatchObject({ status: 'skipped', value: null });
      expect(interactive.metrics[m]!.reason, m).toMatch(/not started here and no pid was given .*so its CPU and RSS cannot be sampled/);
    }
    expect(interactive.metrics.ttft_s).toMatchObject({ status: 'ok' });
    const cpuVerdict = interactive.verdicts.find((v) => v.metric === 'cpu_pct');
    if (cpuVerdict) expect(cpuVerdict.status).toBe('skipped');
    const idle = cellOf(r, 'idle');
    expect(idle.state).toBe('skipped');
    expect(idle.error).toMatch(/^the idle profile needs process, which the remote-llama server .* does not offer/);
    expect(cellOf(r, 'wake').state).toBe('skipped');
  });

  test('the servers were never signalled by the harness: each still answers after its run', async () => {
    for (const [child, at] of [
      [server!, url],
      [other!.child, other!.url],
    ] as const) {
      expect(child.exitCode, at).toBeNull();
      expect(await healthy(at, 5000), at).toBe(true);
    }
  });
});

/** What the fake saw of each chat request. */
interface Seen {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
}

/**
 * An OpenAI-compatible server in the manner of vLLM: /v1/models, and /v1/chat/completions streaming SSE chunks, then
 * a final chunk with `usage` (stream_options.include_usage) and no llama.cpp `timings`. It answers a fixed text.
 */
function openAiFake(key: string, seen: Seen[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: Record<string, unknown> | null = null;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${key}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end('{"error":{"message":"bad key"}}');
      }
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const words = ['The', ' answer', ' is', ' forty', '-two', '.'];
        const max = typeof body?.max_tokens === 'number' ? Math.min(body.max_tokens, words.length) : words.length;
        const chunk = (delta: Record<string, unknown>, finish: string | null) =>
          `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        let i = 0;
        res.write(chunk({ role: 'assistant', content: '' }, null));
        const timer = setInterval(() => {
          if (i < max) {
            res.write(chunk({ content: words[i] }, null));
            i++;
            return;
          }
          clearInterval(timer);
          res.write(chunk({}, i === words.length ? 'stop' : 'length'));
          res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 11, completion_tokens: i, total_tokens: 11 + i } })}\n\n`);
          res.end('data: [DONE]\n\n');
        }, 5);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    });
  });
}

// The fake's run needs nothing of the llama-server runs above, so it starts before them (this hook is file-level, so it
// runs first) and goes on beside them; its tests wait for it. The fake answers from this test process.
const key = 'sk-e2e-not-secret';
const seen: Seen[] = [];
let fake: Server | undefined;
let openAiRun: Promise<{ run: Finished; outDir: string }>;

beforeAll(async () => {
  fake = openAiFake(key, seen);
  await new Promise<void>((resolve) => fake!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  const { file, outDir } = config(`target:\n  kind: remote-openai\n  url: ${url}\n  model: fake-model\n  api_key_env: FAKE_OPENAI_KEY\n`, TIMING_BUDGETS_OFF);
  openAiRun = runBench(file, ['--profile', 'interactive,long-context,wake'], { env: { FAKE_OPENAI_KEY: key } }).done.then((run) => ({ run, outDir }));
});

afterAll(async () => {
  // Whatever happened, the run has ended before the fake closes (a failed test may not have waited for it).
  await openAiRun?.catch(() => undefined);
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
});

describe('remote-openai: an OpenAI-compatible server that is not llama-server', () => {
  let result: { run: Finished; outDir: string };

  beforeAll(async () => {
    result = await openAiRun;
  }, 1_200_000);

  test('streams chat completions with usage, the key sent as a bearer token, only fields of the OpenAI API', () => {
    const { run } = result;
    expect(run.code, run.output).toBe(0);
    const chats = seen.filter((s) => s.path === '/v1/chat/completions');
    expect(chats.length).toBeGreaterThan(0);
    for (const c of chats) {
      expect(c.authorization).toBe(`Bearer ${key}`);
      expect(c.body).toMatchObject({ model: 'fake-model', stream: true, stream_options: { include_usage: true }, temperature: 0 });
      expect(c.body).not.toHaveProperty('ignore_eos');
      expect(c.body).not.toHaveProperty('n_predict');
    }
    // the key never lands in a result file
    expect(readFileSync(path.join(runDirIn(result.outDir)!, 'plan.json'), 'utf8')).not.toContain(key);
    expect(readFileSync(path.join(runDirIn(result.outDir)!, 'scoreboard.json'), 'utf8')).not.toContain(key);
  });

  test('client-side figures from the stream and usage; server timings are absent, not invented; CPU/RSS skipped', () => {
    const r = report(result.outDir);
    const interactive = cellOf(r, 'interactive');
    expect(interactive.state, result.run.output).toBe('completed');
    expect(interactive.metrics.ttft_s).toMatchObject({ status: 'ok' });
    expect(interactive.metrics.decode_tps).toMatchObject({ status: 'ok' });
    // no `timings` in an OpenAI stream: the server-side decode speed is not a figure here
    expect(interactive.metrics.server_decode_tps?.status).not.toBe('ok');
    expect(interactive.metrics.server_decode_tps?.value ?? null).toBeNull();
    expect(interactive.metrics.cpu_mean_pct).toMatchObject({ status: 'skipped', value: null });
    // the answers the fake streamed are what was recorded
    const responses = readFileSync(path.join(runDirIn(result.outDir)!, interactive.cell.slug, 'interactive', 'responses.jsonl'), 'utf8');
    expect(responses).toContain('The answer is');
  });

  test('long-context needs a tokenizer and timings, wake a relaunch: both skipped with the reason', () => {
    const r = report(result.outDir);
    expect(cellOf(r, 'long-context')).toMatchObject({ state: 'skipped', error: expect.stringMatching(/needs tokenize and timings, which the remote-openai server at/) });
    expect(cellOf(r, 'wake')).toMatchObject({ state: 'skipped', error: expect.stringMatching(/needs relaunch, sleep and process/) });
  });
});
