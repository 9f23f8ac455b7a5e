// The reader of one place (harness/scoring/reader.ts) by hand: which candidates are live, how two neighbours relate,
// the result after "=", and one answer or why not. Written against its mutants.
import { describe, expect, test } from 'vitest';
import { findNumbers, numberFinder } from '../../harness/scoring/numbers.ts';
import { Reader, type Candidate, type Finder } from '../../harness/scoring/reader.ts';

const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const reader = (text: string, prompt?: string) => new Reader(text, numberFinder(same, prompt), findNumbers(text));
const values = (cs: Candidate<number>[]) => cs.map((c) => c.value);

/** Letters as candidates, so a lone "(B)" can be tested. */
const letters: Finder<string> = {
  closed: true,
  same: (a, b) => a === b,
  show: (v) => v,
  find: (text) => [...text.matchAll(/\b[A-D]\b/g)].map((m) => ({ value: m[0], index: m.index, end: m.index + 1, text: m[0] })),
};

describe('live candidates and asides', () => {
  test('a candidate inside a parenthetical aside is not live while one outside is', () => {
    expect(values(reader('It is 5 (or 6) today').live)).toEqual([5]);
    expect(values(reader('(42.195 / 1.609344 = 26.22) so 26.2').live)).toEqual([26.2]);
  });
  test('with several asides, a candidate in any one of them is not live', () => {
    expect(values(reader('It is 5 (or 6) (and 7)').live)).toEqual([5]);
  });
  test('only asides: they stay live', () => {
    expect(values(reader('(6)').live)).toEqual([6]);
    expect(values(reader('(5 or 6)').live)).toEqual([5, 6]);
  });
  test('a lone letter in brackets is no aside', () => {
    const r = new Reader('A is plausible (B)', letters, letters.find('A is plausible (B)'));
    expect(r.live.map((c) => c.value)).toEqual(['A', 'B']);
    const spaced = new Reader('A ( B )', letters, letters.find('A ( B )'));
    expect(spaced.live.map((c) => c.value)).toEqual(['A', 'B']);
    const word = new Reader('A (see B)', letters, letters.find('A (see B)'));
    expect(word.live.map((c) => c.value)).toEqual(['A']);
  });
  test('an aside spans one line, without nested brackets', () => {
    expect(values(reader('5 (x\nit is 6) y').live)).toEqual([5, 6]);
    expect(values(reader('5 ((6)) y').live)).toEqual([5]);
  });
});

describe('distinct and within', () => {
  test('distinct keeps the first of each value', () => {
    const r = reader('7 then 8 then 7');
    expect(r.distinct(r.live).map((c) => [c.value, c.index])).toEqual([
      [7, 0],
      [8, 7],
    ]);
  });
  test('within [a, b): whole candidates only; numerals before number words', () => {
    const r = reader('five or 5 and 6');
    expect(values(r.within(0, 15))).toEqual([5, 6]);
    expect(values(r.within(0, 4))).toEqual([5]);
    expect(r.within(0, 4)[0]!.word).toBe(true);
    // "5" is at 8..9: [8, 9) holds it, [8, 8) and [9, 15) without it
    expect(values(r.within(8, 9))).toEqual([5]);
    expect(values(r.within(9, 15))).toEqual([6]);
    expect(values(r.within(0, 8))).toEqual([5]);
  });
});

describe('relation', () => {
  const rel = (text: string) => {
    const r = reader(text);
    return r.relation(r.live[0]!, r.live[1]!);
  };
  test.each([
    ['5 or 6', 'hedge'],
    ['5 ~ 6', 'hedge'],
    ['5 to 6', 'hedge'],
    ['5, or maybe 6', 'hedge'],
    ['either 5 or 6', 'hedge'],
    ['between 5 and 6', 'hedge'],
    ['between the 5 and 6', 'hedge'],
    ['5, 6', 'list'],
    ['5 and 6', 'list'],
    ['5; 6', 'list'],
    ['5 plus 6', 'list'],
    ['5 then 6', null],
    ['5 = 6', null],
  ])('%j: %s', (text, want) => {
    expect(rel(text)).toBe(want);
  });
  test('"between" counts only within twelve characters before the first', () => {
    expect(rel('between these 5 and 6')).toBe('list');
  });
});

describe('afterEquals', () => {
  const after = (text: string, equals = true) => {
    const r = reader(text);
    return r.afterEquals(r.live, equals)?.value ?? null;
  };
  test('the one value after the last "=" (or ≈, →, ⇒, =>)', () => {
    expect(after('3 + 4 = 7')).toBe(7);
    expect(after('3 + 4 = 6 + 1 = 7')).toBe(7);
    expect(after('3 + 4 ≈ 7')).toBe(7);
    expect(after('3 + 4 → 7')).toBe(7);
    expect(after('3 + 4 ⇒ 7')).toBe(7);
    expect(after('3 + 4 => 7')).toBe(7);
    expect(after('3 + 4 = 7, so 7')).toBe(7);
  });
  test('nothing, or two different values after it: no result', () => {
    expect(after('3 and 4 and 7')).toBeNull();
    expect(after('3 = 7 and 8')).toBeNull();
    // a failed "=" does not fall back to a colon
    expect(after('a: 3 and 4 = 7 and 8')).toBeNull();
  });
  test('a lone colon closes a computation after two values, not a breakdown or a label list', () => {
    expect(after('16 days and 10 days: 26 days')).toBe(26);
    expect(after('Total 5: 4')).toBeNull();
    expect(after('Ben: 18, Ana: 36')).toBeNull();
    expect(after('16 and 10: 26 and 27')).toBeNull();
    // two colons: labels, even with enough values before the last one
    expect(after('1 and 2: 3, y: 4')).toBeNull();
  });
  test('"=" counts by default', () => {
    const r = reader('3 + 4 = 7');
    expect(r.afterEquals(r.live)?.value).toBe(7);
  });
  test('without "=": only the colon counts', () => {
    expect(after('3 + 4 = 7', false)).toBeNull();
    expect(after('16 days and 10 days: 26 days', false)).toBe(26);
  });
});

describe('decide', () => {
  test('no candidates: null', () => {
    expect(reader('x').decide([], 'r', false)).toBeNull();
  });
  test('one value, said once or twice: the last mention', () => {
    const r = reader('7, yes 7');
    expect(r.decide(r.live, 'rule', false)).toEqual({ state: 'answer', value: 7, rule: 'rule', text: '7', at: 7 });
  });
  test('alternatives and lists are named with their text', () => {
    const h = reader('maybe 5 or 6');
    expect(h.decide(h.live, 'rule', false)).toEqual({ state: 'ambiguous', values: [5, 6], rule: 'rule: alternatives "5 or 6"', text: '5 or 6' });
    const l = reader('5, 6 and 7');
    expect(l.decide(l.live, 'rule', false)).toEqual({ state: 'list', values: [5, 6, 7], rule: 'rule: a list "5, 6"', text: '5, 6 and 7' });
    // a repeated value is skipped when looking at neighbours
    const rep = reader('5 5 or 6');
    expect(rep.decide(rep.live, 'rule', false)).toMatchObject({ state: 'ambiguous', rule: 'rule: alternatives "5 or 6"' });
  });
  test('after a marker the first wins, unless the first two are alternatives', () => {
    const r = reader('5 then 6 or 7');
    expect(r.decide(r.live, 'm', true)).toEqual({ state: 'answer', value: 5, rule: 'm, first after it', text: '5', at: 0 });
    const h = reader('5 or 6 then 7');
    expect(h.decide(h.live, 'm', true)).toMatchObject({ state: 'ambiguous', rule: 'm: alternatives "5 or 6"' });
    // a repeated value is no neighbour of itself, also after a marker
    const rep = reader('5 then 5 or 6');
    expect(rep.decide(rep.live, 'm', true)).toMatchObject({ state: 'ambiguous', rule: 'm: alternatives "5 or 6"' });
    // without the marker, the later hedge counts
    expect(r.decide(r.live, 'm', false)).toMatchObject({ state: 'ambiguous', rule: 'm: alternatives "6 or 7"' });
  });
  test('the result after "=", only when equals is on', () => {
    const r = reader('3 + 4 → 7');
    expect(r.decide(r.live, 'r', false)).toEqual({ state: 'answer', value: 7, rule: 'r, the result after "="', text: '7', at: 8 });
    expect(r.decide(r.live, 'r', false, false)).toMatchObject({ state: 'ambiguous', rule: 'r: several answers' });
    // with equals off, a spaced "=" still asserts the number after it (the number finder's preference)
    const eq = reader('3 + 4 = 7');
    expect(eq.decide(eq.live, 'r', false)).toEqual({ state: 'answer', value: 7, rule: 'r, the result after "="', text: '7', at: 8 });
    expect(eq.decide(eq.live, 'r', false, false)).toEqual({ state: 'answer', value: 7, rule: 'r, the number after "="', text: '7', at: 8 });
    const two = reader('a = 36, b = 12');
    expect(two.decide(two.live, 'r', false, false)).toMatchObject({ state: 'ambiguous', rule: 'r: several answers' });
  });
  test("the finder's preference narrows to one value, the last mention of it", () => {
    const text = 'from 12 then 3 she has 15, later 15';
    const r = reader(text, 'She has 12 and gets 3. How many?');
    expect(r.decide(r.live, 'r', false)).toEqual({ state: 'answer', value: 15, rule: 'r, the one number the question did not give', text: '15', at: text.lastIndexOf('15') });
  });
  test('a preference that leaves several values, or none: several answers', () => {
    const r = reader('3 then 4 then 7', '3, 4 or 7?');
    expect(r.decide(r.live, 'r', false)).toEqual({ state: 'ambiguous', values: [3, 4, 7], rule: 'r: several answers', text: '3 then 4 then 7' });
    const fresh = reader('3 then 8 then 9', '3?');
    expect(fresh.decide(fresh.live, 'r', false)).toMatchObject({ state: 'ambiguous', rule: 'r: several answers' });
    const noPrefer = new Reader('A then B', letters, letters.find('A then B'));
    expect(noPrefer.decide(noPrefer.live, 'r', false)).toEqual({ state: 'ambiguous', values: ['A', 'B'], rule: 'r: several answers', text: 'A then B' });
  });
  test('answer() carries the candidate text and place', () => {
    const r = reader('is $5');
    expect(r.answer(r.live[0]!, 'x')).toEqual({ state: 'answer', value: 5, rule: 'x', text: '$5', at: 3 });
  });
});
