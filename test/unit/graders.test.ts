import { describe, expect, test } from 'vitest';
import { grade, graderSchema, type Grader, type GraderInput } from '../../harness/scoring/graders.ts';
import { normalizeText } from '../../harness/scoring/normalize.ts';

const g = (x: GraderInput): Grader => graderSchema.parse(x);
const choice = g({ type: 'choice', choices: ['A', 'B', 'C', 'D'] });
const label = g({ type: 'label', labels: ['benign', 'suspicious'] });
const yesNo = g({ type: 'label', labels: ['yes', 'no'] });
const numeric = g({ type: 'numeric', tolerance: 0.01, relative: false });
const json = g({
  type: 'json',
  schema: { type: 'object', properties: { technique: { type: 'string', const: 't1059.001' }, confidence: { type: 'number' } }, required: ['technique', 'confidence'] },
});

const score = (gr: Grader, output: string, ref: string) => grade(gr, output, ref).score;

describe('choice', () => {
  test.each([
    ['B', 1],
    ['B.', 1],
    ['(B)', 1],
    ['**B**', 1],
    ['The answer is B.', 1],
    ['After comparing both process trees, tree B is clearly riskier because Word spawns PowerShell.', 1],
    ['Answer: b', 1],
    ['The answer is not A, it is B.', 1],
    ['A process tree like this one is riskier: B', 1],
    ['A or B', 0],
    ['The answer is C', 0],
    ['I cannot tell.', 0],
  ])('%j → %d', (out, s) => expect(score(choice, out, 'B')).toBe(s));
});

describe('label', () => {
  test.each([
    ['suspicious', 1],
    ['Suspicious.', 1],
    ['This command line is **suspicious**: it downloads and runs code.', 1],
    ['It is not benign; it is suspicious', 1],
    ['benign', 0],
    ['benign or suspicious', 0],
    ["It isn't suspicious.", 0],
    ['unsure', 0],
  ])('%j → %d', (out, s) => expect(score(label, out, 'suspicious')).toBe(s));
  test('yes/no with negation words around', () => {
    expect(score(yesNo, 'No.', 'no')).toBe(1);
    expect(score(yesNo, 'Yes, definitely.', 'yes')).toBe(1);
    expect(score(yesNo, 'yes and no', 'yes')).toBe(0);
  });
});

describe('numeric', () => {
  test.each([
    ['1250', 1],
    ['1,250', 1],
    ['$1250.00', 1],
    ['1.25e3', 1],
    ['The total cost is 1,250 dollars.', 1],
    ['5 boxes × 250 = 1250', 1],
    ['First 1000, then 250 more, so the answer is 1250.', 1],
    ['The answer is not 1300 but 1250', 1],
    ['١٢٥٠', 1],
    ['１２５０', 1],
    ['1250 or 1300', 0],
    ['The answer is 1300.', 0],
    ['no idea', 0],
  ])('%j → %d', (out, s) => expect(score(numeric, out, '1250')).toBe(s));
  test('negative numbers, decimals and relative tolerance', () => {
    expect(score(numeric, 'It drops to -3 degrees.', '-3')).toBe(1);
    expect(score(numeric, '3.5', '3.5')).toBe(1);
    expect(score(g({ type: 'numeric', tolerance: 0.01, relative: true }), '1005', '1000')).toBe(1);
    expect(score(g({ type: 'numeric', tolerance: 0.01, relative: true }), '1020', '1000')).toBe(0);
  });
});

describe('json', () => {
  const ok = '{"technique": "T1059.001", "confidence": 0.9}';
  test.each([
    [ok, 1],
    ['```json\n' + ok + '\n```', 1],
    [`Here is the JSON: ${ok} Hope that helps.`, 1],
    ['{"technique": "t1059.001", "confidence": 1}', 1],
    ['{"technique": "T1059.001", "confidence": "high"}', 0],
    ['{"technique": "T1003"}', 0],
    ['{"technique": "T1059.001", "confidence": 0.9', 0],
    ['no json here', 0],
  ])('%j → %d', (out, s) => expect(score(json, out, ok)).toBe(s));
  test('braces inside strings do not end the object', () => {
    expect(score(g({ type: 'json', schema: { type: 'object', required: ['a'] } }), '{"a": "}{"}', '')).toBe(1);
  });
});

describe('exact, regex, keywords, count', () => {
  test('exact ignores case, quotes, markdown and trailing punctuation', () => {
    const exact = g({ type: 'exact' });
    expect(score(exact, '"Marseille."', 'Marseille')).toBe(1);
    expect(score(exact, 'The answer is **Marseille**!', 'Marseille')).toBe(1);
    expect(score(exact, 'Lyon', 'Marseille')).toBe(0);
  });
  test('regex', () => {
    const regex = g({ type: 'regex', pattern: '^[A-Z ]+$', flags: '' });
    expect(score(regex, 'ALL CAPS LINE', '')).toBe(1);
    expect(score(regex, 'Not caps', '')).toBe(0);
  });
  test('keywords give partial credit for missing ones, none for a forbidden one', () => {
    const kw = g({ type: 'keywords', all: ['vpn', 'token'], any: ['reset', 'renew'], none: ['password'] });
    expect(score(kw, 'Open the VPN client, enter your token, then renew.', '')).toBe(1);
    expect(score(kw, 'Open the VPN client and type in the code from the screen.', '')).toBe(0.5);
    expect(score(kw, 'Open the VPN client, enter your token and type your password.', '')).toBe(0);
  });
  test('count units', () => {
    expect(score(g({ type: 'count', unit: 'bullets', exactly: 3 }), '- a\n- b\n* c', '')).toBe(1);
    expect(score(g({ type: 'count', unit: 'bullets', exactly: 3 }), '- a\n- b', '')).toBe(0);
    expect(score(g({ type: 'count', unit: 'words', max: 5 }), 'one two three four five', '')).toBe(1);
    expect(score(g({ type: 'count', unit: 'words', max: 5 }), 'one two three four five six', '')).toBe(0);
    expect(score(g({ type: 'count', unit: 'sentences', exactly: 2 }), 'First one. Second one!', '')).toBe(1);
    expect(score(g({ type: 'count', unit: 'lines', exactly: 1 }), 'one line\n', '')).toBe(1);
  });
});

test('normalizeText maps other digit sets to ASCII', () => {
  expect(normalizeText('١٢٣ ४५६ ๗๘๙ １０')).toBe('123 456 789 10');
});
