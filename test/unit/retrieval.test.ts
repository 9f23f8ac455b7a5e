import { expect, test } from 'vitest';
import { bm25Rank, precisionRecall, readDocIds } from '../../harness/scoring/retrieval.ts';

test('precision, recall, F1 by hand', () => {
  // 1 hit of 2 selected, 1 of 3 relevant: P 0.5, R 1/3, F1 = 2·0.5·(1/3) / (0.5 + 1/3) = 0.4
  const s = precisionRecall(['a', 'b'], ['a', 'c', 'd']);
  expect(s.precision).toBe(0.5);
  expect(s.recall).toBeCloseTo(1 / 3, 12);
  expect(s.f1).toBeCloseTo(0.4, 12);
  expect(precisionRecall([], ['a'])).toEqual({ precision: 0, recall: 0, f1: 0 });
});

test('document ids in an answer', () => {
  expect(readDocIds('Relevant: DOC-03, doc-01 and doc-03 again; doc-99 is not real', ['doc-01', 'doc-03'])).toEqual(['doc-03', 'doc-01']);
});

test('ids the model only considered inside a reasoning block are not selected', () => {
  expect(readDocIds('<think>doc-01 looks related, maybe doc-02</think>\ndoc-03', ['doc-01', 'doc-02', 'doc-03'])).toEqual(['doc-03']);
  expect(readDocIds('<think>doc-01?', ['doc-01'])).toEqual([]);
});

test('BM25 ranks the document sharing rare query terms first', () => {
  const docs = [
    { id: 'd1', title: 'Printer', text: 'The printer on floor two jams when the tray is overfilled.' },
    { id: 'd2', title: 'VPN', text: 'Connect the VPN before opening the intranet; the VPN client needs a token.' },
    { id: 'd3', title: 'Lunch', text: 'The canteen opens at noon.' },
  ];
  const ranked = bm25Rank('how do I connect to the VPN with my token', docs);
  expect(ranked[0]!.id).toBe('d2');
  // the other two share only "the" with the query, a word so common that it weighs little
  expect(ranked[0]!.score).toBeGreaterThan(3 * ranked[1]!.score);
});
