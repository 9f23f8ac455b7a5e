import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { streamCompletion } from '../../client/completion.ts';
import { ownConnection } from '../../client/connection.ts';
import { healthy } from '../../llama/launch.ts';
import { processState } from '../../llama/proc-state.ts';
import { readServerLog, type ServerLog } from '../../llama/server-log.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { processRssBytes } from '../../sampler/proc.ts';
import { settingsOf } from '../mode.ts';
import type { SuiteOptions } from '../define-suite.ts';
import type { Workload, WorkloadContext } from '../run-cell.ts';
import { classifyTrial, countOutcomes, OUTCOME_CODE, type RaceOutcome } from './outcome.ts';
import { raceOffsets } from './offsets.ts';
import { MONITORED_ENDPOINTS, sleepArgs } from './profile.ts';

const PROMPT = 'Name one thing a quiet computer does at night.';
const ENTERING = /entering sleeping state/g;
const EXITING = /exiting sleeping state/g;

type Settings = ReturnType<typeof settingsOf<'sleep-race'>>;

/** How often the server has entered and left its sleeping state, from its log (shared across relaunches). */
function sleepCounts(logFile: ServerLog): { entered: number; exited: number } {
  const text = readServerLog(logFile); // '' while there is no log yet
  return { entered: text.match(ENTERING)?.length ?? 0, exited: text.match(EXITING)?.length ?? 0 };
}

const asleep = (c: { entered: number; exited: number }) => c.entered > c.exited;
const rssMb = (pid: number | null) => {
  const bytes = pid === null ? null : processRssBytes(pid);
  return bytes === null ? null : bytes / (1024 * 1024);
};

const exited = (pid: number | null) => {
  if (pid === null) return false;
  const state = processState(pid);
  return state === null || state === 'Z';
};

/**
 * After a failed request: is the server alive, and does it answer? The liveness watch reports an exit within moments
 * and /health answers while it lives, so this waits on whichever comes first; the bound only ends a server that does
 * neither (alive but stuck).
 */
async function stateAfterFailure(ctx: WorkloadContext, boundMs: number): Promise<'alive' | 'gone' | 'stuck'> {
  let lost = false;
  void ctx.serverLost.then(() => (lost = true));
  const deadline = performance.now() + boundMs;
  while (performance.now() < deadline) {
    if (lost || exited(ctx.server.pid)) return 'gone';
    if (await healthy(ctx.server.baseUrl, 2000)) return 'alive';
    await Promise.race([sleep(200), ctx.serverLost]);
  }
  return lost || exited(ctx.server.pid) ? 'gone' : 'stuck';
}

/** One request of the race: exactly `max_tokens` asked (end-of-text ignored, no prompt cache), timed from when it was sent. */
async function ask(ctx: WorkloadContext, s: Settings) {
  const sentAt = performance.now();
  const r = await streamCompletion(ctx.server.baseUrl, {
    prompt: PROMPT,
    maxTokens: s.max_tokens,
    seed: ctx.plan.config.llama.seed,
    ignoreEos: true,
    timeoutMs: s.request_timeout_s * 1000,
    cachePrompt: false,
  });
  return { r, sentAt, doneAt: performance.now() };
}

/** Waits until the server logs that it sleeps, bounded by the deadline; true when it does. */
async function untilAsleep(ctx: WorkloadContext, s: Settings): Promise<boolean> {
  const deadline = performance.now() + (s.sleep_idle_s + 30) * 1000;
  while (!asleep(sleepCounts(ctx.server.logFile))) {
    if (performance.now() > deadline) return false;
    await Promise.race([sleep(100), ctx.serverLost]);
  }
  return true;
}

async function scrape(baseUrl: string, endpoint: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await request(`${baseUrl}/${endpoint}`, { reset: ownConnection(baseUrl), signal: AbortSignal.timeout(timeoutMs) });
    await res.body.text();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/**
 * Is --sleep-idle-seconds safe on this build? The server starts with it; after each answer the next request is sent
 * at an offset around the moment the server would go to sleep, and its fate recorded. A crash or a hang is an
 * outcome, not the end of the cell: the server is relaunched and the race goes on (past `max_relaunches` it stops). Then,
 * asleep, each monitoring endpoint is scraped on its own to see whether it wakes the server.
 */
export const workload: Workload<'sleep-race'> = async (ctx) => {
  const { plan, log } = ctx;
  const s = settingsOf(plan.config, 'sleep-race');
  // The server started with --sleep-idle-seconds (the profile's `server`); a relaunch after a crash keeps it.
  const relaunchArgs = { extraArgs: sleepArgs(s.sleep_idle_s) };
  const metrics: ProfileMetrics<'sleep-race'> = {};

  const prime = async (): Promise<number> => {
    const { r, doneAt } = await ask(ctx, s);
    if (!r.ok) throw new Error(`the request that starts an idle period failed: ${r.error}`);
    return doneAt;
  };

  const offsets = raceOffsets(s, s.seed);
  log(`sleep race: ${offsets.length} requests around a ${s.sleep_idle_s} s sleep deadline (${s.from_ms} ms to ${s.to_ms} ms)`);
  const rows: Record<string, number | null>[] = [];
  const outcomes: RaceOutcome[] = [];
  let relaunches = 0;
  let untried = 0;
  let lastEnd = await prime();
  for (const [i, planned] of offsets.entries()) {
    const before = sleepCounts(ctx.server.logFile);
    const target = lastEnd + s.sleep_idle_s * 1000 + planned;
    await sleep(Math.max(0, target - performance.now()));
    const { r, sentAt, doneAt } = await ask(ctx, s);
    const after = sleepCounts(ctx.server.logFile);
    const state = r.ok ? (exited(ctx.server.pid) ? 'gone' : 'alive') : await stateAfterFailure(ctx, 30_000);
    const { outcome, why } = classifyTrial({
      ok: r.ok,
      error: r.error,
      elapsedMs: doneAt - sentAt,
      timeoutMs: s.request_timeout_s * 1000,
      outputTokens: r.outputTokens,
      expectedTokens: s.max_tokens,
      text: r.text,
      serverAlive: state !== 'gone',
      serverResponsive: state === 'alive',
    });
    // Where the request really went: a loaded machine wakes the timer late.
    const offset = sentAt - lastEnd - s.sleep_idle_s * 1000;
    const foundAsleep = after.entered > before.entered;
    outcomes.push(outcome);
    rows.push({ offset_ms: offset, planned_ms: planned, outcome: OUTCOME_CODE[outcome], asleep: foundAsleep ? 1 : 0, ttft_ms: r.ttftMs, e2e_ms: r.e2eMs });
    const cause = outcome === 'crashed' ? ctx.acceptLoss() : null;
    ctx.record({ phase: 'race', offset_ms: offset, planned_ms: planned, outcome, why, found_asleep: foundAsleep, ok: r.ok, error: r.error, ttft_ms: r.ttftMs, e2e_ms: r.e2eMs, text: r.text, ...(cause ? { server_lost: cause } : {}) });
    if (outcome !== 'answered') log(`offset ${offset.toFixed(1)} ms: ${outcome} (${why})${cause ? `: ${cause.split('\n')[0]}` : ''}`);
    if (outcome === 'crashed' || outcome === 'hung') {
      // Relaunched even when the race stops: monitoring and the cell's last check need a live server.
      relaunches++;
      await ctx.relaunch(relaunchArgs);
      if (relaunches > s.max_relaunches) {
        untried = offsets.length - i - 1;
        log(`the server needed ${relaunches} relaunches (more than max_relaunches ${s.max_relaunches}): the race stops, ${untried} offsets untried`);
        break;
      }
    }
    lastEnd = outcome === 'answered' ? doneAt : await prime();
  }
  ctx.addSeries('race', rows);
  const counts = countOutcomes(outcomes);
  const req = 'requests';
  metrics.race_trials = ok(counts.trials, req);
  metrics.race_answered = ok(counts.answered, req);
  metrics.race_asleep = ok(rows.filter((r) => r.asleep === 1).length, req);
  metrics.race_hangs = ok(counts.hung, req);
  metrics.race_crashes = ok(counts.crashed, 'crashes');
  metrics.race_wrong = ok(counts.wrong, req);
  const untriedNote = untried > 0 ? `; ${untried} offsets untried after ${relaunches} relaunches` : '';
  log(`sleep race: ${counts.answered} answered, ${counts.wrong} wrong, ${counts.hung} hung, ${counts.crashed} crashed of ${counts.trials}${untriedNote}; ${metrics.race_asleep.value} found it asleep`);

  Object.assign(metrics, await monitoring(ctx, s));
  return metrics;
};

/** Scrapes each endpoint on its own while the server sleeps; one that makes it log its wake-up woke it. */
async function monitoring(ctx: WorkloadContext, s: Settings): Promise<Partial<Record<'monitoring_wakes', Metric>>> {
  const rows: Record<string, number | null>[] = [];
  let wakes = 0;
  const periodMs = 1000 / s.monitor_rate_hz;
  for (const endpoint of s.monitor_endpoints) {
    if (!(await untilAsleep(ctx, s))) {
      return { monitoring_wakes: failed('endpoints', `the server never logged that it went to sleep within ${s.sleep_idle_s + 30} s, so monitoring could not be checked`) };
    }
    const before = sleepCounts(ctx.server.logFile);
    const rssBefore = rssMb(ctx.server.pid);
    let requests = 0;
    let answered = 0;
    const end = performance.now() + s.monitor_s * 1000;
    while (performance.now() < end) {
      const next = performance.now() + periodMs;
      requests++;
      if (await scrape(ctx.server.baseUrl, endpoint, 10_000)) answered++;
      await sleep(Math.max(0, next - performance.now()));
    }
    const woke = sleepCounts(ctx.server.logFile).exited > before.exited;
    if (woke) wakes++;
    rows.push({ endpoint: MONITORED_ENDPOINTS.indexOf(endpoint), requests, answered, woke: woke ? 1 : 0, rss_before_mb: rssBefore, rss_after_mb: rssMb(ctx.server.pid) });
    ctx.log(`monitoring /${endpoint} at ${s.monitor_rate_hz}/s for ${s.monitor_s} s while asleep: ${answered}/${requests} answered, ${woke ? 'woke the server' : 'it stayed asleep'}`);
  }
  ctx.addSeries('monitoring', rows);
  if (s.monitor_endpoints.length === 0) return { monitoring_wakes: skipped('endpoints', 'no monitor_endpoints configured') };
  return { monitoring_wakes: ok(wakes, 'endpoints') };
}

/**
 * Whether sleep mode is safe depends on the build and the model (how long a wake-up reloads it), not on threads or
 * priority: once per model keeps the default run's cost to one race per model (about 2.5 minutes each).
 */
export const suite: SuiteOptions = {
  representative: (_plan, cell) => cell.model,
  duplicateBecause: 'the sleep race tests the llama.cpp build with this model, not its quantization, threads, context or priority',
};
