import path from 'node:path';
import { distinctN, meanPairwiseEditDistance, spread } from '../../analysis/diversity.ts';
import type { ProfileMetrics } from '../../budgets/catalogue.ts';
import { failed, ok, skipped, type Metric } from '../../measurement/schema.ts';
import { middlewareMetrics } from '../../middleware/metrics.ts';
import { resolveMiddleware } from '../../middleware/resolve.ts';
import { chatWithMiddleware, compositionRecord, type MiddlewareCall } from '../../middleware/send.ts';
import { chatMessages, loadGoldenSet, type GoldenItem } from '../../scoring/goldens.ts';
import { grade } from '../../scoring/graders.ts';
import { settingsOf } from '../mode.ts';
import { dataFile, loadPrompts } from '../prompts.ts';
import { promptText } from '../quality/goldens.ts';
import type { Workload } from '../run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from '../window.ts';
import { temperatureKey } from './profile.ts';

/** One prompt's runs at one temperature. */
export interface RunsOfPrompt {
  texts: string[];
  tokens: number[];
  tps: number[];
  /** Graded items only: each run's score. */
  scores: number[];
}

export type TemperatureRow = Record<'temperature' | 'runs' | 'distinct_1' | 'distinct_2' | 'edit_distance' | 'length_mean' | 'length_sd' | 'length_cv' | 'tps_mean' | 'tps_sd' | 'tps_cv' | 'pass_rate' | 'graded', number | null>;

const meanOf = (xs: readonly (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/**
 * One temperature's row: diversity taken within each prompt's runs (answers to different prompts differ anyway),
 * then averaged over prompts; length and speed spread over every run; pass rate over every graded run.
 */
export function temperatureRow(temperature: number, prompts: readonly RunsOfPrompt[]): TemperatureRow {
  const length = spread(prompts.flatMap((p) => p.tokens));
  const tps = spread(prompts.flatMap((p) => p.tps));
  const scores = prompts.flatMap((p) => p.scores);
  return {
    temperature,
    runs: prompts.reduce((n, p) => n + p.texts.length, 0),
    distinct_1: meanOf(prompts.map((p) => distinctN(p.texts, 1))),
    distinct_2: meanOf(prompts.map((p) => distinctN(p.texts, 2))),
    edit_distance: meanOf(prompts.map((p) => meanPairwiseEditDistance(p.texts))),
    length_mean: length.mean,
    length_sd: length.sd,
    length_cv: length.cv,
    tps_mean: tps.mean,
    tps_sd: tps.sd,
    tps_cv: tps.cv,
    pass_rate: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    graded: scores.length,
  };
}

interface Item {
  id: string;
  messages: { role: string; content: string }[];
  golden: GoldenItem | null;
  maxTokens: number;
}

/** N runs of each prompt at each temperature, seeds llama.seed + run; graded items graded like the quality profile. */
export const workload: Workload<'temperature'> = async (ctx) => {
  const { plan, sampler, record, log, addSeries } = ctx;
  const s = settingsOf(plan.config, 'temperature');
  const free = loadPrompts(dataFile(plan.configFile, s.prompts)).slice(0, s.prompt_limit);
  const graded = s.graded_limit > 0 ? loadGoldenSet(path.join(dataFile(plan.configFile, s.goldens), `${s.graded_set}.jsonl`)).slice(0, s.graded_limit) : [];
  const items: Item[] = [
    ...free.map((p) => ({ id: p.id, messages: [{ role: 'user', content: p.prompt }], golden: null, maxTokens: s.max_tokens })),
    ...graded.map((g) => ({ id: g.id, messages: chatMessages(g), golden: g, maxTokens: Math.max(g.max_tokens, s.max_tokens) })),
  ];
  if (items.length === 0) throw new Error('the temperature profile has nothing to ask: prompt_limit and graded_limit are both 0');
  const mw = resolveMiddleware(plan.configFile, plan.config.middleware, ctx.planned.cell.middleware);
  log(`${items.length} prompt(s) × ${s.temperatures.length} temperature(s) × ${s.runs} runs${mw.name !== 'none' ? `, middleware ${mw.name}` : ''}`);
  const from = performance.now();
  const calls: MiddlewareCall[] = [];
  const rows: TemperatureRow[] = [];
  let failures = 0;
  let firstError: string | null = null;
  for (const t of s.temperatures) {
    const perPrompt: RunsOfPrompt[] = [];
    for (const item of items) {
      const runs: RunsOfPrompt = { texts: [], tokens: [], tps: [], scores: [] };
      for (let run = 0; run < s.runs; run++) {
        const seed = plan.config.llama.seed + run;
        const call = await chatWithMiddleware(ctx.server.baseUrl, item.messages, mw, { maxTokens: item.maxTokens, seed, temperature: t, timeoutMs: s.request_timeout_s * 1000 }, plan.config.middleware.include_thinking);
        calls.push(call);
        const a = call.answer;
        const g = a.ok && item.golden ? grade(item.golden.grader, a.text, item.golden.reference, { prompt: promptText(item.golden) }) : null;
        record({ kind: 'temperature', id: item.id, temperature: t, run, seed, ok: a.ok, error: a.error, output: a.text, completion_tokens: a.completionTokens, decode_tps: a.timings?.predicted_per_second ?? null, score: g?.score ?? null, evidence: g?.evidence ?? null, composition: compositionRecord(call) });
        if (!a.ok) {
          failures++;
          firstError ??= a.error;
          continue;
        }
        runs.texts.push(a.text);
        const n = a.completionTokens ?? a.timings?.predicted_n;
        if (n !== undefined && n !== null) runs.tokens.push(n);
        if (a.timings?.predicted_per_second) runs.tps.push(a.timings.predicted_per_second);
        if (g) runs.scores.push(g.score);
      }
      perPrompt.push(runs);
    }
    const row = temperatureRow(t, perPrompt);
    rows.push(row);
    log(`T ${t}: distinct-2 ${row.distinct_2?.toFixed(3) ?? '—'}, edit distance ${row.edit_distance?.toFixed(3) ?? '—'}, pass rate ${row.pass_rate?.toFixed(2) ?? '—'}`);
  }
  addSeries('temperatures', rows);
  sampler.tick();
  const all = sampler.snapshot();
  const metrics: Record<string, Metric> = { ...resourceMetrics(rowsIn(all, from, performance.now()), all, sampler.missingSensors(), bootstrapOptions(plan)) };
  const why = (r: TemperatureRow, what: string) => (r.runs === 0 ? failed('ratio', `every request at T ${r.temperature} failed (first: ${firstError})`) : skipped('ratio', `${what} at T ${r.temperature}: the answers are too short or too few`));
  for (const r of rows) {
    const k = temperatureKey(r.temperature!);
    metrics[`distinct2_t${k}`] = r.distinct_2 !== null ? ok(r.distinct_2, 'ratio') : why(r, 'no distinct-2');
    metrics[`edit_distance_t${k}`] = r.edit_distance !== null ? ok(r.edit_distance, 'ratio') : why(r, 'no edit distance');
    metrics[`pass_rate_t${k}`] =
      r.pass_rate !== null ? ok(r.pass_rate, 'score') : graded.length === 0 ? skipped('score', 'no graded items (graded_limit is 0)') : failed('score', `no graded run at T ${r.temperature} got an answer (first: ${firstError})`);
  }
  // A failed run is not a wrong answer, and pass rates over the rest would flatter: any failure makes them errors.
  if (failures > 0) for (const k of Object.keys(metrics)) if (k.startsWith('pass_rate_t')) metrics[k] = failed('score', `${failures} request(s) failed (first: ${firstError})`);
  const hottest = rows.reduce((a, b) => (b.temperature! > a.temperature! ? b : a));
  const coolest = rows.reduce((a, b) => (b.temperature! < a.temperature! ? b : a));
  metrics.length_cv_max_temp = hottest.length_cv !== null ? ok(hottest.length_cv, 'ratio') : skipped('ratio', 'needs two answers with a token count and a non-zero mean length');
  metrics.tps_cv_max_temp = hottest.tps_cv !== null ? ok(hottest.tps_cv, 'ratio') : skipped('ratio', 'needs two answers with a decode speed');
  metrics.pass_rate_drop =
    failures > 0
      ? failed('score', `${failures} request(s) failed (first: ${firstError})`)
      : rows.length < 2
        ? skipped('score', 'needs two temperatures')
        : coolest.pass_rate !== null && hottest.pass_rate !== null
          ? ok(coolest.pass_rate - hottest.pass_rate, 'score')
          : skipped('score', 'no graded items');
  metrics.requests_failed = ok(failures, 'requests');
  Object.assign(metrics, middlewareMetrics(calls.map((c) => c.overhead), calls.find((c) => c.overheadError)?.overheadError ?? null));
  return metrics as ProfileMetrics<'temperature'>;
};
