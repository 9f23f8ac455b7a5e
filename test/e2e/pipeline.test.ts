// The whole pipeline on the tiny default model: real llama-server, real /proc, the real reporter. One run serves every
// test: idle and interactive, with an impossible latency budget (so the run must fail, and name the test that did)
// and no RAPL tree (BENCH_POWERCAP_ROOT names none), so every energy figure is estimated or skipped.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ENERGY_METRIC_NAMES } from '../../harness/energy/declare.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { summarize } from '../../harness/stats/summary.ts';
import { runVitest, serversTagged, tinyConfig, type Finished } from './helpers.ts';

const TAG = `e2e-pipeline-${process.pid}`;

describe('idle + interactive on tiny', () => {
  const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${TAG}]\nenergy:\n  idle_baseline_s: 2\n`, (t) =>
    t.replace('    max_tokens: 128\n', '    max_tokens: 128\n    budgets:\n      latency_s: "p(95) <= 0.001"\n      idle_power_w: "<= 2"\n'),
  );
  let run: Finished;
  let runDir: string;
  let report: RunReport;

  beforeAll(async () => {
    run = await runVitest(['--project', 'idle', '--project', 'interactive'], file, { env: { BENCH_POWERCAP_ROOT: path.join(outDir, 'no-such-powercap') } }).done;
    const runs = readdirSync(outDir).filter((d) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(d));
    expect(runs, run.output).toHaveLength(1);
    runDir = path.join(outDir, runs[0]!);
    report = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
  }, 1_200_000);

  test('the exit code is the gate: non-zero exactly when a budget failed or errored (an inconclusive one passes under warn)', () => {
    // The fixture leaves verdicts.on_inconclusive at its default, warn: an inconclusive verdict warns, it does not fail.
    expect(readFileSync(file, 'utf8')).not.toMatch(/on_inconclusive/);
    const policy: string = 'warn';
    const failing = report.cells
      .flatMap((c) => c.verdicts)
      .filter((v) => v.status === 'fail' || v.status === 'error' || (v.status === 'inconclusive' && policy === 'fail'));
    const errored = report.cells.filter((c) => c.state === 'errored');
    expect(run.code, run.output).toBe(failing.length + errored.length > 0 ? 1 : 0);
    expect(run.output).toMatch(/Scoreboard: .*report\.html/);
    expect(run.output).toMatch(/\| tiny Q4_K_M t1 c1024 nice10 +\|/);
  });

  test('an impossible budget (p95 latency ≤ 0.001 s) fails the run: non-zero exit, the named test, fail in the scoreboard', () => {
    expect(run.code).toBe(1);
    expect(run.output).toContain('tiny Q4_K_M t1 c1024 nice10 > latency p95 ≤ 0.001 s');
    const inter = report.cells.find((c) => c.profile === 'interactive')!;
    const v = inter.verdicts.find((x) => x.metric === 'latency_s' && x.aggregation === 'p(95)')!;
    expect(v).toMatchObject({ status: 'fail', limit: 0.001, op: '<=' });
    expect(v.value!).toBeGreaterThan(0.001);
    // The figure judged is the stored p95 of the same samples.
    expect(v.value!).toBeCloseTo(inter.metrics.latency_p95_s!.value!, 6);
  });

  test('each cell stores its figures once: on the cell, not again inside its measurement', () => {
    expect(report.cells.length).toBeGreaterThan(0);
    for (const c of report.cells) {
      expect(Object.keys(c.metrics).length, c.profile).toBeGreaterThan(0);
      expect(c.measurement?.files, c.profile).toBeDefined();
      for (const twice of ['metrics', 'cell', 'profile', 'state', 'error']) expect(Object.keys(c.measurement!), c.profile).not.toContain(twice);
    }
  });

  test('writes every result file', () => {
    for (const f of ['plan.json', 'scoreboard.json', 'scoreboard.csv', 'report.html']) expect(existsSync(path.join(runDir, f)), f).toBe(true);
    for (const profile of ['idle', 'interactive']) {
      const dir = path.join(runDir, 'tiny_Q4_K_M_t1_c1024_nice10', profile);
      for (const f of ['summary.json', 'responses.jsonl', 'metrics_samples.csv', 'server.stdout.log', 'server.stderr.log']) expect(existsSync(path.join(dir, f)), `${profile}/${f}`).toBe(true);
      expect(readFileSync(path.join(dir, 'metrics_samples.csv'), 'utf8').trim().split('\n').length).toBeGreaterThan(10);
      expect(readFileSync(path.join(dir, 'server.stderr.log'), 'utf8')).toMatch(/llama|server/i);
    }
    const responses = readFileSync(path.join(runDir, 'tiny_Q4_K_M_t1_c1024_nice10/interactive/responses.jsonl'), 'utf8').trim().split('\n');
    expect(responses).toHaveLength(1 + 6);
    const csv = readFileSync(path.join(runDir, 'scoreboard.csv'), 'utf8');
    expect(csv).toMatch(/^run_id,profile,cell,/);
    expect(csv).toMatch(/interactive,tiny Q4_K_M t1 c1024 nice10,tiny,Q4_K_M,1,1024,nice10,,,,,,,,,completed,latency_p95_s,[\d.]+,s,ok,,<= 0\.001,fail/);
    const index = JSON.parse(readFileSync(path.join(outDir, 'scoreboard.json'), 'utf8')) as { runs: { runId: string }[] };
    expect(index.runs.map((r) => r.runId)).toEqual([report.runId]);
  });

  test('records llama.cpp version and commit, and host facts', () => {
    expect(report.llama.commit).toMatch(/^[0-9a-f]{7,}$/);
    expect(report.llama.version).not.toBe('');
    expect(report.host.cores).toBeGreaterThan(0);
    expect(report.partial).toBe(false);
  });

  test('idle and interactive metrics are measured, not invented', () => {
    const idle = report.cells.find((c) => c.profile === 'idle')!;
    const inter = report.cells.find((c) => c.profile === 'interactive')!;
    expect(idle.state).toBe('completed');
    expect(inter.state).toBe('completed');
    expect(idle.metrics.cpu_mean_pct).toMatchObject({ status: 'ok' });
    expect(idle.metrics.rss_peak_mb!.value).toBeGreaterThan(10);
    // The server decodes while we stream: it must show real CPU use, more than when idle. A nice-10 server beside a
    // CPU hog gets a small share (a nice-0 task weighs about nine times more), so there is no fixed floor: decoding
    // must read above idle, where a loaded server reads about 0.
    expect(inter.metrics.cpu_mean_pct!.value!).toBeGreaterThan(idle.metrics.cpu_mean_pct!.value!);
    expect(inter.metrics.cpu_peak_pct!.value!).toBeGreaterThan(idle.metrics.cpu_mean_pct!.value!);
    expect(inter.metrics.requests_failed!.value).toBe(0);
    expect(inter.metrics.ttft_p50_s!.value!).toBeGreaterThan(0);
  });

  test('the roofline is a named DRAM bound over the bytes a token reads, and llama-bench gives the serving overhead', () => {
    const inter = report.cells.find((c) => c.profile === 'interactive')!;
    // cc is on this machine, so the bandwidth is the native triad, not the JavaScript fallback
    expect(report.bandwidth?.method).toMatch(/STREAM triad .* in C \(/);
    expect(inter.metrics.decode_bound_tps).toMatchObject({ status: 'ok' });
    expect(inter.metrics.decode_bound_tps!.reason).toMatch(/^DRAM roofline: .* GB\/s \(native STREAM triad\) ÷ .* MB read per token/);
    const share = inter.metrics.decode_efficiency_pct!;
    expect(share.status).toBe('ok');
    // tiny's weights fit in many a last-level cache: over 100 % is allowed, but never without its reason
    if (share.value! > 100) expect(share.reason).toMatch(/Above 100 % because/);
    expect(inter.metrics.llama_bench_decode_tps).toMatchObject({ status: 'ok' });
    expect(inter.metrics.llama_bench_decode_tps!.value!).toBeGreaterThan(0);
    expect(inter.metrics.llama_bench_decode_tps!.reason).toMatch(/llama-bench tg128, 1 thread\(s\), the same file and build/);
    expect(inter.metrics.serving_overhead_pct!.status).toBe('ok');
    expect(inter.metrics.serving_overhead_pct!.value!).toBeLessThan(100);
    // measured once per model file × threads × answer length, kept in the run directory
    expect(readdirSync(path.join(runDir, 'llama-bench'))).toHaveLength(1);
  });

  test('absent sensors are skipped with a reason, never zero', () => {
    const idle = report.cells.find((c) => c.profile === 'idle')!;
    for (const name of ['temperature_max_c', 'frequency_mean_mhz', 'energy_j', 'psi_cpu_some_pct']) {
      const m = idle.metrics[name]!;
      expect(['ok', 'skipped'], name).toContain(m.status);
      if (m.status === 'skipped') {
        expect(m.value, name).toBeNull();
        expect(m.reason, name).toMatch(/no .* on this machine/);
      }
    }
  });

  test("client-side decode tok/s agrees with the server's timings request by request; no token reaches the client before the server made it", () => {
    interface Answer { warmup: boolean; ok: boolean; ttft_ms: number; e2e_ms: number; decode_tps: number | null; decode_note: string | null; output_tokens: number; timings: { prompt_ms: number; predicted_ms: number; predicted_n: number; predicted_per_second: number } | null }
    const answers = readFileSync(path.join(runDir, 'tiny_Q4_K_M_t1_c1024_nice10/interactive/responses.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Answer)
      .filter((a) => !a.warmup && a.ok);
    expect(answers).toHaveLength(6);
    for (const a of answers) {
      const t = a.timings!;
      const why = JSON.stringify({ ...a, text: undefined });
      expect(a.output_tokens, why).toBe(t.predicted_n);
      // Laws, whatever the load: the first token cannot arrive before the server read the prompt, nor the last before
      // it was made (1 ms for the server's rounding). A client clock started late or a unit slip breaks them.
      expect(a.ttft_ms, why).toBeGreaterThanOrEqual(t.prompt_ms - 1);
      expect(a.e2e_ms, why).toBeGreaterThanOrEqual(t.prompt_ms + t.predicted_ms - 1);
    }
    // Paired, request by request: on a loaded machine the server's own speed varies threefold between requests
    // (164–501 tok/s in one run), and a request delivered in bunches has no client-side figure, so medians taken over
    // different requests drifted apart by 40 % with every request agreeing within 20 % (client 175/173, 510/501,
    // 210/260, 164/164, 385/449 tok/s). The median of the paired ratios stayed within 0.92–1.10 over 34 runs of this
    // file, beside CPU hogs included. A token-counting or timing bug is a factor (tokens counted twice: 2), which this
    // still catches (a client figure over 1.25 times the server's is not kept at all, so then none is left); the exact
    // counting is the unit tests' job (test/unit/stream*.test.ts).
    const ratios = answers.filter((a) => a.decode_tps !== null).map((a) => a.decode_tps! / a.timings!.predicted_per_second);
    const inter = report.cells.find((c) => c.profile === 'interactive')!;
    if (ratios.length === 0) {
      // A client starved for the whole cell can read every answer in bunches: then there is no client figure, and
      // the cell says so. Not when the client read faster than the server made the tokens: that is the bug above.
      expect(answers.map((a) => a.decode_note).filter((note) => note?.startsWith('faster than the server'))).toEqual([]);
      expect(inter.metrics.decode_tps_mean).toMatchObject({ status: 'error', reason: expect.stringMatching(/^none of the 6 successful request\(s\) had a client-side decode time/) });
      return;
    }
    const median = summarize(ratios)!.median;
    expect(median, `client ÷ server decode tok/s per request: ${ratios.map((r) => r.toFixed(2)).join(', ')}`).toBeGreaterThan(1 / 1.5);
    expect(median, `client ÷ server decode tok/s per request: ${ratios.map((r) => r.toFixed(2)).join(', ')}`).toBeLessThan(1.5);
    // The cell's figures are the same requests' speeds, not a second computation of their own.
    expect(inter.metrics.decode_tps_mean!.stats!.n).toBe(ratios.length);
    expect(inter.metrics.server_decode_tps_mean!.stats!.n).toBe(answers.length);
  });

  test('no llama-server is left behind', () => {
    expect(serversTagged(TAG)).toEqual([]);
  });

  describe('energy without RAPL (the same run)', () => {
    test('every energy figure is estimated with the coefficient and its source, or skipped with the reason: never zero, never unlabelled', () => {
      const c = report.cells.find((x) => x.profile === 'interactive')!;
      expect(c.state, c.error ?? run.output.slice(-2000)).toBe('completed');
      for (const name of ENERGY_METRIC_NAMES) {
        const m = c.metrics[name]!;
        if (m.status === 'ok') {
          expect(m.method, name).toBe('estimated');
          expect(m.reason, name).toMatch(/ccf_aws_vcpu.*Cloud Carbon Footprint.*no live counter: no RAPL on this machine/);
          if (!name.startsWith('active_')) expect(m.value, name).toBeGreaterThan(0);
        } else {
          expect(m.status, name).toBe('skipped');
          expect(m.value).toBeNull();
          expect(m.reason, name).toBeTruthy();
        }
      }
      expect(c.metrics.total_wh!.status).toBe('ok');
      expect(c.metrics.idle_power_w!.status).toBe('ok');
      const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
      // Badges on figures carry a title (the legend's do not).
      expect(html).toMatch(/<span class="badge m-estimated" title="estimated">/);
      expect(html).not.toMatch(/<span class="badge m-(measured|attributed)" title=/);
      expect(html).toMatch(/Energy and carbon:<\/b> estimated: /);
      // The budgets still judge the estimate, labelled as such in the figure they judge.
      expect(c.verdicts.find((x) => x.metric === 'idle_power_w')!.status).toMatch(/pass|fail/);
    });
  });
});
