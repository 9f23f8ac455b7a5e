// The report's headline ("N configurations met every budget") counts measured cells only: a cell the planner skipped
// in every profile never ran, so it met nothing, and neither list (met every budget, closest) names it.
import { describe, expect, test } from 'vitest';
import { answer } from '../../harness/report/html/decisions.ts';
import { standings, type CellReport } from '../../harness/report/model.ts';

function row(id: string, profile: string, state: CellReport['state'], verdict?: 'pass' | 'fail'): CellReport {
  const [model, quant, t, c] = id.split(' ') as [string, string, string, string];
  return {
    profile,
    cell: { id, slug: id.replace(/ /g, '_'), model, quant, threads: Number(t.slice(1)), ctx: Number(c.slice(1)), priority: 'nice10' },
    state,
    ...(state === 'skipped' ? { error: 'memory pre-check: needs about 107 MB, over planner.memory_cap_mb 100 MB' } : {}),
    metrics: {},
    verdicts: verdict
      ? [{ metric: 'rss_peak_mb', label: 'peak RSS', source: '<= 100', op: '<=', limit: 100, unit: 'MB', value: verdict === 'pass' ? 50 : 150, status: verdict, margin: verdict === 'pass' ? 50 : -50, used: verdict === 'pass' ? 0.5 : 1.5 }]
      : [],
    counts: { pass: verdict === 'pass' ? 1 : 0, fail: verdict === 'fail' ? 1 : 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
  };
}

const TINY = 'tiny Q4_K_M t1 c1024';
const SMALL = 'small Q4_K_M t1 c1024';

describe('standings and the headline answer', () => {
  test('a cell skipped by the planner in every profile is not measured and not among those that met every budget', () => {
    const cells = [row(TINY, 'idle', 'completed', 'pass'), row(TINY, 'interactive', 'completed', 'pass'), row(SMALL, 'idle', 'skipped'), row(SMALL, 'interactive', 'skipped')];
    expect(standings(cells).map((s) => [s.cellId, s.measured, s.missed.length])).toEqual([
      [SMALL, false, 0],
      [TINY, true, 0],
    ]);
    const html = answer(cells);
    expect(html).toContain('1 configuration met every budget in every profile');
    expect(html).toContain(`<li>${TINY}</li>`);
    expect(html).not.toContain(SMALL);
  });

  test('when no measured cell met every budget, the closest list names measured cells only', () => {
    const cells = [row(TINY, 'idle', 'completed', 'fail'), row(SMALL, 'idle', 'skipped')];
    const html = answer(cells);
    expect(html).toContain('No configuration met every budget.');
    expect(html).toContain(`<b>${TINY}</b> missed 1`);
    expect(html).not.toContain(SMALL);
  });
});
