import { describe, expect, test } from 'vitest';
import { distinctN, editDistance, meanPairwiseEditDistance, normalisedEditDistance, spread, words } from '../../harness/analysis/diversity.ts';

describe('distinct-n (hand-computed)', () => {
  test('identical answers repeat every n-gram', () => {
    // 3 runs of "the cat sat": 9 unigrams, 3 distinct → 1/3; 6 bigrams, 2 distinct → 1/3.
    const runs = ['the cat sat', 'The cat sat', 'the  cat sat'];
    expect(distinctN(runs, 1)).toBeCloseTo(3 / 9, 12);
    expect(distinctN(runs, 2)).toBeCloseTo(2 / 6, 12);
  });
  test('partly different answers', () => {
    // "a b c" and "a b d": unigrams a b c a b d → 4 distinct of 6; bigrams ab bc ab bd → 3 of 4; trigrams 2 of 2.
    expect(distinctN(['a b c', 'a b d'], 1)).toBeCloseTo(4 / 6, 12);
    expect(distinctN(['a b c', 'a b d'], 2)).toBeCloseTo(3 / 4, 12);
    expect(distinctN(['a b c', 'a b d'], 3)).toBe(1);
  });
  test('n-grams do not run across answers; too short for any n-gram is null, not 0 or 1', () => {
    // "x y" + "z": bigrams only "x y" (none spans into the second answer) → 1/1.
    expect(distinctN(['x y', 'z'], 2)).toBe(1);
    expect(distinctN(['x', '', 'y'], 2)).toBeNull();
    expect(distinctN([], 1)).toBeNull();
    expect(() => distinctN(['a'], 0)).toThrow(RangeError);
  });
  test('punctuation is a word of its own', () => {
    expect(words('Yes. No!')).toEqual(['yes', '.', 'no', '!']);
  });
});

describe('normalised edit distance (hand-computed)', () => {
  test('classic pairs', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(normalisedEditDistance('kitten', 'sitting')).toBeCloseTo(3 / 7, 12);
    expect(editDistance('', 'abc')).toBe(3);
    expect(normalisedEditDistance('', '')).toBe(0);
    expect(normalisedEditDistance('abc', 'abc')).toBe(0);
    expect(normalisedEditDistance('abc', 'xyz')).toBe(1);
  });
  test('code points, not UTF-16 units', () => {
    expect(editDistance('😀a', '😀b')).toBe(1);
  });
  test('mean over every pair', () => {
    // abc–abd 1/3, abc–xyz 1, abd–xyz 1 → (1/3 + 2) / 3 = 7/9.
    expect(meanPairwiseEditDistance(['abc', 'abd', 'xyz'])).toBeCloseTo(7 / 9, 12);
    expect(meanPairwiseEditDistance(['same', 'same', 'same'])).toBe(0);
    expect(meanPairwiseEditDistance(['one'])).toBeNull();
  });
});

test('spread: sample sd and CV', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32/7.
  const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
  expect(s.mean).toBe(5);
  expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
  expect(s.cv).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
  expect(spread([3])).toEqual({ mean: 3, sd: null, cv: null });
  expect(spread([0, 0]).cv).toBeNull();
});

describe('temperatureRow (hand-computed)', async () => {
  const { temperatureRow } = await import('../../harness/profiles/temperature/workload.ts');
  test('diversity within each prompt, averaged over prompts; spread and pass rate over every run', () => {
    const row = temperatureRow(0.7, [
      // prompt 1: identical runs → distinct-2 = 1/2 ("a b" twice), edit distance 0
      { texts: ['a b', 'a b'], tokens: [2, 4], tps: [10, 20], scores: [] },
      // prompt 2 (graded): "x y" / "x z" → bigrams xy, xz: distinct-2 = 1; edit distance 1/3; scores 1 and 0
      { texts: ['x y', 'x z'], tokens: [6, 8], tps: [30, 40], scores: [1, 0] },
    ]);
    expect(row.distinct_2).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(row.edit_distance).toBeCloseTo((0 + 1 / 3) / 2, 12);
    expect(row.length_mean).toBe(5); // 2, 4, 6, 8
    expect(row.length_sd).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(row.tps_mean).toBe(25);
    expect(row.pass_rate).toBe(0.5);
    expect(row).toMatchObject({ temperature: 0.7, runs: 4, graded: 2 });
  });
  test('no answers: nulls, not zeros', () => {
    const row = temperatureRow(1.2, [{ texts: [], tokens: [], tps: [], scores: [] }]);
    expect(row).toMatchObject({ runs: 0, distinct_2: null, edit_distance: null, pass_rate: null, length_mean: null });
  });
});
