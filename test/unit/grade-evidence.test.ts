// The whole Grade of each grader type (harness/scoring/graders.ts): score, the evidence a person audits (what was
// extracted, which rule decided) and the detail of a miss. Every expectation is read off the output by hand.
import { describe, expect, test } from 'vitest';
import { grade, gradeJson, graderSchema, numericReference, numericWithin, type Grader, type GraderInput } from '../../harness/scoring/graders.ts';

const g = (x: GraderInput) => graderSchema.parse(x);
const numeric = (x: { tolerance?: number; relative?: boolean } = {}) => graderSchema.parse({ type: 'numeric', ...x }) as Extract<Grader, { type: 'numeric' }>;
const ATTACK = String.raw`\bT\d{4}(?:\.\d{3})?\b`;

describe('schema defaults and refusals', () => {
  test('each type fills in its defaults', () => {
    expect(g({ type: 'exact' })).toEqual({ type: 'exact', accept: [], distractors: [] });
    expect(g({ type: 'label', labels: ['a', 'b'] })).toEqual({ type: 'label', labels: ['a', 'b'], synonyms: {} });
    expect(g({ type: 'numeric' })).toEqual({ type: 'numeric', tolerance: 0, relative: false });
    expect(g({ type: 'id', pattern: 'x' })).toEqual({ type: 'id', pattern: 'x', flags: 'i' });
    expect(g({ type: 'regex', pattern: 'x' })).toEqual({ type: 'regex', pattern: 'x', flags: '' });
    expect(g({ type: 'keywords' })).toEqual({ type: 'keywords', all: [], any: [], none: [] });
    expect(g({ type: 'count', unit: 'words' })).toEqual({ type: 'count', unit: 'words', only: false });
  });
  test('bad graders are refused: lower-case choices, a global flag, an invalid JSON Schema', () => {
    expect(() => g({ type: 'choice', choices: ['a', 'B'] })).toThrow(/must match pattern/);
    expect(() => g({ type: 'id', pattern: 'x', flags: 'g' })).toThrow(/must match pattern/);
    expect(() => g({ type: 'json', schema: { type: 'nonsense' } })).toThrow(/not a valid JSON Schema: schema is invalid/);
    expect(graderSchema.safeParse({ type: 'json', schema: { type: 'nonsense' } }).error?.issues.map((i) => [i.code, i.path])).toEqual([['custom', ['schema']]]);
    expect(() => g({ type: 'label', labels: ['only'] })).toThrow();
  });
});

describe('closed answers: evidence and detail', () => {
  test('exact: the whole answer, an accepted spelling, an extracted answer, a distractor, a hedge, a refusal', () => {
    expect(grade(g({ type: 'exact' }), '  "Paris."  ', 'Paris')).toEqual({ score: 1, evidence: { extracted: 'paris', rule: 'the whole answer' } });
    expect(grade(g({ type: 'exact', accept: ['City of Paris'] }), 'city of paris', 'Paris')).toEqual({ score: 1, evidence: { extracted: 'city of paris', rule: 'the whole answer' } });
    expect(grade(g({ type: 'exact' }), 'The answer is Paris.', 'Paris')).toEqual({ score: 1, evidence: { extracted: 'paris', rule: 'marker "The answer is"' } });
    expect(grade(g({ type: 'exact', distractors: ['Lyon'] }), 'The answer is Lyon.', 'Paris')).toEqual({ score: 0, evidence: { extracted: 'lyon', rule: 'marker "The answer is"' }, detail: 'expected "Paris"' });
    expect(grade(g({ type: 'exact', distractors: ['Lyon'] }), 'Paris or Lyon', 'Paris')).toEqual({
      score: 0,
      evidence: { extracted: 'paris | lyon', rule: 'the last statement: alternatives "Paris or Lyon"' },
      detail: 'more than one answer given: paris | lyon',
    });
    expect(grade(g({ type: 'exact' }), 'I do not know the city.', 'Paris')).toEqual({ score: 0, evidence: { extracted: null, rule: 'refusal' }, detail: 'refusal' });
  });
  test('label: the reference is compared trimmed and case-blind; a list scores 0 and says so', () => {
    const L = g({ type: 'label', labels: ['benign', 'suspicious'] });
    expect(grade(L, 'Suspicious.', ' SUSPICIOUS ')).toEqual({ score: 1, evidence: { extracted: 'suspicious', rule: 'bare answer in the first sentence' } });
    expect(grade(L, 'Benign.', 'suspicious')).toEqual({ score: 0, evidence: { extracted: 'benign', rule: 'bare answer in the first sentence' }, detail: 'expected suspicious' });
    expect(grade(L, 'benign and suspicious', 'suspicious')).toEqual({
      score: 0,
      evidence: { extracted: 'benign | suspicious', rule: 'the last statement: a list "benign and suspicious"' },
      detail: 'a list where one answer was asked for: benign | suspicious',
    });
  });
  test('choice: the reference trimmed and upper-cased; the option text of the prompt counts', () => {
    const C = g({ type: 'choice', choices: ['A', 'B'] });
    expect(grade(C, 'B', ' b ')).toEqual({ score: 1, evidence: { extracted: 'B', rule: 'bare answer in the first sentence' } });
    expect(grade(C, 'A', 'B')).toEqual({ score: 0, evidence: { extracted: 'A', rule: 'bare answer in the first sentence' }, detail: 'expected B' });
    expect(grade(C, 'The parking lot.', 'B', { prompt: 'Q?\nA) A school playground\nB) A parking lot' })).toEqual({ score: 1, evidence: { extracted: 'B', rule: 'the last statement' } });
    expect(grade(C, 'The parking lot.', 'B').score).toBe(0); // without the prompt nothing names an option
  });
  test('numeric: absolute and relative tolerance, both ends', () => {
    expect(grade(g({ type: 'numeric', tolerance: 0.5 }), '10.5', '10')).toEqual({ score: 1, evidence: { extracted: '10.5', rule: 'bare answer in the first sentence' } });
    expect(grade(g({ type: 'numeric', tolerance: 0.5 }), '10.6', '10')).toEqual({ score: 0, evidence: { extracted: '10.6', rule: 'bare answer in the first sentence' }, detail: 'expected 10' });
    expect(grade(g({ type: 'numeric', tolerance: 0.1, relative: true }), '109', '100').score).toBe(1);
    expect(grade(g({ type: 'numeric', tolerance: 0.1, relative: true }), '111', '100').score).toBe(0);
    // relative to the reference, not to the answer: 10 % of 100 admits 91, 10 % of 91 would not
    expect(grade(g({ type: 'numeric', tolerance: 0.1, relative: true }), '90.5', '100').score).toBe(1);
    expect(() => grade(g({ type: 'numeric' }), '1', 'ten-ish')).toThrow('numeric reference is not a number: ten-ish');
  });
  test('numeric: the inputs the prompt gives step aside for the result', () => {
    expect(grade(g({ type: 'numeric' }), 'With 78 and 85 she needs 92.', '92', { prompt: 'Scores 78, 85. What?' })).toEqual({
      score: 1,
      evidence: { extracted: '92', rule: 'the last statement, its last clause, the one number the question did not give' },
    });
  });
  test('numericWithin: a relative epsilon for large values, an absolute one near zero', () => {
    const exact = numericWithin(numeric());
    expect(exact(1e9, 1e9 + 0.5)).toBe(true); // 1e-9 × 1e9 = 1
    expect(exact(1e9, 1e9 + 2)).toBe(false);
    expect(exact(0, 1e-9)).toBe(true);
    expect(exact(0, 2e-9)).toBe(false);
    expect(numericWithin(numeric({ tolerance: 1, relative: true }))(-3, -2)).toBe(true); // |−2| × 1
    expect(numericWithin(numeric({ tolerance: 0.5, relative: true }))(-3.5, -2)).toBe(false); // 1.5 > 0.5 × 2
  });
  test('numericReference reads money and refuses prose', () => {
    expect(numericReference('$1,250.00')).toBe(1250);
    expect(() => numericReference('about 3')).toThrow('numeric reference is not a number: about 3');
  });
  test('id: upper-cased, by the reference or by an accept pattern that must match the whole ID', () => {
    expect(grade(g({ type: 'id', pattern: ATTACK }), 'It is t1003.001.', ' t1003.001 ')).toEqual({ score: 1, evidence: { extracted: 'T1003.001', rule: 'the last statement' } });
    expect(grade(g({ type: 'id', pattern: ATTACK, accept: String.raw`T1003(?:\.\d{3})?` }), 'It is T1003.002.', 'T1003').score).toBe(1);
    expect(grade(g({ type: 'id', pattern: ATTACK, accept: 'T1003' }), 'It is T1003.002.', 'T1003')).toEqual({
      score: 0,
      evidence: { extracted: 'T1003.002', rule: 'the last statement' },
      detail: 'expected /T1003/',
    });
    expect(grade(g({ type: 'id', pattern: ATTACK, accept: 't1003' }), 'T1003', 'x').score).toBe(1); // accept is case-blind
    expect(grade(g({ type: 'id', pattern: String.raw`\bT\d{4}\b` }), 'T1059', 'T1003')).toEqual({ score: 0, evidence: { extracted: 'T1059', rule: 'bare answer in the first sentence' }, detail: 'expected T1003' });
  });
});

describe('form graders: their rule and detail pass through', () => {
  test('regex', () => {
    expect(grade(g({ type: 'regex', pattern: '^[A-Z ]+$' }), 'HELLO WORLD', '')).toEqual({ score: 1, evidence: { extracted: 'HELLO WORLD', rule: 'whole answer, decoration removed' } });
    expect(grade(g({ type: 'regex', pattern: '^[A-Z ]+$' }), 'hello', '')).toEqual({ score: 0, evidence: { extracted: 'hello', rule: 'whole answer, decoration removed' }, detail: 'does not match /^[A-Z ]+$/' });
    expect(grade(g({ type: 'regex', pattern: '^yes$', flags: 'i' }), '**YES**', '').score).toBe(1);
  });
  test('keywords', () => {
    expect(grade(g({ type: 'keywords', all: ['alpha'] }), 'Alpha is the first letter of the Greek alphabet.', '')).toEqual({ score: 1, evidence: { extracted: 'alpha', rule: 'keywords in answering sentences (1/1 checks)' } });
    expect(grade(g({ type: 'keywords', all: ['alpha'], none: ['beta'] }), 'Alpha comes before beta in the Greek alphabet.', '')).toEqual({
      score: 0,
      evidence: { extracted: 'alpha', rule: 'keywords in answering sentences (1/2 checks)' },
      detail: 'contains "beta"',
    });
    expect(grade(g({ type: 'keywords', all: ['alpha'] }), 'alpha beta', '')).toEqual({
      score: 0,
      evidence: { extracted: null, rule: 'keyword stuffing' },
      detail: 'the keywords appear only outside sentences that say something',
    });
  });
  test('count', () => {
    expect(grade(g({ type: 'count', unit: 'words', exactly: 2 }), 'two words', '')).toEqual({ score: 1, evidence: { extracted: '2 words', rule: 'count of words (exactly 2)' } });
    expect(grade(g({ type: 'count', unit: 'words', exactly: 3 }), 'two words', '')).toEqual({ score: 0, evidence: { extracted: '2 words', rule: 'count of words (exactly 3)' }, detail: 'counted 2 words' });
    expect(grade(g({ type: 'count', unit: 'bullets', min: 2, only: true }), 'Intro:\n- a\n- b', '')).toEqual({ score: 0, evidence: { extracted: '2 bullets', rule: 'bullets only' }, detail: 'text besides the bullets: "Intro:"' });
  });
});

describe('form graders with nothing to read: the rule is the detail', () => {
  test.each([
    ['', 'empty output'],
    ['<think>never', 'reasoning block never closed: no answer after it'],
  ])('%j', (output, why) => {
    for (const grader of [g({ type: 'regex', pattern: 'x' }), g({ type: 'count', unit: 'words', max: 3 }), g({ type: 'keywords', all: ['x'] })]) {
      expect(grade(grader, output, '')).toEqual({ score: 0, evidence: { extracted: null, rule: why }, detail: why });
    }
  });
});

describe('JSON answers', () => {
  const S = { type: 'object', properties: { answer: { enum: ['yes', 'no'] }, n: { type: 'integer' } }, required: ['answer'], additionalProperties: false };
  const rule = "json: object at character 0, validated against the item's JSON Schema";
  test('strings are folded before validation, the evidence keeps what was written', () => {
    expect(gradeJson(S, '{"answer": " YES "}')).toEqual({ score: 1, evidence: { extracted: '{"answer":" YES "}', rule } });
    expect(grade(g({ type: 'json', schema: S }), '{"answer":"no"}', '')).toEqual({ score: 1, evidence: { extracted: '{"answer":"no"}', rule } });
  });
  test('a miss names the path, the message and the allowed values', () => {
    expect(gradeJson(S, '{"answer": "maybe"}')).toEqual({ score: 0, evidence: { extracted: '{"answer":"maybe"}', rule }, detail: '/answer must be equal to one of the allowed values ["yes","no"]' });
    expect(gradeJson(S, '{"answer": "no", "n": 1.5}')).toEqual({ score: 0, evidence: { extracted: '{"answer":"no","n":1.5}', rule }, detail: '/n must be integer' });
  });
  test('errors on the object itself are "(object)"; several are joined with "; "', () => {
    expect(gradeJson(S, '{"n": 1}').detail).toBe("(object) must have required property 'answer'");
    expect(gradeJson(S, '{"answer":"yes","n":2,"z":1}').detail).toBe('(object) must NOT have additional properties');
    expect(gradeJson(S, '{"answer":"maybe","n":1.5}').detail).toBe('/answer must be equal to one of the allowed values ["yes","no"]; /n must be integer');
  });
  test('the object of the right shape is picked among several', () => {
    expect(gradeJson(S, '{"x": 1} then {"answer": "yes"}')).toEqual({
      score: 1,
      evidence: { extracted: '{"answer":"yes"}', rule: "json: object at character 14, the only well-shaped object of 2, validated against the item's JSON Schema" },
    });
  });
  test('empty output and no object', () => {
    expect(gradeJson(S, '   ')).toEqual({ score: 0, evidence: { extracted: null, rule: 'empty output' }, detail: 'empty output' });
    expect(gradeJson(S, 'no json here')).toEqual({ score: 0, evidence: { extracted: null, rule: 'no JSON object found' }, detail: 'no JSON object found' });
  });
});
