// The workload profiles in quick mode on tiny, through real llama-server processes, in one run: long-context at 2
// sizes, batch with 5 documents, a 6 s soak, wake, the sleep race, and concurrency. Checks structure and sanity, not speed.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { runVitest, tinyConfig } from './helpers.ts';

let report: RunReport;
let html: string;
let output: string;
const cell = (profile: string): CellReport => {
  const c = report.cells.find((x) => x.profile === profile);
  if (!c) throw new Error(`no ${profile} cell in the scoreboard:\n${output.slice(-3000)}`);
  return c;
};
const value = (c: CellReport, metric: string) => c.metrics[metric]?.value ?? null;

beforeAll(async () => {
  // A 6 s soak (vitals every 2 s) keeps npm test short; the profile's own quick setting is 30 s. The sleep race
  // scrapes each monitoring endpoint for 1 s (two scrapes at its 2/s) instead of its quick 2 s. (A `quick` block
  // replaces the profile's whole quick block, so the rest of each is repeated here.) Long-context's sizes are 8× apart
  // rather than its quick 4×, so the larger prefill reads longer even when a loaded machine stalls the smaller one.
  const { file, outDir } = tinyConfig('planner:\n  mode: quick\n', (t) =>
    t.replace(
      'profiles:\n',
      'profiles:\n  long-context:\n    quick: { sizes: [100, 800], max_tokens: 8 }\n  concurrency:\n    enabled: true\n  stress:\n    quick: { duration_s: 6, interval_s: 2, max_tokens: 64 }\n  sleep-race:\n    quick: { sleep_idle_s: 1, from_ms: -50, to_ms: 50, step_ms: 50, random_offsets: 1, monitor_s: 1 }\n',
    ),
  );
  const run = await runVitest(['--project', 'long-context', '--project', 'batch', '--project', 'wake', '--project', 'sleep-race', '--project', 'concurrency', '--project', 'stress'], file).done;
  output = run.output;
  const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
  report = JSON.parse(readFileSync(path.join(outDir, runId, 'scoreboard.json'), 'utf8')) as RunReport;
  html = readFileSync(path.join(outDir, runId, 'report.html'), 'utf8');
}, 1_200_000);

describe('long-context', () => {
  test('measures each size cold and repeated; prefill grows with size and the repeat is served from the cache', () => {
    const c = cell('long-context');
    expect(c.state, c.error).toBe('completed');
    const ladder = c.measurement!.series!.ladder!;
    expect(ladder.map((r) => r.tokens)).toEqual([100, 800]);
    expect(ladder.every((r) => r.ok === 1)).toBe(true);
    // the server counted the prompt we sized with its tokenizer (plus at most a BOS token)
    for (const r of ladder) expect(r.prompt_tokens! - r.tokens!).toBeLessThanOrEqual(1);
    expect(ladder[1]!.prefill_s!).toBeGreaterThan(ladder[0]!.prefill_s!);
    const top = ladder[1]!;
    expect(top.cached_ttft_s!).toBeLessThan(top.ttft_s!);
    expect(top.cache_reused_tokens!).toBeGreaterThanOrEqual(790);
    expect(value(c, 'max_usable_context_tokens')).toBe(800);
    expect(value(c, 'cache_speedup_at_max')).toBeGreaterThan(1);
    expect(c.verdicts.map((v) => v.metric).sort()).toEqual(['context_load_s', 'failed_sizes', 'requests_failed', 'swap_growth_mb']);
    expect(value(c, 'requests_failed')).toBe(0);
  });
});

describe('batch', () => {
  test('five documents, docs/hour from the mean time, and a second pass without the prompt cache', () => {
    const c = cell('batch');
    expect(c.state, c.error).toBe('completed');
    const docs = c.measurement!.series!.documents!;
    expect(docs).toHaveLength(5);
    expect(docs.every((d) => d.seconds! > 0 && d.seconds_no_cache! > 0)).toBe(true);
    expect(docs.every((d) => d.prompt_tokens! >= 200 && d.prompt_tokens! <= 500)).toBe(true);
    expect(value(c, 'docs_per_hour')).toBeCloseTo(3600 / value(c, 'doc_seconds_mean')!, 6);
    expect(value(c, 'doc_seconds_cv_pct')).toBeCloseTo((value(c, 'doc_seconds_sd')! / value(c, 'doc_seconds_mean')!) * 100, 6);
    expect(value(c, 'documents_failed')).toBe(0);
    // a few seconds of documents cannot give an honest per-hour slope: it is skipped, with the growth in the reason
    expect(c.metrics.leak_slope_mb_per_h).toMatchObject({ status: 'skipped', value: null });
    expect(c.metrics.leak_slope_mb_per_h!.reason).toMatch(/extrapolate noise/);
    expect(c.metrics.rss_growth_no_cache_mb!.status).toBe('ok');
  });
});

describe('stress', () => {
  test('a soak of at most 60 s with vitals every interval; missing sensors are skipped, not zero', () => {
    const c = cell('stress');
    expect(c.state, c.error).toBe('completed');
    const duration = value(c, 'stress_duration_s')!;
    expect(duration).toBeGreaterThanOrEqual(5.5);
    expect(duration).toBeLessThanOrEqual(60);
    // One vitals row per interval: 3 in 6 s on a quiet machine, fewer when each check takes longer on a busy one.
    const timeline = c.measurement!.series!.timeline!;
    expect(timeline.length).toBeGreaterThanOrEqual(2);
    expect(timeline.length).toBeLessThanOrEqual(3);
    const at = timeline.map((r) => r.t_s!);
    for (let i = 1; i < at.length - 1; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1.9);
    expect(at.at(-1)!).toBeGreaterThanOrEqual(5.5);
    expect(timeline.every((r) => r.tps! > 0 && r.healthy === 1)).toBe(true);
    expect(value(c, 'aborted')).toBe(0);
    expect(['ok', 'skipped']).toContain(c.metrics.throttled!.status);
    for (const sensor of ['temperature_max_c', 'frequency_mean_mhz']) {
      const m = c.metrics[sensor]!;
      if (m.status === 'skipped') expect(m.value === null && m.reason).toBeTruthy();
      else expect(m.status).toBe('ok');
    }
  });
});

describe('wake', () => {
  test('TTFT warm and after idling, idle CPU per --poll level, and a sleeping server holds less memory', () => {
    const c = cell('wake');
    expect(c.state, c.error).toBe('completed');
    for (const m of ['warm_ttft_s', 'wake_ttft_s', 'wake_ttft_ratio', 'idle_cpu_poll0_pct', 'idle_cpu_poll50_pct', 'idle_cpu_poll100_pct', 'sleep_wake_ttft_s']) {
      expect(c.metrics[m]?.status, m).toBe('ok');
    }
    expect(c.measurement!.series!.poll!.map((r) => r.poll)).toEqual([0, 50, 100]);
    // asleep, llama-server has unloaded the model
    expect(value(c, 'asleep_rss_mb')!).toBeLessThan(value(c, 'awake_rss_mb')!);
    // the busiest idle thread, at the cell's settings and per --poll level: a share of one core, never above it
    expect(c.metrics.idle_max_thread_pct?.status).toBe('ok');
    expect(value(c, 'idle_max_thread_pct')!).toBeGreaterThanOrEqual(0);
    expect(value(c, 'idle_max_thread_pct')!).toBeLessThanOrEqual(100);
    for (const r of c.measurement!.series!.poll!) expect(r.idle_max_thread_pct).toEqual(expect.any(Number));
    expect(c.metrics.idle_max_thread_poll0_pct?.status).toBe('ok');
  });
});

describe('sleep-race', () => {
  test('requests around the sleep deadline each get an outcome; monitoring scraped each endpoint while asleep', () => {
    const c = cell('sleep-race');
    expect(c.state, c.error).toBe('completed');
    // quick: the grid -50, 0, 50 ms and one random offset
    expect(value(c, 'race_trials')).toBe(4);
    const rows = c.measurement!.series!.race!;
    expect(rows).toHaveLength(4);
    for (const r of rows) expect([0, 1, 2, 3]).toContain(r.outcome);
    expect([...rows.map((r) => r.planned_ms)].sort((a, b) => a! - b!)).toEqual(expect.arrayContaining([-50, 0, 50]));
    const counts = ['race_answered', 'race_wrong', 'race_hangs', 'race_crashes'].map((m) => value(c, m)!);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(c.measurement!.series!.monitoring!.map((r) => r.endpoint)).toEqual([0, 1, 2]);
    expect(c.metrics.monitoring_wakes?.status).toBe('ok');
  });
});

describe('concurrency', () => {
  test('one and two clients against as many slots', () => {
    const c = cell('concurrency');
    expect(c.state, c.error).toBe('completed');
    expect(c.measurement!.series!.levels!.map((r) => r.clients)).toEqual([1, 2]);
    expect(value(c, 'clients_max')).toBe(2);
    expect(value(c, 'requests_failed')).toBe(0);
    expect(value(c, 'aggregate_tps_at_max')!).toBeGreaterThan(0);
  });
});

test('the HTML report has a section per profile with its curve, per-document times and timeline', () => {
  for (const title of ['Long-context curve', 'Batch: time per document', 'Stress timeline', 'Idle CPU by --poll level', 'Busiest thread while idle, by --poll level', 'Requests around the sleep deadline', 'Monitoring a sleeping server', 'Concurrency scaling']) {
    expect(html).toContain(title);
  }
  expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(10);
});
