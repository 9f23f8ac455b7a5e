// The scoreboard's answer must never flatter: hand-made scoreboards where a guessed direction, a failing estimate
// inside a wide interval, or a skipped budget used to turn the answer green.
import { describe, expect, test } from 'vitest';
import { evaluateBudget, makeBudget } from '../../harness/budgets/budget.ts';
import { metricDefinition } from '../../harness/budgets/catalogue.ts';
import { ok, skipped, type Metric, type Verdict } from '../../harness/measurement/schema.ts';
import { compareRuns } from '../../harness/report/compare.ts';
import { answer } from '../../harness/report/html/decisions.ts';
import { metEveryBudget, overallVerdict, standings, type CellReport, type RunReport } from '../../harness/report/model.ts';
import { rateCell } from '../../harness/report/ratings.ts';
import { recommend } from '../../harness/report/recommend.ts';

const ci = (low: number, high: number) => ({ low, high, level: 0.95, resamples: 1000 });

function budget(profile: string, metric: string, source: string) {
  return makeBudget(metric, metricDefinition(profile, metric)!, source);
}

function counts(verdicts: Verdict[]): CellReport['counts'] {
  const n = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 };
  for (const v of verdicts) n[v.status]++;
  return n;
}

function cell(id: string, profile: string, metrics: Record<string, Metric>, budgets: Record<string, string>): CellReport {
  const verdicts = Object.entries(budgets).map(([metric, source]) => evaluateBudget(budget(profile, metric, source), metrics[metric]));
  return {
    profile,
    cell: { id, slug: id.replaceAll(' ', '-'), model: 'small', quant: 'Q4_K_M', threads: 1, ctx: 2048, priority: 'normal' },
    state: 'completed',
    metrics,
    verdicts,
    counts: counts(verdicts),
    tests: [],
    sampleResponses: [],
  };
}

const INVISIBILITY_BUDGETS = { foreground_slowdown_pct: '<= 10', timer_lateness_p99_ms: '<= 20' };

function invisible(id: string, slowdown: number, lateness: number, slowdownCi = ci(slowdown - 0.5, slowdown + 0.5)): CellReport {
  return cell(
    id,
    'invisibility',
    {
      foreground_slowdown_pct: ok(slowdown, '%', undefined, slowdownCi),
      timer_lateness_p99_ms: ok(lateness, 'ms'),
      timer_lateness_idle_p99_ms: ok(lateness / 2, 'ms'),
      foreground_idle_ms: ok(10, 'ms'),
      foreground_active_ms: ok(10 * (1 + slowdown / 100), 'ms'),
      cpu_p99_pct: ok(40, '% of machine'),
    },
    INVISIBILITY_BUDGETS,
  );
}

describe('"invisible while you work" picks the least intrusive passing cell', () => {
  test('1 % / 2 ms beats 9 % / 18 ms, in either order', () => {
    for (const cells of [
      [invisible('quiet t1', 1, 2), invisible('loud t2', 9, 18)],
      [invisible('loud t2', 9, 18), invisible('quiet t1', 1, 2)],
    ]) {
      const rec = recommend(cells, { 'invisibility.foreground_slowdown_pct': 1 }).find((r) => r.useCase === 'invisible')!;
      expect(rec.status).toBe('recommended');
      expect(rec.cellId).toBe('quiet t1');
      expect(rec.runnerUp).toBe('loud t2');
    }
  });

  test('a slowdown that grew beyond this run\'s interval is a regression against the baseline, not an improvement', () => {
    const board = (id: string, c: CellReport) => ({ runId: id, cells: [c] }) as unknown as RunReport;
    const before = board('old', invisible('quiet t1', 1, 2));
    const after = board('new', invisible('quiet t1', 9, 18, ci(7, 11)));
    const rows = compareRuns(after, before).rows;
    expect(rows.find((r) => r.metric === 'foreground_slowdown_pct')).toMatchObject({ before: 1, after: 9, regression: true, improvement: false });
    // and the other way round it is an improvement
    const back = compareRuns(board('newer', invisible('quiet t1', 1, 2, ci(0.5, 1.5))), after).rows;
    expect(back.find((r) => r.metric === 'foreground_slowdown_pct')).toMatchObject({ regression: false, improvement: true });
  });

  test('a descriptive figure with no better side is never called a regression', () => {
    const mk = (id: string, requests: number) =>
      ({ runId: id, cells: [cell('c', 'invisibility', { background_requests: ok(requests, 'requests', undefined, ci(requests - 1, requests + 1)) }, {})] }) as unknown as RunReport;
    const row = compareRuns(mk('new', 40), mk('old', 10)).rows.find((r) => r.metric === 'background_requests');
    expect(row).toBeUndefined(); // not a key metric and not budgeted: not compared at all
  });
});

describe('a failing estimate inside a wide interval is a fail', () => {
  const latency = (p95: number, interval: ReturnType<typeof ci>) =>
    cell('small Q4_K_M t1 c2048 normal', 'interactive', { latency_p95_s: ok(p95, 's', undefined, interval), decode_tps_mean: ok(20, 'tok/s') }, {
      latency_p95_s: '<= 2.5',
      decode_tps_mean: '>= 2',
    });

  test('p95 2.565 s against ≤ 2.5 s, interval [2.3, 2.8]: fail, poor, not in the headline, not recommended', () => {
    const c = latency(2.565, ci(2.3, 2.8));
    const v = c.verdicts.find((x) => x.metric === 'latency_p95_s')!;
    expect(v.status).toBe('fail');
    expect(overallVerdict(c)).toBe('fail');
    expect(rateCell(c.verdicts, [], true).rating).toBe('poor');
    expect(rateCell(c.verdicts, ['latency_p95_s'], true).rating).toBe('failed');
    expect(metEveryBudget(standings([c]))).toEqual([]);
    const html = answer([c]);
    expect(html).toContain('No configuration met every budget');
    expect(html).not.toContain('met every budget in every profile');
    const rec = recommend([c], { 'interactive.latency_p95_s': 1 }).find((r) => r.useCase === 'interactive')!;
    expect(rec.status).toBe('none-passed');
  });

  test('p95 2.435 s with the same interval: inconclusive, at most acceptable, not "met every budget", a provisional pick', () => {
    const c = latency(2.435, ci(2.3, 2.8));
    expect(c.verdicts.find((x) => x.metric === 'latency_p95_s')!.status).toBe('inconclusive');
    expect(overallVerdict(c)).toBe('inconclusive');
    expect(rateCell(c.verdicts, [], true).rating).toBe('acceptable');
    expect(rateCell(c.verdicts, ['latency_p95_s'], true)).toMatchObject({ rating: 'acceptable', reason: expect.stringMatching(/critical budget inconclusive: p95 latency/) });
    expect(metEveryBudget(standings([c]))).toEqual([]);
    const html = answer([c]);
    expect(html).not.toContain('met every budget in every profile');
    expect(html).toContain('not known to meet every budget');
    const rec = recommend([c], { 'interactive.latency_p95_s': 1 }).find((r) => r.useCase === 'interactive')!;
    expect(rec.status).toBe('provisional');
    expect(rec.reasons[0]).toMatch(/not known to meet interactive: p95 latency inconclusive/);
  });

  test('a cell that met every budget outright is picked before one with an unresolved budget, whatever the weights say', () => {
    const sure = latency(2.0, ci(1.9, 2.1));
    const unsure = { ...latency(0.5, ci(0.2, 2.9)), cell: { ...sure.cell, id: 'fast but unsure', slug: 'fast-but-unsure' } };
    const rec = recommend([unsure, sure], { 'interactive.latency_p95_s': 1 }).find((r) => r.useCase === 'interactive')!;
    expect(rec).toMatchObject({ status: 'recommended', cellId: sure.cell.id, runnerUp: 'fast but unsure' });
  });
});

describe('a skipped budget is not met', () => {
  const withSkip = cell(
    'c',
    'stress',
    { aborted: ok(0, 'yes/no'), temperature_max_c: skipped('°C', 'no thermal sensor on this machine') },
    { aborted: '<= 0', temperature_max_c: '<= 85' },
  );

  test('the cell is incomplete, not pass; it cannot be excellent; the headline does not count it', () => {
    expect(withSkip.verdicts.map((v) => v.status)).toEqual(['pass', 'skipped']);
    expect(overallVerdict(withSkip)).toBe('incomplete');
    const rated = rateCell(withSkip.verdicts, [], true);
    expect(rated.rating).toBe('good');
    expect(rated.reason).toMatch(/not judged: CPU temperature max/);
    expect(metEveryBudget(standings([withSkip]))).toEqual([]);
    expect(answer([withSkip])).not.toContain('met every budget in every profile');
  });

  test('nothing judged at all is not rated', () => {
    const none = cell('c', 'stress', { temperature_max_c: skipped('°C', 'no sensor') }, { temperature_max_c: '<= 85' });
    expect(rateCell(none.verdicts, [], true).rating).toBe('not rated');
    expect(overallVerdict(none)).toBe('skipped');
  });
});
