// Which rule of the shared extractor (harness/scoring/extract.ts) decides, case by case: each output below is read the
// way a careful person reads it, and the rule named must be the one that should decide (a right answer reached by the
// wrong rule is luck). Written against surviving mutants of extract.ts and last-assertion.ts.
import { describe, expect, test } from 'vitest';
import { extractAnswer, prepareOutput, showExtraction, type Extraction } from '../../harness/scoring/extract.ts';
import { choiceFinder, exactFinder, labelFinder } from '../../harness/scoring/finders.ts';
import { numberFinder } from '../../harness/scoring/numbers.ts';

const num = numberFinder((a, b) => Math.abs(a - b) < 1e-9);
const choice = choiceFinder(['A', 'B', 'C', 'D']);
const label = labelFinder(['benign', 'suspicious']);

type Want = { state: 'answer'; value: number | string; rule: string } | { state: 'none' | 'list' | 'ambiguous'; rule: string; values?: (number | string)[] };

function check<T>(e: Extraction<T>, want: Want): void {
  expect({ state: e.state, rule: e.rule }).toEqual({ state: want.state, rule: want.rule });
  if (want.state === 'answer') expect(e.state === 'answer' && e.value).toBe(want.value);
  if ('values' in want && want.values) expect(e.state !== 'answer' && e.state !== 'none' && e.values).toEqual(want.values);
}

describe('markers, corrections and conclusions', () => {
  const cases: [string, Want][] = [
    ['The answer is 12. Wait, it is 14.', { state: 'answer', value: 14, rule: 'correction "Wait,"' }],
    // "Actually" followed by nothing asserted: the marked answer before it stands
    ['The answer is 12. Actually, this is a classic problem where 12 apples are split.', { state: 'answer', value: 12, rule: 'marker "The answer is"' }],
    ['Answer:\n42', { state: 'answer', value: 42, rule: 'marker "Answer:"' }],
    ['The answer is\n\n42', { state: 'answer', value: 42, rule: 'marker "The answer is"' }],
    ['Answer: see below.\n14', { state: 'answer', value: 14, rule: 'marker "Answer:"' }],
    ['So 5 + 7 = 12. Therefore the total is 12.', { state: 'answer', value: 12, rule: 'marker "the total is"' }],
    ['So the result: 42', { state: 'answer', value: 42, rule: 'marker "the result:"' }],
    ['12 is wrong, the answer is 14.', { state: 'answer', value: 14, rule: 'marker "the answer is"' }],
    ['The answer is 12.\nActually, 14.', { state: 'answer', value: 14, rule: 'correction "Actually,"' }],
    ['Result: 12.\nWait. It\'s 36.', { state: 'answer', value: 36, rule: 'correction "Wait."' }],
    ['Actually, the answer is 14. Wait, the answer is 16.', { state: 'answer', value: 16, rule: 'after correction "Wait,": marker "the answer is"' }],
    ['Actually, so 14.', { state: 'answer', value: 14, rule: 'after correction "Actually,": conclusion "so"' }],
    ['The price is 10. Actually, I mean the total comes to 14, so 14.', { state: 'answer', value: 14, rule: 'after correction "I mean": marker "the total comes to"' }],
    ['Hmm. 12 is one option. Wait, it needs 14 more.', { state: 'answer', value: 14, rule: 'correction "Wait,"' }],
    ['First 12. Wait: 14.', { state: 'answer', value: 14, rule: 'correction "Wait:"' }],
    ['The answer is 12. Correction = 14', { state: 'answer', value: 14, rule: 'correction "Correction"' }],
    ['Wait, the total is $ 14', { state: 'answer', value: 14, rule: 'after correction "Wait,": marker "the total is"' }],
    ['Wait, 3 + 4 gives 14', { state: 'answer', value: 14, rule: 'correction "Wait,", the number after "gives"' }],
    ['Wait, actually 12 is a distractor; the answer is 14', { state: 'answer', value: 14, rule: 'after correction "actually": marker "the answer is"' }],
    ['The answer is 12. Wait, so 14 then.', { state: 'answer', value: 14, rule: 'after correction "Wait,": conclusion "so"' }],
    // after a correction, a marker outranks a conclusion that comes before it
    ['The answer is 12. Wait, so 14 then. The result is 16.', { state: 'answer', value: 16, rule: 'after correction "Wait,": marker "The result is"' }],
    // a correction that asserts nothing leaves the marked answer
    ['The answer is 12. Wait, I recall that the apples number 14 and then 16 pears.', { state: 'answer', value: 12, rule: 'marker "The answer is"' }],
    // an asserting verb far from the correction (beyond the gap rule) still asserts its number
    ['The answer is 12. Wait, the count of apples in that particular basket there is 14.', { state: 'answer', value: 14, rule: 'correction "Wait,"' }],
    ['So, 5 and 7 is 12', { state: 'answer', value: 12, rule: 'conclusion "So,", the number after "is"' }],
    ['We have 5 apples. So 5 + 7 = 12.', { state: 'answer', value: 12, rule: 'conclusion "So", the result after "="' }],
    ['We have 5 apples. So 12 apples.', { state: 'answer', value: 12, rule: 'conclusion "So"' }],
    ['We have 5 apples. Thus: 12', { state: 'answer', value: 12, rule: 'conclusion "Thus:"' }],
    ['14 is correct.', { state: 'answer', value: 14, rule: 'affirmed: "14 is …"' }],
    ['14 is the correct answer, although 12 was close.', { state: 'answer', value: 14, rule: 'affirmed: "14 is …"' }],
    ['The final answer is \\boxed{14', { state: 'answer', value: 14, rule: 'marker "\\boxed{"' }],
    ['Final answer: \\boxed{14} and 12', { state: 'list', values: [14, 12], rule: 'marker "Final answer:": a list "14 and 12"' }],
    ['Maybe 12, or 14. The answer is 14.', { state: 'answer', value: 14, rule: 'marker "The answer is"' }],
    ["I'm sorry, I can't help with that. The answer is 12.", { state: 'answer', value: 12, rule: 'after correction "sorry,": marker "The answer is"' }],
    ['As an AI, the answer is 14.', { state: 'answer', value: 14, rule: 'marker "the answer is"' }],
  ];
  test.each(cases)('%j', (output, want) => check(extractAnswer(output, num), want));
});

describe('the bare first sentence and the last statement', () => {
  const numbers: [string, Want][] = [
    ['12', { state: 'answer', value: 12, rule: 'bare answer in the first sentence' }],
    ['12 apples', { state: 'answer', value: 12, rule: 'bare answer in the first sentence' }],
    ['42 km', { state: 'answer', value: 42, rule: 'bare answer in the first sentence' }],
    ['12 - that is the count.', { state: 'answer', value: 12, rule: 'bare answer in the first sentence' }],
    ['42!', { state: 'answer', value: 42, rule: 'bare answer in the first sentence' }],
    ['42 -- the total', { state: 'answer', value: 42, rule: 'bare answer in the first sentence' }],
    ['42: the total', { state: 'answer', value: 42, rule: 'bare answer in the first sentence' }],
    ['[42]', { state: 'answer', value: 42, rule: 'bare answer in the first sentence' }],
    ['*42*', { state: 'answer', value: 42, rule: 'bare answer in the first sentence' }],
    ['\\boxed{14}', { state: 'answer', value: 14, rule: 'bare answer in the first sentence' }],
    // more than two words, a capital or a word before it: not a bare answer
    ['42 km per hour', { state: 'answer', value: 42, rule: 'the last statement' }],
    ['42 Apples', { state: 'answer', value: 42, rule: 'the last statement' }],
    ['x 42', { state: 'answer', value: 42, rule: 'the last statement' }],
    ['It is not 12, it is 14.', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['Not 12; 14.', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['12? No. 14.', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['not only 12', { state: 'answer', value: 12, rule: 'the last statement' }],
    ['Not 12 or 14.', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['Probably 14, not 12.', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['It is 12. The value 12 is wrong though; 14', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['The value 12 is just a guess, 14', { state: 'answer', value: 14, rule: 'the last statement' }],
    ['A\n12 is wrong.\n14', { state: 'answer', value: 14, rule: 'the last statement' }],
    ["I'm not sure, but it might be 14 rather than 12.", { state: 'answer', value: 14, rule: 'the last statement, after "but"' }],
    ['12 or 14', { state: 'ambiguous', values: [12, 14], rule: 'the last statement: alternatives "12 or 14"' }],
    ['It could be 12 or 14', { state: 'ambiguous', values: [12, 14], rule: 'the last statement: alternatives "12 or 14"' }],
    ['It is 14; 12 might also work.', { state: 'list', values: [14, 12], rule: 'the last statement: a list "14; 12"' }],
  ];
  test.each(numbers)('%j', (output, want) => check(extractAnswer(output, num), want));

  const letters: [string, Want][] = [
    ['B', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['(B)', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['**B**', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['"B" - the second tree.', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B — it spawns PowerShell.', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B, obviously.', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B is riskier', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B clearly.', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B\nbecause it spawns PowerShell', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B) winword.exe spawns powershell', { state: 'answer', value: 'B', rule: 'bare answer in the first sentence' }],
    ['B because it is encoded.', { state: 'answer', value: 'B', rule: 'the last statement' }],
    ['Tree B. It spawns PowerShell.', { state: 'answer', value: 'B', rule: 'the last statement' }],
    ["I'd go with B.", { state: 'answer', value: 'B', rule: 'marker "I\'d go with"' }],
    ["I'd go with B or C.", { state: 'ambiguous', values: ['B', 'C'], rule: 'marker "I\'d go with": alternatives "B or C"' }],
    ['The answer is B, not C.', { state: 'answer', value: 'B', rule: 'marker "The answer is"' }],
    ['The answer is B. C is wrong.', { state: 'answer', value: 'B', rule: 'marker "The answer is"' }],
    ['Between A and B, B is riskier.', { state: 'answer', value: 'B', rule: 'the last statement, its last clause' }],
    ['Either A or B, probably B.', { state: 'ambiguous', values: ['B', 'A'], rule: 'hedged: " probably B."' }],
  ];
  test.each(letters)('%j', (output, want) => check(extractAnswer(output, choice), want));
});

describe('a list is not its last item (bug: "A, B, C and D" was graded as D)', () => {
  // Every option named at once is a shotgun answer: before the fix the last statement's last clause took the last one.
  const cases: [string, (number | string)[], string][] = [
    ['A, B, C and D.', ['A', 'B', 'C', 'D'], 'the last statement: a list "A, B"'],
    ['It could be A, B, C and D.', ['A', 'B', 'C', 'D'], 'the last statement: a list "A, B"'],
    ['The options are A, B and D.', ['A', 'B', 'D'], 'the last statement: a list "A, B"'],
    ['A and B', ['A', 'B'], 'the last statement: a list "A and B"'],
  ];
  test.each(cases)('%j', (output, values, rule) => check(extractAnswer(output, choice), { state: 'list', values, rule }));
  test('numbers and labels alike', () => {
    check(extractAnswer('The candidates are 12, 14 and 16.', num), { state: 'list', values: [12, 14, 16], rule: 'the last statement: a list "12, 14"' });
    check(extractAnswer('I computed 12 and 14 and 16.', num), { state: 'list', values: [12, 14, 16], rule: 'the last statement: a list "12 and 14"' });
    check(extractAnswer('It is benign and suspicious.', label), { state: 'list', values: ['benign', 'suspicious'], rule: 'the last statement: a list "benign and suspicious"' });
  });
  test('a list of the inputs followed by the answer still answers', () => {
    check(extractAnswer('With 78 and 85 she needs 92.', num), { state: 'answer', value: 92, rule: 'the last statement, its last clause, the number after "needs"' });
    check(extractAnswer('12, 14 and 16 are all wrong; 18', num), { state: 'answer', value: 18, rule: 'the last statement, its last clause' });
  });
});

describe('hedges, refusals and no answer', () => {
  const cases: [string, Want][] = [
    ['About 12 or 14, probably 14.', { state: 'ambiguous', values: [14, 12], rule: 'hedged: " probably 14."' }],
    ['It is 14 or 12, probably 14.', { state: 'ambiguous', values: [14, 12], rule: 'hedged: " probably 14."' }],
    ['', { state: 'none', rule: 'empty output' }],
    ['<think>12', { state: 'none', rule: 'reasoning block never closed: no answer after it' }],
    ['I cannot determine that.', { state: 'none', rule: 'refusal' }],
    ['I have no idea.', { state: 'none', rule: 'refusal' }],
    ['I cannot determine this; perhaps 14.', { state: 'none', rule: 'refusal (no marked answer)' }],
    ['As an AI I think 14.', { state: 'none', rule: 'refusal (no marked answer)' }],
    ['12 can be ruled out.', { state: 'none', rule: 'no answer found; mentions negated or dismissed: 12' }],
    ['not 12', { state: 'none', rule: 'no answer found; mentions negated or dismissed: 12' }],
    ['No number here.', { state: 'none', rule: 'no answer found' }],
  ];
  test.each(cases)('%j', (output, want) => check(extractAnswer(output, num), want));

  test('a negation reaches across "or", and the label after it stands', () => {
    check(extractAnswer('This one is not suspicious or malicious in any way; benign.', label), { state: 'answer', value: 'benign', rule: 'the last statement' });
  });
});

describe('what is removed before reading, and how an extraction is shown', () => {
  test('a reasoning block is removed and named in the rule', () => {
    check(extractAnswer('<think>it is 40</think>\n\nNote: this is rough.\n\nThe answer is 36.', num), { state: 'answer', value: 36, rule: 'marker "The answer is" (after removing <think> block)' });
    check(extractAnswer('<think>x</think>\n## Notes\nscratch 99\n## Answer\n14', num), { state: 'answer', value: 14, rule: 'marker "Answer" (after removing <think> block)' });
  });
  test('prepareOutput: normalised, reasoning removed, markdown dropped', () => {
    expect(prepareOutput('<think>no</think>**４２**')).toEqual({ text: '42', notes: ['<think> block'], unclosed: false });
    expect(prepareOutput('<think>never closed')).toEqual({ text: '', notes: ['unclosed <think> block'], unclosed: true });
    expect(prepareOutput('plain')).toEqual({ text: 'plain', notes: [], unclosed: false });
    // a pleasantry one before the last sentence goes too; a long verification is named by its first 40 characters
    expect(prepareOutput('42. I hope this helps! Bye now.')).toEqual({ text: '42.  Bye now.', notes: ['pleasantry "I hope this helps!"'], unclosed: false });
    expect(prepareOutput('42. To verify, multiply six by seven and compare both of the results.')).toEqual({ text: '42.', notes: ['verification "To verify, multiply six by seven and com"'], unclosed: false });
    // an indented check section is named without its indentation
    expect(prepareOutput('42\n   Check: 6 × 7 = 42   ')).toEqual({ text: '42', notes: ['section "Check: 6 × 7 = 42"'], unclosed: false });
  });
  test('showExtraction: the value, nothing, or every value joined', () => {
    const show = (v: number) => `#${v}`;
    expect(showExtraction({ state: 'answer', value: 1, rule: '', text: '' }, show)).toBe('#1');
    expect(showExtraction({ state: 'none', rule: '', text: '' }, show)).toBeNull();
    expect(showExtraction({ state: 'list', values: [1, 2], rule: '', text: '' }, show)).toBe('#1 | #2');
    expect(showExtraction({ state: 'ambiguous', values: [3, 4], rule: '', text: '' }, show)).toBe('#3 | #4');
  });
});

describe('a negation reaches to the start of its clause only', () => {
  test('a line break or a full stop ends the negated clause', () => {
    check(extractAnswer('That is not\n14', num), { state: 'answer', value: 14, rule: 'the last statement' });
    check(extractAnswer('Not B\nA', choice), { state: 'answer', value: 'A', rule: 'the last statement' });
    check(extractAnswer('Not B. A', choice), { state: 'answer', value: 'A', rule: 'the last statement' });
    // "not negative, or" would negate across "or"; the comma ends the negated clause first
    check(extractAnswer('The count is not negative, or 14.', num), { state: 'answer', value: 14, rule: 'the last statement' });
  });
});

describe('open answers: only the final statement is read', () => {
  test('a final statement without the answer is no answer, or a refusal when it refuses', () => {
    const paris = exactFinder('Paris', [], ['Lyon']);
    check(extractAnswer('Paris is lovely in spring. I like it.', paris), { state: 'none', rule: 'no answer found in the final statement' });
    check(extractAnswer('I like Paris in spring. I cannot answer that.', paris), { state: 'none', rule: 'refusal' });
    check(extractAnswer('I like it. Paris is lovely', paris), { state: 'answer', value: 'paris', rule: 'the last statement' });
    check(extractAnswer('Lyon, I think. Not Paris', paris), { state: 'answer', value: 'lyon', rule: 'bare answer in the first sentence' });
  });
});
