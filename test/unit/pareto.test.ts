import { describe, expect, test } from 'vitest';
import { paretoFront } from '../../harness/analysis/pareto.ts';

const scatter = [
  { label: 'a', x: 1, y: 1 },
  { label: 'b', x: 2, y: 3 },
  { label: 'c', x: 3, y: 2 },
  { label: 'd', x: 2, y: 2 },
  { label: 'e', x: 0, y: 4 },
];

describe('paretoFront', () => {
  test('keeps exactly the points nothing beats on both axes, by x ascending', () => {
    expect(paretoFront(scatter).map((p) => p.label)).toEqual(['e', 'b', 'c']);
  });
  test('identical points are all kept, a point equal on one axis and worse on the other is not', () => {
    const points = [
      { id: 1, x: 2, y: 2 },
      { id: 2, x: 2, y: 2 },
      { id: 3, x: 2, y: 1 },
      { id: 4, x: 1, y: 2 },
    ];
    expect(paretoFront(points).map((p) => p.id)).toEqual([1, 2]);
  });
  test('empty and non-finite input', () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([{ x: Number.NaN, y: 9 }, { x: 1, y: 1 }])).toEqual([{ x: 1, y: 1 }]);
  });
});
