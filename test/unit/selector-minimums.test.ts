// Issue 20 item 10: the selector's minimums (min CoVe pass rate, min retrieval F1) as hard thresholds of the overall pick.
import { describe, expect, test } from 'vitest';
import { ok } from '../../harness/measurement/schema.ts';
import { DEFAULT_SELECTION_WEIGHTS } from '../../harness/config/interpretation-schema.ts';
import type { CellReport } from '../../harness/report/model.ts';
import { recommend, selectionMinimums } from '../../harness/report/recommend.ts';
import { candidates, minimumVerdict, select } from '../../harness/report/select.ts';

function cell(id: string, profile: string, metrics: Record<string, number>): CellReport {
  return {
    profile,
    cell: { id, slug: id, model: 'm', quant: id, threads: 1, ctx: 2048, priority: 'nice10' },
    state: 'completed',
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, ok(v, '')])),
    verdicts: [],
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
  };
}

const MIN = selectionMinimums({ min_cove_pass_rate: 0.9, min_retrieval_f1: 0.5 });
const both = (id: string, ttft: number, tps: number, cove: number | null, f1: number | null): CellReport[] => [
  cell(id, 'interactive', { ttft_p95_s: ttft, decode_tps_mean: tps }),
  cell(id, 'quality', { ...(cove === null ? {} : { cove_pass_rate: cove }), ...(f1 === null ? {} : { retrieval_f1_mean: f1 }) }),
];

describe('selector minimums', () => {
  test('the config maps to two minimums; null turns one off', () => {
    expect(MIN).toEqual([
      { key: 'quality.cove_pass_rate', min: 0.9, label: 'min CoVe pass rate' },
      { key: 'quality.retrieval_f1_mean', min: 0.5, label: 'min retrieval F1' },
    ]);
    expect(selectionMinimums({ min_cove_pass_rate: null, min_retrieval_f1: 0.5 }).map((m) => m.key)).toEqual(['quality.retrieval_f1_mean']);
  });
  test('at the minimum passes, just below fails, no figure is skipped (never met)', () => {
    const m = MIN[0]!;
    expect(minimumVerdict(m, 0.9)).toMatchObject({ status: 'pass', margin: 0, op: '>=', limit: 0.9 });
    expect(minimumVerdict(m, 0.8999).status).toBe('fail');
    expect(minimumVerdict(m, undefined)).toMatchObject({ status: 'skipped', value: null });
  });
  test('equal weights: the fastest cell wins only when it clears both minimums', () => {
    // a: fastest, best retrieval, but CoVe 0.85 < 0.9 → ruled out. b: CoVe 0.95, F1 0.6. c: F1 0.4 < 0.5 → ruled out.
    const cells = [...both('a', 0.5, 30, 0.85, 0.9), ...both('b', 1.0, 20, 0.95, 0.6), ...both('c', 0.4, 40, 1.0, 0.4)];
    const s = select(candidates(cells), DEFAULT_SELECTION_WEIGHTS, ['interactive', 'quality'], MIN);
    expect(s.winner?.cellId).toBe('b');
    expect(s.excluded.map((e) => [e.cellId, e.verdict.label])).toEqual([
      ['a', 'min CoVe pass rate'],
      ['c', 'min retrieval F1'],
    ]);
    // Without the minimums c (fastest, lowest TTFT, CoVe 1.0) would have won: the minimums decide.
    expect(select(candidates(cells), DEFAULT_SELECTION_WEIGHTS, ['interactive', 'quality']).winner?.cellId).toBe('c');
  });
  test('a cell without the figure is unresolved: ranked after every cell that cleared, never as if it met it', () => {
    const cells = [...both('a', 0.1, 90, null, 0.9), ...both('b', 1.0, 10, 0.95, 0.6)];
    const s = select(candidates(cells), DEFAULT_SELECTION_WEIGHTS, ['interactive', 'quality'], MIN);
    expect(s.winner?.cellId).toBe('b');
    expect(s.ranked.find((r) => r.cellId === 'a')!.unresolved.map((u) => u.verdict.label)).toEqual(['min CoVe pass rate']);
  });
  test('quality did not run: the minimums are not checked, and the recommendation says so', () => {
    const cells = [cell('a', 'interactive', { ttft_p95_s: 0.5, decode_tps_mean: 30 })];
    const s = select(candidates(cells), DEFAULT_SELECTION_WEIGHTS, ['interactive'], MIN);
    expect(s.winner?.cellId).toBe('a');
    expect(s.unchecked.map((m) => m.key)).toEqual(['quality.cove_pass_rate', 'quality.retrieval_f1_mean']);
    const overall = recommend(cells, DEFAULT_SELECTION_WEIGHTS, MIN)[0]!;
    expect(overall.useCase).toBe('overall');
    expect(overall.reasons).toContain('not checked: min CoVe pass rate ≥ 0.9 (no quality profile in this run)');
  });
  test('the overall recommendation names the minimums the winner passed', () => {
    const overall = recommend([...both('b', 1.0, 20, 0.95, 0.6)], DEFAULT_SELECTION_WEIGHTS, MIN)[0]!;
    expect(overall.cellId).toBe('b');
    expect(overall.reasons).toEqual(expect.arrayContaining(['passed min CoVe pass rate: 0.95 ≥ 0.9', 'passed min retrieval F1: 0.6 ≥ 0.5']));
  });
});
