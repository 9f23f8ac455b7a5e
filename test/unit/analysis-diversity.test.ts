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
