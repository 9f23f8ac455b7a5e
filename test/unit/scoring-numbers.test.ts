// Numbers as people write them (harness/scoring/numbers.ts), each case read by hand: the value, where it sits, and
// the digits that are not a number at all. Written against its mutants.
import { describe, expect, test } from 'vitest';
import { extractAnswer } from '../../harness/scoring/extract.ts';
import { digitsValue, findNumbers, numberFinder, parseNumber, promptNumbers } from '../../harness/scoring/numbers.ts';

const vals = (text: string) => findNumbers(text).map((c) => (c.word ? `w${c.value}` : c.value));

describe('digitsValue', () => {
  test.each([
    ['1,250', 1250],
    ['1,250,000', 1250000],
    ['64,8', 64.8],
    ['0,250', 0.25],
    ['12,50', 12.5],
    ['1.250,50', 1250.5],
    ['1,250.50', 1250.5],
    ['1.250.000', 1250000],
    ['3.80', 3.8],
    ["1'250", 1250],
    ['1’250', 1250],
    ['1\u00a0250', 1250],
    ['1\u202f250', 1250],
    ['1\u2009250', 1250],
    ['1 250', 1250],
    ['42', 42],
  ])('%j is %d', (body, want) => {
    expect(digitsValue(body)).toBe(want);
  });
  test('what Number cannot read is null', () => {
    expect(digitsValue('1,2,3,x')).toBeNull();
  });
});

describe('findNumbers: values', () => {
  test.each([
    ['It costs $3.80 today', [3.8]],
    ['€ 5', [5]],
    ['£5 and ¥7 and ₹9', [5, 7, 9]],
    ['−3 and -4 and –5 and +6', [-3, -4, -5, 6]],
    ['minus 3', [-3]],
    ['negative 4', [-4]],
    ['-$5', [-5]],
    ['1,250 apples', [1250]],
    ['1 250 apples', [1250]],
    ['1.250,50 EUR', [1250.5]],
    ['1.250.000 people', [1250000]],
    ['half is 1/2', [0.5]],
    ['3 ⁄ 4 cup', [0.75]],
    ['1/0 is undefined', []],
    ['1.5/2', []],
    ['1.25e3', [1250]],
    ['1.25E-2', [0.0125]],
    ['2e−2', [0.02]],
    ['1.25 × 10^3', [1250]],
    ['1.25x10^-3', [0.00125]],
    ['2*10^2', [200]],
    ['2·10^2', [200]],
    ['2^10', [1024]],
    ['2^−1', [0.5]],
    ['3 thousand', [3000]],
    ['2 million', [2e6]],
    ['4 billion', [4e9]],
    ['1 trillion', [1e12]],
    ['5k users', [5000]],
    ['5K', [5000]],
    ['5km', [5]],
  ])('%j', (text, want) => {
    expect(vals(text)).toEqual(want);
  });
});

describe('findNumbers: digits that are not one number', () => {
  test.each([
    ['range 16–31 days', []],
    ['range 16 — 31', []],
    ['pages 280-290', []],
    ['at 3 p.m. or 4pm or 5 a.m', []],
    ["at 7 o'clock", []],
    ['on 2024-01-15', []],
    ['on 15/01/2024 and 1.2.24', []],
    ['at 12:30 or 12:30:15', []],
    ['host 10.0.0.1', []],
    ['version v1.2.3', []],
    ['SKU-77', []],
    ['T-1000', []],
    ['abc7', []],
    ['#5 and @6 and x/7 and a.8 and _9', []],
    ['3rd and 2nd and 1st and 4th', []],
    ['3x2 grid', []],
    ['A1B2', []],
    ['step 2', []],
    ['Rule 1 applies', []],
    ['option #3', []],
    ['Q3', []],
    ['v2', []],
    ['in figure 4', []],
  ])('%j', (text, want) => {
    expect(vals(text)).toEqual(want);
  });
  test('list markers at the start of a line are not numbers; the rest of the line is read', () => {
    expect(vals('1. apples\n2) 14 pears\n - 3. x')).toEqual([14]);
    // not at a line start: a value
    expect(vals('I have 3. Then 4.')).toEqual([3, 4]);
  });
  test('a dash between numbers is an operator or range, not a sign', () => {
    expect(vals('50 -8')).toEqual([50, -8]);
    expect(vals('(5)-3')).toEqual([5, 3]);
  });
  test('a dash after a label is a separator, not minus', () => {
    expect(vals('Answer - 42')).toEqual([42]);
    expect(vals('Total -42')).toEqual([42]);
    expect(vals('**Final answer** – 7')).toEqual([7]);
    expect(vals('Score: -3')).toEqual([-3]);
    expect(vals('line\nResult -5')).toEqual([5]);
    expect(vals('the answer is -5')).toEqual([-5]);
  });
});

describe('findNumbers: positions and number words', () => {
  test('index, end and text of each candidate', () => {
    expect(findNumbers('Pay $1,250 or -3 now')).toEqual([
      { value: 1250, index: 4, end: 10, text: '$1,250' },
      { value: -3, index: 14, end: 16, text: '-3' },
    ]);
    // a sign dropped as an operator: the candidate starts after it
    expect(findNumbers('7-3')).toEqual([]);
    expect(findNumbers('(7)-3')).toEqual([
      { value: 7, index: 1, end: 2, text: '7' },
      { value: 3, index: 4, end: 5, text: '3' },
    ]);
  });
  test('number words, with their place, only where no numeral overlaps', () => {
    expect(findNumbers('five apples and twenty-one pears')).toEqual([
      { value: 5, index: 0, end: 4, text: 'five', word: true },
      { value: 21, index: 16, end: 26, text: 'twenty-one', word: true },
    ]);
    expect(vals('Zero, Nineteen, forty two, ninety, three hundred, two thousand, minus seven, negative ten')).toEqual(['w0', 'w19', 'w42', 'w90', 'w300', 'w2000', 'w-7', 'w-10']);
    // inside words and after a hyphen they are not numbers
    expect(vals('someone, oneself, non-two, fivefold')).toEqual([]);
    // numerals and words side by side, sorted by place
    expect(vals('two then 3 then four')).toEqual(['w2', 3, 'w4']);
  });
});

describe('parseNumber', () => {
  test.each([
    ['$1,250.00', 1250],
    ['−3', -3],
    ['15 %', 15],
    ['15%', 15],
    ['15 percent', 15],
    ['  42  ', 42],
    ['４２', 42],
    ['٤٢', 42],
  ])('%j is %d', (text, want) => {
    expect(parseNumber(text)).toBe(want);
  });
  test.each(['', 'forty-two', '42 apples', 'about 42', '1 and 2', '12:30', 'x'])('%j is not one number', (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe('promptNumbers', () => {
  test('the numerals a question gives, not its number words', () => {
    expect(promptNumbers('Ana has 12 apples and five pears; she buys 3 more. How many?')).toEqual([12, 3]);
    expect(promptNumbers(undefined)).toEqual([]);
    expect(promptNumbers('')).toEqual([]);
    expect(promptNumbers('Ten items at １２ each')).toEqual([12]);
  });
});

describe('numberFinder', () => {
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  const cands = (text: string) => findNumbers(text);
  test('shape: closed, compares with the given same, shows twelve significant digits', () => {
    const f = numberFinder(same);
    expect(f.closed).toBe(true);
    expect(f.same(1, 1 + 1e-12)).toBe(true);
    expect(f.same(1, 1.1)).toBe(false);
    expect(f.show(0.1 + 0.2)).toBe('0.3');
    expect(f.show(1250)).toBe('1250');
    expect(f.find('a 5')).toEqual(findNumbers('a 5'));
  });
  test('prefer: the one number the question did not give', () => {
    const f = numberFinder(same, 'Ana has 12 apples and buys 3. How many?');
    const text = 'with 12 and 3 she has 15';
    expect(f.prefer!(cands(text), text)).toEqual({ cands: [cands(text)[2]], why: 'the one number the question did not give' });
    // two copies of the fresh number still count as one
    const twice = '12 and 3 make 15, yes 15';
    expect(f.prefer!(cands(twice), twice)?.why).toBe('the one number the question did not give');
  });
  test('prefer: among several fresh numbers, the one an asserting verb introduces', () => {
    const f = numberFinder(same, 'Ana has 12 apples. How many?');
    const text = 'first 7 then 8, she needs 92 and 12';
    expect(f.prefer!(cands(text), text)).toEqual({ cands: [cands(text)[2]], why: 'the number after "needs"' });
    const cur = 'first 7 then it costs $ 92';
    expect(f.prefer!(cands(cur), cur)?.why).toBe('the number after "costs"');
  });
  test('prefer: every number given by the question, none asserted: nothing to prefer', () => {
    const f = numberFinder(same, 'from 7 and 8?');
    const text = '7 and 8';
    expect(f.prefer!(cands(text), text)).toBeNull();
    // every number given, one asserted: that one
    const verbed = '7 gives 8';
    expect(f.prefer!(cands(verbed), verbed)).toEqual({ cands: [cands(verbed)[1]], why: 'the number after "gives"' });
  });
  test('prefer: several fresh numbers, none asserted: the fresh ones', () => {
    const f = numberFinder(same, 'from 7?');
    const text = '7 and 8 and 9';
    expect(f.prefer!(cands(text), text)).toEqual({ cands: cands(text).slice(1), why: 'the numbers the question did not give' });
  });
});

// Written against surviving mutants of numbers.ts (first measurement).
describe('number words, each one', () => {
  test.each([
    ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8], ['nine', 9],
    ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14], ['fifteen', 15], ['sixteen', 16], ['seventeen', 17],
    ['eighteen', 18], ['nineteen', 19], ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70],
    ['eighty', 80], ['ninety', 90], ['thirty nine', 39], ['sixty-one', 61],
  ])('%j is %d', (word, want) => {
    expect(findNumbers(`it is ${word} now`).map((c) => c.value)).toEqual([want]);
  });
  test('a number word overlapping a numeral is dropped, one beside it is kept', () => {
    expect(vals('5 five')).toEqual([5, 'w5']);
  });
});

describe('ranges, times and dates with decimals and forms', () => {
  test.each([
    ['1.5–2.5 kg', []],
    ['1,5 — 2,5', []],
    ['2–3.5', []],
    ['9.30am', []],
    ['10:30 pm', []],
    ['9am', []],
    // two-digit hours, a decimal range, o'clock with and without a space (mut4 survivors)
    ['10am', []],
    ['11 pm', []],
    ['1.25–3.5 kg', []],
    ["10 o'clock", []],
    ["5o'clock", []],
    ['9 a.m.', []],
    ['9 am', []],
    ['at 9:3 then', [3]],
    ['1:2', [2]],
  ])('%j', (text, want) => {
    expect(vals(text)).toEqual(want);
  });
  test('a dash after a label is a separator, in its forms', () => {
    // a spaced dash is never a sign; a dash glued to the number after a label is a separator
    expect(vals('My answer - 42')).toEqual([42]);
    expect(vals('Final   answer -42')).toEqual([42]);
    expect(vals('## Answer -42')).toEqual([42]);
    expect(vals('> **Total** –42')).toEqual([42]);
    expect(vals('Final answer__ -42')).toEqual([42]);
    expect(vals('My answer -42')).toEqual([-42]);
    expect(vals('Finalanswer -42')).toEqual([-42]);
  });
  test('a minus word or sign makes it negative, other signs do not; the word in any case', () => {
    // "Minus 4" opens a sentence: it was read as +4 before the fix
    expect(vals('MINUS 4')).toEqual([-4]);
    expect(vals('Minus 4 and Negative 5')).toEqual([-4, -5]);
    expect(vals('+4')).toEqual([4]);
  });
  test('candidate text is trimmed', () => {
    expect(findNumbers('minus 4 ').map((c) => c.text)).toEqual(['minus 4']);
    expect(findNumbers('5 thousand').map((c) => c.text)).toEqual(['5 thousand']);
  });
});

// Written against the survivors of a Stryker run with the wider test set (mut4); each value read by hand.
describe('findNumbers: against the surviving mutants', () => {
  test.each([
    // "twenty twelve" is two number words (a year said aloud), not 32; "twenty-ten" is no compound
    ['twenty twelve', ['w20', 'w12']],
    ['twenty-ten', ['w20']],
    // a range with a minus in front is still a range
    ['It ranges -3–5 degrees', []],
    // a sign glued to a name is part of the name: "X_-77", "SKU+77" (an underscore is a name character)
    ['id X_-77', []],
    ['SKU+77', []],
    // a hyphenated word earlier in the text does not make a later number a name
    ['a well-known fact: 5 cats', [5]],
    // after a closing bracket a dash is an operator: two numbers, whatever the text ends with
    ['(5)-3 apples', [5, 3]],
    // "5-fold" is 5; "3ab4" is an ID
    ['a 5-fold rise', [5]],
    ['model 3ab4', []],
    // "5 apples." at the start of a line is a count, not a list marker "5. "
    ['5 apples. Then more', [5]],
    // the label before a dash is read on its own line only
    ['Working:\nAnswer -42', [42]],
  ])('%j', (text, want) => {
    expect(vals(text)).toEqual(want);
  });
});

describe('parseNumber: against the surviving mutants', () => {
  test('a trailing space after "%" still reads; a word before the number does not', () => {
    expect(parseNumber('15 % ')).toBe(15);
    expect(parseNumber('percent 12')).toBeNull();
    expect(parseNumber('% 5')).toBeNull();
  });
});

describe('numberFinder: the rule names the verb, not the currency sign', () => {
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  test.each(['Near 4 apples it costs $6', 'Near 4 apples it costs $ 6', 'Near 4 apples it costs 6'])('%j', (out) => {
    expect(extractAnswer(out, numberFinder(same))).toMatchObject({ state: 'answer', value: 6, rule: 'the last statement, the number after "costs"' });
  });
});

describe('numberFinder: a spaced "=" asserts the number after it', () => {
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  test('an input restated with "has" before the computation does not win over its result', () => {
    // "=" was an asserting verb only when glued ("x= 24"), so "has 6" was the one asserted number and 6 was graded
    expect(extractAnswer('Each box has 6 eggs, and 4 boxes × 6 = 24 eggs', numberFinder(same))).toMatchObject({ state: 'answer', value: 24 });
    expect(extractAnswer('She has 5 pens, 3 + 5 = 8', numberFinder(same))).toMatchObject({ state: 'answer', value: 8 });
    expect(extractAnswer('Each box has 6 eggs; 4 × 6 ≈ 24', numberFinder(same))).toMatchObject({ state: 'answer', value: 24 });
  });
});

describe('numbers: against the mut5 survivors', () => {
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  test('Indian grouping: more than two comma groups are thousands even when the second is not three digits', () => {
    expect(digitsValue('1,25,000')).toBe(125000);
  });
  test('a number before a time is still a number (only the time is excluded)', () => {
    expect(vals('5 apples at 10:30')).toEqual([5]);
  });
  test('a minus after a closing bracket is an operator, whatever words came earlier', () => {
    expect(vals('Take (3)-2 = 1')).toEqual([3, 2, 1]);
  });
  test('a label before a dash counts on its own line, not behind an earlier line', () => {
    expect(vals('Total so far.\nAnswer -42')).toEqual([42]);
  });
  test('one value repeated is not "the one number the question did not give" when the question gave none', () => {
    const c = (value: number, index: number) => ({ value, index, end: index + 1, text: String(value) });
    expect(numberFinder(same).prefer!([c(5, 0), c(5, 6)], '5 and 5')?.why).toBe('the numbers the question did not give');
  });
});
