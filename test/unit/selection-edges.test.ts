// Edges of candidates/select, recommend, compareRuns and rateCell on hand-made scoreboards: every number below is
// worked out in the comment beside it.
import { describe, expect, test } from 'vitest';
import { evaluateBudget, makeBudget } from '../../harness/budgets/budget.ts';
import { failed, ok, skipped, type Metric, type Verdict } from '../../harness/measurement/schema.ts';
import { compareRuns } from '../../harness/report/compare.ts';
import { cellScoreSchema, comparisonSchema, recommendationSchema } from '../../harness/report/part-schemas.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { headroom, rateCell } from '../../harness/report/ratings.ts';
import { cellScores, efficiency, recommend, SCORE_FORMULAS, USE_CASES } from '../../harness/report/recommend.ts';
import { candidates, select, type Candidate } from '../../harness/report/select.ts';

const ci = (low: number, high: number) => ({ low, high, level: 0.95, resamples: 1000 });

function report(id: string, profile: string, metrics: Record<string, Metric>, verdicts: Verdict[] = [], extra: Partial<CellReport> = {}): CellReport {
  return {
    profile,
    cell: { id, slug: id, model: 'm', quant: 'Q4', threads: 1, ctx: 1000, priority: 'normal' },
    state: 'completed',
    metrics,
    verdicts,
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
    ...extra,
  };
}

function verdict(metric: string, status: Verdict['status'], value: number | null = 1, extra: Partial<Verdict> = {}): Verdict {
  return { metric, label: metric, source: '<= 2', op: '<=', limit: 2, unit: 's', value, status, margin: value === null ? null : 2 - value, used: null, ...extra };
}

function candidate(cellId: string, figures: Record<string, number>, verdicts: { profile: string; verdict: Verdict }[] = []): Candidate {
  return { cellId, figures: new Map(Object.entries(figures)), verdicts };
}

describe('candidates', () => {
  test('one candidate per cell id over profiles, ok figures only, sorted by id', () => {
    const pass = verdict('latency_p95_s', 'pass');
    const cells = [
      report('b', 'interactive', { latency_p95_s: ok(1, 's'), cpu_mean_pct: skipped('%', 'no sampler'), rss_peak_mb: failed('MB', 'gone') }, [pass]),
      report('a', 'interactive', { latency_p95_s: ok(0.5, 's') }),
      report('b', 'idle', { cpu_mean_pct: ok(3, '%') }),
    ];
    const got = candidates(cells);
    expect(got.map((c) => c.cellId)).toEqual(['a', 'b']);
    expect([...got[1]!.figures]).toEqual([
      ['interactive.latency_p95_s', 1],
      ['idle.cpu_mean_pct', 3],
    ]);
    expect(got[1]!.verdicts).toEqual([{ profile: 'interactive', verdict: pass }]);
    expect(got[0]!.verdicts).toEqual([]);
  });

  test('a cell that did not complete stands as a "runs to completion" error, with its error or a default reason', () => {
    const got = candidates([
      report('x', 'interactive', { latency_p95_s: ok(1, 's') }, [], { state: 'errored', error: 'server crashed' }),
      report('y', 'interactive', {}, [], { state: 'not-run' }),
    ]);
    const runs = { metric: 'runs', label: 'runs to completion', source: '', op: '>=', limit: 1, unit: '', value: null, status: 'error', margin: null, used: null };
    expect(got[0]).toEqual({ cellId: 'x', figures: new Map(), verdicts: [{ profile: 'interactive', verdict: { ...runs, reason: 'server crashed' } }] });
    expect(got[1]!.verdicts).toEqual([{ profile: 'interactive', verdict: { ...runs, reason: 'the cell did not run' } }]);
  });

  test('a skipped duplicate borrows its representative\'s figures and verdicts in the same profile only', () => {
    const pass = verdict('latency_p95_s', 'pass');
    const got = candidates([
      report('rep', 'interactive', { latency_p95_s: ok(1, 's') }, [pass]),
      report('rep', 'idle', { cpu_mean_pct: ok(3, '%') }),
      report('dup', 'interactive', {}, [], { state: 'skipped', representative: 'rep' }),
      report('dup', 'idle', {}, [], { state: 'skipped', representative: 'missing' }),
      report('lone', 'interactive', {}, [], { state: 'skipped' }),
    ]);
    const dup = got.find((c) => c.cellId === 'dup')!;
    expect([...dup.figures]).toEqual([['interactive.latency_p95_s', 1]]);
    expect(dup.verdicts).toEqual([{ profile: 'interactive', verdict: pass }]);
    // a skipped cell with no (findable) representative adds nothing, not even an error
    expect(got.find((c) => c.cellId === 'lone')).toEqual({ cellId: 'lone', figures: new Map(), verdicts: [] });
  });

  test('a representative that itself errored gives the duplicate nothing, and no error of its own', () => {
    const got = candidates([
      report('rep', 'interactive', { latency_p95_s: ok(1, 's') }, [], { state: 'errored' }),
      report('dup', 'interactive', {}, [], { state: 'skipped', representative: 'rep' }),
    ]);
    expect(got.find((c) => c.cellId === 'dup')).toEqual({ cellId: 'dup', figures: new Map(), verdicts: [] });
  });
});

describe('select', () => {
  const W = { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 1 };

  test('normalisation: higher is better as (v − min)/(max − min), lower inverted, weights averaged', () => {
    // latency 1, 2, 3 (lower better) → 1, 0.5, 0; tps 10, 40, 20 (higher better) → 0, 1, 1/3
    // weights 3 and 1: a = (3·1 + 1·0)/4 = 0.75, b = (3·0.5 + 1·1)/4 = 0.625, c = (0 + 1/3)/4 = 1/12
    const s = select(
      [
        candidate('a', { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 10 }),
        candidate('b', { 'interactive.latency_p95_s': 2, 'interactive.decode_tps_mean': 40 }),
        candidate('c', { 'interactive.latency_p95_s': 3, 'interactive.decode_tps_mean': 20 }),
      ],
      { 'interactive.latency_p95_s': 3, 'interactive.decode_tps_mean': 1 },
      ['interactive'],
    );
    expect(s.ranked.map((r) => [r.cellId, r.score])).toEqual([
      ['a', 0.75],
      ['b', 0.625],
      ['c', 1 / 12],
    ]);
    expect(s.ranked[1]!.contributions).toEqual([
      { key: 'interactive.latency_p95_s', value: 2, normalised: 0.5, weight: 3 },
      { key: 'interactive.decode_tps_mean', value: 40, normalised: 1, weight: 1 },
    ]);
    expect(s.winner!.cellId).toBe('a');
    expect(s.runnerUp!.cellId).toBe('b');
    expect(s.profiles).toEqual(['interactive']);
    expect(s.missing).toEqual([]);
    expect(s.excluded).toEqual([]);
  });

  test('all equal figures normalise to 1 whatever the direction; a figure a cell lacks counts 0 and shows NaN', () => {
    const s = select(
      [candidate('a', { 'interactive.latency_p95_s': 2, 'interactive.decode_tps_mean': 5 }), candidate('b', { 'interactive.latency_p95_s': 2 })],
      W,
      ['interactive'],
    );
    // a: (1 + 1)/2 = 1; b: (1 + 0)/2 = 0.5
    expect(s.ranked.map((r) => [r.cellId, r.score])).toEqual([
      ['a', 1],
      ['b', 0.5],
    ]);
    expect(s.ranked[1]!.contributions[1]).toEqual({ key: 'interactive.decode_tps_mean', value: NaN, normalised: 0, weight: 1 });
  });

  test('weights of 0 are ignored; figures nobody has, or with no better side, are listed as missing', () => {
    const s = select(
      [candidate('a', { 'interactive.latency_p95_s': 1, 'invisibility.background_requests': 3 }), candidate('b', { 'interactive.latency_p95_s': 2, 'invisibility.background_requests': 9 })],
      { 'interactive.latency_p95_s': 1, 'interactive.cpu_mean_pct': 0, 'interactive.ttft_p95_s': 2, 'invisibility.background_requests': 5, nodot: 1 },
      ['interactive'],
    );
    expect(s.missing).toEqual(['interactive.ttft_p95_s', 'invisibility.background_requests', 'nodot']);
    expect(s.winner!.contributions.map((c) => c.key)).toEqual(['interactive.latency_p95_s']);
    expect(s.winner).toMatchObject({ cellId: 'a', score: 1 });
  });

  test('nothing weighed: every score is 0 and the tie-break decides', () => {
    const s = select([candidate('b', { 'interactive.latency_p95_s': 1 }), candidate('a', { 'interactive.latency_p95_s': 1 })], {}, ['interactive']);
    expect(s.ranked.map((r) => [r.cellId, r.score])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
  });

  test('a fail or error in a use case\'s profile rules a cell out (first such verdict named); other profiles do not', () => {
    const fail = verdict('latency_p95_s', 'fail', 3);
    const error = verdict('ttft_p95_s', 'error', null);
    const s = select(
      [
        candidate('a', { 'interactive.latency_p95_s': 3 }, [
          { profile: 'interactive', verdict: verdict('decode_tps_mean', 'pass') },
          { profile: 'interactive', verdict: fail },
          { profile: 'interactive', verdict: error },
        ]),
        candidate('b', { 'interactive.latency_p95_s': 1 }, [{ profile: 'interactive', verdict: error }]),
        candidate('c', { 'interactive.latency_p95_s': 2 }, [{ profile: 'idle', verdict: fail }]),
      ],
      W,
      ['interactive'],
    );
    expect(s.excluded).toEqual([
      { cellId: 'a', profile: 'interactive', verdict: fail },
      { cellId: 'b', profile: 'interactive', verdict: error },
    ]);
    expect(s.ranked.map((r) => r.cellId)).toEqual(['c']);
    expect(s.runnerUp).toBeNull();
  });

  test('a cell with no figure from one of the profiles is not eligible, and not listed as ruled out', () => {
    const s = select(
      [candidate('a', { 'interactive.latency_p95_s': 1 }), candidate('b', { 'interactive.latency_p95_s': 2, 'idle.cpu_mean_pct': 3 }), candidate('c', { 'idle2.x': 1, 'interactive.latency_p95_s': 1 })],
      { 'interactive.latency_p95_s': 1 },
      ['interactive', 'idle'],
    );
    expect(s.ranked.map((r) => r.cellId)).toEqual(['b']);
    expect(s.excluded).toEqual([]);
  });

  test('no candidates: no winner, no runner-up', () => {
    expect(select([], W, ['interactive'])).toEqual({ profiles: ['interactive'], winner: null, runnerUp: null, ranked: [], excluded: [], missing: Object.keys(W), unchecked: [] });
  });

  test('unresolved budgets of the use case\'s profiles rank a cell after every resolved one, whatever its score', () => {
    const inconclusive = verdict('latency_p95_s', 'inconclusive');
    const skip = verdict('temperature_max_c', 'skipped', null);
    const s = select(
      [
        candidate('a', { 'interactive.latency_p95_s': 0.1 }, [{ profile: 'interactive', verdict: inconclusive }]),
        candidate('b', { 'interactive.latency_p95_s': 0.2 }, [{ profile: 'interactive', verdict: skip }]),
        candidate('c', { 'interactive.latency_p95_s': 5 }, [{ profile: 'idle', verdict: skip }]),
        candidate('d', { 'interactive.latency_p95_s': 4 }, [{ profile: 'interactive', verdict: verdict('x', 'pass') }]),
      ],
      { 'interactive.latency_p95_s': 1 },
      ['interactive'],
    );
    expect(s.ranked.map((r) => r.cellId)).toEqual(['d', 'c', 'a', 'b']);
    expect(s.ranked.map((r) => r.unresolved)).toEqual([[], [], [{ profile: 'interactive', verdict: inconclusive }], [{ profile: 'interactive', verdict: skip }]]);
  });

  test('ties: lower p95 latency, then higher decode speed, then the id; a figure one side lacks is no tie-break', () => {
    const w = { 'interactive.cpu_mean_pct': 1 };
    const tie = (id: string, figures: Record<string, number>) => candidate(id, { 'interactive.cpu_mean_pct': 1, ...figures });
    const order = (cs: Candidate[]) => select(cs, w, ['interactive']).ranked.map((r) => r.cellId);
    expect(order([tie('a', { 'interactive.latency_p95_s': 2 }), tie('b', { 'interactive.latency_p95_s': 1 })])).toEqual(['b', 'a']);
    expect(order([tie('a', { 'interactive.decode_tps_mean': 1 }), tie('b', { 'interactive.decode_tps_mean': 2 })])).toEqual(['b', 'a']);
    // latency equal: decode decides
    expect(order([tie('a', { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 1 }), tie('b', { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 2 })])).toEqual(['b', 'a']);
    // b lacks latency: latency cannot decide, decode does
    expect(order([tie('a', { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 1 }), tie('b', { 'interactive.decode_tps_mean': 2 })])).toEqual(['b', 'a']);
    expect(order([tie('b', { 'interactive.latency_p95_s': 1 }), tie('a', { 'interactive.decode_tps_mean': 2 })])).toEqual(['a', 'b']);
  });

  test('scores within 1e-12 tie; a larger gap decides before the tie-break', () => {
    // a: latency 1 (→ 1), tps 0 (→ 0); b: latency 2 (→ 0), tps 1 (→ 1): both score exactly 0.5 → lower latency: a
    const W2 = { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 1 };
    const tied = select([candidate('b', { 'interactive.latency_p95_s': 2, 'interactive.decode_tps_mean': 1 }), candidate('a', { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 0 })], W2, ['interactive']);
    expect(tied.ranked.map((r) => [r.cellId, r.score])).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
    // weights 1 and 1.000001: b's score is 1.000001/2.000001 > 0.5 by 2.5e-7: b wins despite its higher latency
    const apart = select([candidate('a', { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 0 }), candidate('b', { 'interactive.latency_p95_s': 2, 'interactive.decode_tps_mean': 1 })], { 'interactive.latency_p95_s': 1, 'interactive.decode_tps_mean': 1.000001 }, ['interactive']);
    expect(apart.winner!.cellId).toBe('b');
  });
});

describe('recommend', () => {
  const latency = makeBudget('latency_p95_s', { label: 'p95 latency', unit: 's' }, '<= 2');
  const tps = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 5');
  function chat(id: string, lat: number, speed: number, extra: Partial<CellReport> = {}, latCi?: ReturnType<typeof ci>): CellReport {
    const metrics = { latency_p95_s: ok(lat, 's', undefined, latCi), decode_tps_mean: ok(speed, 'tok/s') };
    return report(id, 'interactive', metrics, [evaluateBudget(latency, metrics.latency_p95_s), evaluateBudget(tps, metrics.decode_tps_mean)], extra);
  }

  test('the winner\'s reasons: weighted figures by contribution, the runner-up, what was not weighed, the budgets it passed', () => {
    // weights: latency 3, ttft 2 (nobody has it), decode 2, p99/p50 1 (nobody has it)
    // a: latency 1 → 1, tps 10 → 0: (3·1 + 2·0)/5 = 0.6; b: latency 1.5 → 0, tps 30 → 1: 2/5 = 0.4
    const recs = recommend([chat('a', 1, 10), chat('b', 1.5, 30)], {});
    const r = recs.find((x) => x.useCase === 'interactive')!;
    expect(r).toMatchObject({ useCase: 'interactive', title: 'Interactive chat', status: 'recommended', cellId: 'a', runnerUp: 'b', score: 0.6, ruledOut: [] });
    expect(r.reasons).toEqual([
      'interactive.latency_p95_s = 1 (normalised 1.00, weight 3)',
      'interactive.decode_tps_mean = 10 (normalised 0.00, weight 2)',
      'runner-up b scored 0.400 against 0.600',
      'not measured or without a better side, so not weighed: interactive.ttft_p95_s, interactive.latency_p99_over_p50',
      // used: 1 / 2 = 50 %; lower limit: 5 / 10 = 50 %
      'passed interactive: p95 latency 1 s (50 % of budget used)',
      'passed interactive: decode speed 10 tok/s (50 % of budget used)',
    ]);
  });

  test('use cases in order, "overall" first over every profile that ran; a use case missing a profile names it', () => {
    const recs = recommend([chat('a', 1, 10)], { 'interactive.latency_p95_s': 1 });
    expect(recs.map((r) => r.useCase)).toEqual(['overall', ...USE_CASES.map((u) => u.id)]);
    expect(recs[0]).toMatchObject({ title: 'Overall best', status: 'recommended', cellId: 'a', runnerUp: null, score: 1 });
    expect(recs.find((r) => r.useCase === 'background')).toEqual({
      useCase: 'background',
      title: 'Always-on background',
      status: 'not-measured',
      cellId: null,
      runnerUp: null,
      score: null,
      reasons: ['no idle profile in this run'],
      ruledOut: [],
    });
    expect(recs.find((r) => r.useCase === 'invisible')!.reasons).toEqual(['no invisibility profile in this run']);
  });

  test('a profile counts as run only if some cell of it completed', () => {
    const recs = recommend([chat('a', 1, 10, { state: 'errored', error: 'crash' })], {});
    expect(recs.find((r) => r.useCase === 'interactive')).toMatchObject({ status: 'not-measured', reasons: ['no interactive profile in this run'] });
    // nothing ran at all: no overall pick either (it used to recommend the errored cell: no profile, no threshold)
    expect(recs[0]).toEqual({ useCase: 'overall', title: 'Overall best', status: 'not-measured', cellId: null, runnerUp: null, score: null, reasons: ['no profile completed in this run'], ruledOut: [] });
  });

  test('nothing passed: every cell ruled out with the figure and the limit, or the status and reason', () => {
    const missing = report('m', 'interactive', {}, [evaluateBudget(latency, undefined)]);
    const recs = recommend([chat('slow', 2.345678, 10), missing], {});
    const r = recs.find((x) => x.useCase === 'interactive')!;
    expect(r).toEqual({
      useCase: 'interactive',
      title: 'Interactive chat',
      status: 'none-passed',
      cellId: null,
      runnerUp: null,
      score: null,
      reasons: ['no configuration met every budget of interactive'],
      ruledOut: [
        { cellId: 'm', because: 'interactive: p95 latency error (the profile did not measure this metric)' },
        { cellId: 'slow', because: 'interactive: p95 latency 2.35 s, limit <= 2' },
      ],
    });
    const noReason = report('n', 'interactive', {}, [{ ...evaluateBudget(latency, undefined), reason: undefined }]);
    expect(recommend([noReason], {}).find((x) => x.useCase === 'interactive')!.ruledOut).toEqual([{ cellId: 'n', because: 'interactive: p95 latency error ()' }]);
  });

  test('a pick with an unresolved budget is provisional and says which, first', () => {
    const recs = recommend([chat('a', 1, 10, {}, ci(0.5, 2.5))], { 'interactive.latency_p95_s': 1 });
    const r = recs.find((x) => x.useCase === 'interactive')!;
    expect(r.status).toBe('provisional');
    expect(r.reasons[0]).toBe('not known to meet interactive: p95 latency inconclusive (the estimate passes, but its 95 % interval [0.5, 2.5] reaches past the limit)');
    // an inconclusive budget is not "passed"
    expect(r.reasons.filter((x) => x.startsWith('passed'))).toEqual(['passed interactive: decode speed 10 tok/s (50 % of budget used)']);
    const skippedOne = report('s', 'interactive', { latency_p95_s: ok(1, 's') }, [{ ...verdict('temperature_max_c', 'skipped', null), label: 'CPU temperature', reason: undefined }]);
    expect(recommend([skippedOne], {}).find((x) => x.useCase === 'interactive')!.reasons[0]).toBe('not known to meet interactive: CPU temperature skipped');
  });

  test('a weighted figure the winner lacks reads "—"; a budget with no share used has no percentage', () => {
    const a = report('a', 'interactive', { latency_p95_s: ok(1, 's') }, [evaluateBudget(makeBudget('swap_growth_mb', { label: 'swap growth', unit: 'MB' }, '<= 0'), ok(0, 'MB')), { ...verdict('x', 'pass', 1), used: null, label: 'thing' }]);
    const b = report('b', 'interactive', { latency_p95_s: ok(2, 's'), decode_tps_mean: ok(9, 'tok/s') });
    // weights 3 latency, 2 decode: a = 3·1/5 = 0.6 (it lacks decode: 0); b = 2·1/5 = 0.4
    const r = recommend([a, b], {}).find((x) => x.useCase === 'interactive')!;
    expect(r.cellId).toBe('a');
    expect(r.reasons).toContain('interactive.decode_tps_mean = — (normalised 0.00, weight 2)');
    expect(r.reasons).toContain('passed interactive: swap growth 0 MB (0 % of budget used)');
    expect(r.reasons).toContain('passed interactive: thing 1 s');
  });

  test('the overall pick lists passes of every profile that ran; a use case only those of its own profiles', () => {
    const idle = report('a', 'idle', { cpu_mean_pct: ok(2, '%'), rss_peak_mb: ok(100, 'MB') }, [{ ...verdict('cpu_mean_pct', 'pass', 2), limit: 4, op: '<=', unit: '%', label: 'idle CPU', used: 0.5 }]);
    const recs = recommend([chat('a', 1, 10), idle], { 'interactive.latency_p95_s': 1 });
    expect(recs[0]!.reasons.filter((x) => x.startsWith('passed'))).toEqual([
      'passed interactive: p95 latency 1 s (50 % of budget used)',
      'passed interactive: decode speed 10 tok/s (50 % of budget used)',
      'passed idle: idle CPU 2 % (50 % of budget used)',
    ]);
    expect(recs.find((x) => x.useCase === 'interactive')!.reasons.filter((x) => x.startsWith('passed idle'))).toEqual([]);
    expect(recs.find((x) => x.useCase === 'background')!.reasons.filter((x) => x.startsWith('passed'))).toHaveLength(3);
  });
});

describe('efficiency and cost-benefit', () => {
  test('the formulas the report prints are the ones computed', () => {
    expect(SCORE_FORMULAS).toEqual({
      efficiency: 'decode tok/s × context tokens ÷ peak RSS in GB (interactive profile)',
      costBenefit: 'overall quality score × decode tok/s ÷ peak RSS in GB, scaled so the best cell is 100',
    });
  });

  test('efficiency needs a positive RSS', () => {
    // 20 tok/s × 1000 ctx ÷ 0.5 GB = 40000
    expect(efficiency(20, 1000, 500)).toBe(40000);
    expect(efficiency(20, 1000, 0)).toBeNull();
    expect(efficiency(20, 1000, -1)).toBeNull();
  });

  test('a cell without quality has efficiency but no cost-benefit; all-zero quality scales to 0', () => {
    const cells = [
      report('a', 'interactive', { decode_tps_mean: ok(10, 'tok/s'), rss_peak_mb: ok(1000, 'MB') }),
      report('b', 'interactive', { decode_tps_mean: ok(10, 'tok/s') }),
      report('a', 'quality', { score_overall: ok(0, 'score') }),
    ];
    // a: 10 × 1000 ÷ 1 GB = 10000; raw 0 × 10 ÷ 1 = 0, best 0 → 0
    expect(cellScores(cells)).toEqual([
      { cellId: 'a', efficiency: 10000, costBenefit: 0 },
      { cellId: 'b', efficiency: null, costBenefit: null },
    ]);
    expect(cellScores([report('c', 'interactive', { decode_tps_mean: ok(10, 'tok/s'), rss_peak_mb: ok(1000, 'MB') })])).toEqual([{ cellId: 'c', efficiency: 10000, costBenefit: null }]);
  });

  test('an RSS of 0 gives neither figure', () => {
    const cells = [report('a', 'interactive', { decode_tps_mean: ok(10, 'tok/s'), rss_peak_mb: ok(0, 'MB') }), report('a', 'quality', { score_overall: ok(1, 'score') })];
    expect(cellScores(cells)).toEqual([{ cellId: 'a', efficiency: null, costBenefit: null }]);
  });
});

describe('compareRuns', () => {
  const board = (id: string, cells: CellReport[]) => ({ runId: id, cells }) as unknown as RunReport;
  const lat = (value: number, interval?: ReturnType<typeof ci>) => ok(value, 's', undefined, interval);

  test('rows per key or budgeted metric in both runs, sorted; unmatched cells named; the baseline id kept', () => {
    const now = [
      report('a', 'interactive', { latency_p95_s: lat(2), decode_tps_mean: ok(10, 'tok/s'), zz_custom: ok(1, 'x'), rss_peak_mb: skipped('MB', 'x') }, [verdict('zz_custom', 'pass')]),
      report('b', 'interactive', { latency_p95_s: lat(1) }),
      report('c', 'interactive', { latency_p95_s: lat(1) }, [], { state: 'errored' }),
      report('d', 'interactive', { latency_p95_s: lat(1) }),
    ];
    const then = [
      report('a', 'interactive', { latency_p95_s: lat(1), decode_tps_mean: ok(0, 'tok/s'), zz_custom: ok(4, 'x'), rss_peak_mb: ok(5, 'MB') }),
      report('b', 'interactive', { latency_p95_s: lat(1) }, [], { state: 'errored' }),
      report('d', 'idle', { latency_p95_s: lat(1) }),
    ];
    const c = compareRuns(board('new', now), board('old', then));
    expect(c.baselineRunId).toBe('old');
    expect(c.unmatched).toEqual(['interactive: b', 'interactive: d']);
    expect(c.rows).toEqual([
      { cellId: 'a', profile: 'interactive', metric: 'decode_tps_mean', before: 0, after: 10, deltaPct: null, regression: false, improvement: false },
      // (2 − 1) / 1 = +100 %
      { cellId: 'a', profile: 'interactive', metric: 'latency_p95_s', before: 1, after: 2, deltaPct: 100, regression: false, improvement: false },
      // (1 − 4) / 4 = −75 %
      { cellId: 'a', profile: 'interactive', metric: 'zz_custom', before: 4, after: 1, deltaPct: -75, regression: false, improvement: false },
    ]);
  });

  test('a profile the registry does not know compares its budgeted metrics only', () => {
    const c = compareRuns(
      board('new', [report('a', 'custom', { foo: ok(2, 'x'), bar: ok(2, 'x') }, [verdict('foo', 'pass')])]),
      board('old', [report('a', 'custom', { foo: ok(1, 'x'), bar: ok(1, 'x') })]),
    );
    expect(c.rows.map((r) => r.metric)).toEqual(['foo']);
  });

  test('the baseline on the edge of the interval is not outside it; a negative baseline keeps the sign of the change', () => {
    const edge = compareRuns(board('n', [report('a', 'interactive', { latency_p95_s: lat(2, ci(1, 3)) })]), board('o', [report('a', 'interactive', { latency_p95_s: lat(1) })]));
    expect(edge.rows[0]).toMatchObject({ regression: false, improvement: false });
    const top = compareRuns(board('n', [report('a', 'interactive', { latency_p95_s: lat(2, ci(1, 3)) })]), board('o', [report('a', 'interactive', { latency_p95_s: lat(3) })]));
    expect(top.rows[0]).toMatchObject({ regression: false, improvement: false });
    // before −2, after −1: (−1 − (−2)) / |−2| = +50 %
    const neg = compareRuns(board('n', [report('a', 'interactive', { latency_p95_s: lat(-1) })]), board('o', [report('a', 'interactive', { latency_p95_s: lat(-2) })]));
    expect(neg.rows[0]!.deltaPct).toBe(50);
  });

  test('higher-is-better: a drop beyond the interval is a regression, a rise an improvement', () => {
    const tps = (v: number, interval?: ReturnType<typeof ci>) => report('a', 'interactive', { decode_tps_mean: ok(v, 'tok/s', undefined, interval) });
    expect(compareRuns(board('n', [tps(8, ci(7, 9))]), board('o', [tps(10)])).rows[0]).toMatchObject({ regression: true, improvement: false });
    expect(compareRuns(board('n', [tps(12, ci(11, 13))]), board('o', [tps(10)])).rows[0]).toMatchObject({ regression: false, improvement: true });
    // lower-is-better below the interval: an improvement
    expect(compareRuns(board('n', [report('a', 'interactive', { latency_p95_s: lat(2, ci(1.5, 2.5)) })]), board('o', [report('a', 'interactive', { latency_p95_s: lat(3) })])).rows[0]).toMatchObject({ regression: false, improvement: true });
  });
});

describe('headroom and ratings', () => {
  test('headroom: none without a figure; a negative limit is scaled by its size', () => {
    expect(headroom(verdict('x', 'error', null))).toBeNull();
    expect(headroom({ ...verdict('x', 'pass', 1), margin: null })).toBeNull();
    // ">= -10" at -5: margin 5, |limit| 10 → 0.5
    expect(headroom({ ...verdict('x', 'pass', -5), op: '>=', limit: -10, margin: 5 })).toBe(0.5);
    // at a limit of 0 a pass is all the headroom there is, anything else none
    expect(headroom({ ...verdict('x', 'inconclusive', 0), limit: 0, margin: 0 })).toBe(0);
  });

  const cpu = makeBudget('cpu_mean_pct', { label: 'CPU mean', unit: '%' }, '<= 40');
  const speed = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 10');
  const temp = makeBudget('temperature_max_c', { label: 'CPU temperature', unit: '°C' }, '<= 85');
  const at = (b: typeof cpu, value: number) => evaluateBudget(b, ok(value, b.unit));
  const skip = evaluateBudget(temp, skipped('°C', 'no sensor'));

  test('reasons name the tightest budget and its headroom, rounded', () => {
    // CPU 10 of 40: 75 %; speed 13 on ≥ 10: 30 % → tightest is speed
    expect(rateCell([at(cpu, 10), at(speed, 13)], [], true)).toEqual({ rating: 'good', reason: 'least headroom 30 % (decode speed)' });
    expect(rateCell([at(speed, 30), at(cpu, 10)], [], true)).toEqual({ rating: 'excellent', reason: 'least headroom 75 % (CPU mean)' });
    // 39 of 40: 2.5 % → "3 %"
    expect(rateCell([at(cpu, 39)], [], true)).toEqual({ rating: 'acceptable', reason: 'least headroom 3 % (CPU mean)' });
  });

  test('a skipped budget keeps a cell from excellent and is named; it does not stop good', () => {
    expect(rateCell([at(cpu, 10), skip], [], true)).toEqual({ rating: 'good', reason: 'least headroom 75 % (CPU mean); not judged: CPU temperature' });
    expect(rateCell([at(cpu, 36), skip], [], true)).toEqual({ rating: 'acceptable', reason: 'least headroom 10 % (CPU mean); not judged: CPU temperature' });
    expect(rateCell([skip], [], true)).toEqual({ rating: 'not rated', reason: 'no budget could be judged' });
  });

  test('missed budgets, critical ones first, with every name', () => {
    expect(rateCell([at(cpu, 50), at(speed, 5), skip], ['cpu_mean_pct', 'decode_tps_mean'], true)).toEqual({ rating: 'failed', reason: 'missed critical budget: CPU mean, decode speed' });
    expect(rateCell([at(cpu, 50), at(speed, 5)], ['temperature_max_c'], true)).toEqual({ rating: 'poor', reason: 'missed: CPU mean, decode speed' });
    expect(rateCell([at(cpu, 50)], [], false)).toEqual({ rating: 'failed', reason: 'the cell did not run to completion' });
  });

  test('inconclusive: the critical ones named as such, else all of them, then what was not judged', () => {
    const unsure = evaluateBudget(cpu, ok(30, '%', undefined, ci(20, 45)));
    const unsureSpeed = evaluateBudget(speed, ok(12, 'tok/s', undefined, ci(8, 16)));
    expect(rateCell([unsure, unsureSpeed, at(cpu, 1)], [], true)).toEqual({ rating: 'acceptable', reason: 'inconclusive: CPU mean, decode speed' });
    expect(rateCell([unsure, unsureSpeed, skip], ['decode_tps_mean'], true)).toEqual({ rating: 'acceptable', reason: 'critical budget inconclusive: decode speed; not judged: CPU temperature' });
  });

  test('a judged budget without headroom (no margin) counts as none', () => {
    const noMargin = { ...at(cpu, 10), margin: null };
    expect(rateCell([at(speed, 30), noMargin], [], true)).toEqual({ rating: 'acceptable', reason: 'least headroom 0 % (CPU mean)' });
  });
});

describe('the use cases', () => {
  test('each weighs only figures of its own profiles, and reads as the report titles it', () => {
    expect(USE_CASES.map((u) => [u.id, u.title, u.profiles])).toEqual([
      ['interactive', 'Interactive chat', ['interactive']],
      ['background', 'Always-on background', ['idle', 'interactive']],
      ['invisible', 'Invisible while you work', ['invisibility']],
      ['accuracy', 'Accuracy-critical', ['quality']],
      ['long-context', 'Long context', ['long-context']],
      ['batch', 'Batch', ['batch']],
      ['energy', 'Energy-frugal', ['interactive']],
    ]);
    for (const u of USE_CASES) {
      expect(Object.keys(u.weights).length, u.id).toBeGreaterThan(0);
      for (const [key, weight] of Object.entries(u.weights)) {
        expect(u.profiles, `${u.id}: ${key}`).toContain(key.slice(0, key.indexOf('.')));
        expect(weight).toBeGreaterThan(0);
      }
    }
  });
});

describe('the schemas the report files are read back with', () => {
  const board = (id: string, cells: CellReport[]) => ({ runId: id, cells }) as unknown as RunReport;
  test('a comparison, every recommendation and every cell score survive a round trip whole', () => {
    const c = compareRuns(
      board('n', [report('a', 'interactive', { latency_p95_s: ok(2, 's', undefined, ci(1.5, 2.5)) }), report('b', 'interactive', {})]),
      board('o', [report('a', 'interactive', { latency_p95_s: ok(0, 's') })]),
    );
    expect(c.rows[0]!.deltaPct).toBeNull();
    expect(comparisonSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(() => comparisonSchema.parse({ ...c, rows: [{ ...c.rows[0], regression: 'yes' }] })).toThrow();
    const recs = [
      ...recommend([report('a', 'interactive', { latency_p95_s: ok(1, 's') }, [verdict('latency_p95_s', 'pass')])], { 'interactive.latency_p95_s': 1 }),
      ...recommend([report('a', 'interactive', { latency_p95_s: ok(1, 's') }, [verdict('latency_p95_s', 'inconclusive')])], {}),
      ...recommend([report('a', 'interactive', { latency_p95_s: ok(9, 's') }, [verdict('latency_p95_s', 'fail', 9)])], {}),
    ];
    expect(new Set(recs.map((r) => r.status))).toEqual(new Set(['recommended', 'provisional', 'none-passed', 'not-measured']));
    expect(recs.some((r) => r.ruledOut.length > 0)).toBe(true);
    for (const r of recs) expect(recommendationSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(() => recommendationSchema.parse({ ...recs[0], status: 'maybe' })).toThrow();
    const scores = cellScores([report('a', 'interactive', { decode_tps_mean: ok(10, 'tok/s'), rss_peak_mb: ok(1000, 'MB') })]);
    for (const s of scores) expect(cellScoreSchema.parse(s)).toEqual(s);
  });

  test('a figure the baseline could not measure is not compared', () => {
    const c = compareRuns(
      board('n', [report('a', 'interactive', { latency_p95_s: ok(2, 's'), cpu_mean_pct: ok(5, '%') })]),
      board('o', [report('a', 'interactive', { latency_p95_s: skipped('s', 'x'), cpu_mean_pct: { value: null, unit: '%', status: 'ok' } })]),
    );
    expect(c.rows).toEqual([]);
  });
});

describe('hostile and unusual scoreboards', () => {
  const board = (id: string, cells: CellReport[]) => ({ runId: id, cells }) as unknown as RunReport;

  test('a figure whose status is not ok is not compared, even if a value was left in it', () => {
    const c = compareRuns(
      board('n', [report('a', 'interactive', { latency_p95_s: ok(2, 's'), cpu_mean_pct: { value: 5, unit: '%', status: 'skipped' }, rss_peak_mb: { value: null, unit: 'MB', status: 'ok' } })]),
      board('o', [report('a', 'interactive', { latency_p95_s: { value: 1, unit: 's', status: 'error', reason: 'x' }, cpu_mean_pct: ok(4, '%'), rss_peak_mb: ok(3, 'MB') })]),
    );
    expect(c.rows).toEqual([]);
  });

  test('a key figure the baseline does not have at all is not compared', () => {
    const c = compareRuns(board('n', [report('a', 'interactive', { latency_p95_s: ok(2, 's'), cpu_mean_pct: ok(5, '%') })]), board('o', [report('a', 'interactive', { latency_p95_s: ok(1, 's') })]));
    expect(c.rows.map((r) => r.metric)).toEqual(['latency_p95_s']);
  });

  test('a budgeted figure with no better side is compared but never flagged, whatever its interval', () => {
    const mk = (id: string, n: number, interval?: ReturnType<typeof ci>) => board(id, [report('a', 'invisibility', { background_requests: ok(n, 'requests', undefined, interval) }, [verdict('background_requests', 'pass')])]);
    const row = compareRuns(mk('n', 40, ci(39, 41)), mk('o', 10)).rows.find((r) => r.metric === 'background_requests');
    expect(row).toMatchObject({ before: 10, after: 40, regression: false, improvement: false });
  });

  test('equal headroom: the first budget is named', () => {
    const cpu = makeBudget('cpu_mean_pct', { label: 'CPU mean', unit: '%' }, '<= 40');
    const speed = makeBudget('decode_tps_mean', { label: 'decode speed', unit: 'tok/s' }, '>= 10');
    // CPU 20 of 40 and 15 on ≥ 10: both 50 %
    expect(rateCell([evaluateBudget(cpu, ok(20, '%')), evaluateBudget(speed, ok(15, 'tok/s'))], [], true).reason).toBe('least headroom 50 % (CPU mean)');
  });

  test('a representative is looked up by profile and id, wherever it is in the list', () => {
    const got = candidates([
      report('other', 'interactive', { latency_p95_s: ok(9, 's') }),
      report('dup', 'interactive', {}, [], { state: 'skipped', representative: 'rep' }),
      report('rep', 'idle', { cpu_mean_pct: ok(1, '%') }),
      report('rep', 'interactive', { latency_p95_s: ok(2, 's') }),
    ]);
    expect([...got.find((c) => c.cellId === 'dup')!.figures]).toEqual([['interactive.latency_p95_s', 2]]);
  });

  test('a completed cell keeps its own figures even if it names a representative; ok without a value is no figure', () => {
    const got = candidates([
      report('rep', 'interactive', { latency_p95_s: ok(2, 's') }),
      report('self', 'interactive', { latency_p95_s: ok(5, 's'), cpu_mean_pct: { value: null, unit: '%', status: 'ok' }, rss_peak_mb: { value: 7, unit: 'MB', status: 'skipped' } }, [], { representative: 'rep' }),
    ]);
    expect([...got.find((c) => c.cellId === 'self')!.figures]).toEqual([['interactive.latency_p95_s', 5]]);
  });

  test('the winner\'s reasons are ordered by weighted contribution, largest first', () => {
    // interactive weights: latency 3, ttft 2, decode 2, p99/p50 1.
    // a: latency 2 (→ 0), ttft 0.1 (→ 1), decode 30 (→ 1), ratio 1.1 (→ 1): (0 + 2 + 2 + 1) / 8 = 0.625
    // b: latency 1 (→ 1), ttft 0.2 (→ 0), decode 10 (→ 0), ratio 2 (→ 0): 3 / 8 = 0.375
    const cell = (id: string, lat: number, ttft: number, tps: number, ratio: number) =>
      report(id, 'interactive', { latency_p95_s: ok(lat, 's'), ttft_p95_s: ok(ttft, 's'), decode_tps_mean: ok(tps, 'tok/s'), latency_p99_over_p50: ok(ratio, '×') });
    const r = recommend([cell('a', 2, 0.1, 30, 1.1), cell('b', 1, 0.2, 10, 2)], { 'interactive.latency_p95_s': 1 }).find((x) => x.useCase === 'interactive')!;
    expect(r.cellId).toBe('a');
    expect(r.reasons.slice(0, 5)).toEqual([
      'interactive.ttft_p95_s = 0.1 (normalised 1.00, weight 2)',
      'interactive.decode_tps_mean = 30 (normalised 1.00, weight 2)',
      'interactive.latency_p99_over_p50 = 1.1 (normalised 1.00, weight 1)',
      'interactive.latency_p95_s = 2 (normalised 0.00, weight 3)',
      'runner-up b scored 0.375 against 0.625',
    ]);
    // every weighted figure was there: no "not weighed" line
    expect(r.reasons.some((x) => x.startsWith('not measured'))).toBe(false);
  });

  test('missing profiles are listed together; the overall use case takes the profiles that ran, sorted', () => {
    const q = report('a', 'quality', { score_overall: ok(0.5, 'score') });
    expect(recommend([q], {}).find((x) => x.useCase === 'background')!.reasons).toEqual(['no idle, interactive profile in this run']);
    const failing = [
      report('a', 'interactive', { latency_p95_s: ok(9, 's') }, [verdict('latency_p95_s', 'fail', 9)]),
      report('a', 'idle', { cpu_mean_pct: ok(1, '%') }),
    ];
    expect(recommend(failing, {})[0]!.reasons).toEqual(['no configuration met every budget of idle and interactive']);
  });

  test('cost figures need every input: RSS alone, or RSS and quality without speed, give none', () => {
    const cells = [
      report('a', 'interactive', { rss_peak_mb: ok(500, 'MB') }),
      report('b', 'interactive', { rss_peak_mb: ok(500, 'MB') }),
      report('b', 'quality', { score_overall: ok(1, 'score') }),
    ];
    expect(cellScores(cells)).toEqual([
      { cellId: 'a', efficiency: null, costBenefit: null },
      { cellId: 'b', efficiency: null, costBenefit: null },
    ]);
  });
});
