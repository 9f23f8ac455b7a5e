// The shared extractor (harness/scoring/extract.ts), more cases by hand: the rule that decides must be the one that
// should (a right value reached by the wrong rule is luck). Written against surviving mutants of extract.ts.
import { describe, expect, test } from 'vitest';
import { extractAnswer, type Extraction } from '../../harness/scoring/extract.ts';
import { choiceFinder } from '../../harness/scoring/finders.ts';
import { numberFinder } from '../../harness/scoring/numbers.ts';

const num = numberFinder((a, b) => Math.abs(a - b) < 1e-9);
const choice = choiceFinder(['A', 'B', 'C', 'D']);
const brief = <T>(e: Extraction<T>) => (e.state === 'answer' ? { value: e.value, rule: e.rule } : { state: e.state, rule: e.rule });
const n = (out: string) => brief(extractAnswer(out, num));
const c = (out: string) => brief(extractAnswer(out, choice));

describe('nothing to read', () => {
  test('each reason, word for word', () => {
    expect(n('')).toEqual({ state: 'none', rule: 'empty output' });
    expect(n('<think>still 14')).toEqual({ state: 'none', rule: 'reasoning block never closed: no answer after it' });
    expect(n("I can't help with that.")).toEqual({ state: 'none', rule: 'refusal' });
    expect(n('Not 12, never 14, not 12.')).toEqual({ state: 'none', rule: 'no answer found; mentions negated or dismissed: 12, 14' });
    expect(n('No numbers here.')).toEqual({ state: 'none', rule: 'no answer found' });
  });
  test('a none carries no text', () => {
    for (const out of ['', '<think>x', "I can't help with that.", 'Not 12.', "B. I'm sorry, I can't help further.", 'I think Lyon. Fine'])
      expect(extractAnswer(out, out.startsWith('B') ? (choice as never) : num).text, out).toBe('');
    expect(extractAnswer('Answer: nothing. Hmm', num)).toEqual({ state: 'none', rule: 'no answer found', text: '' });
  });
  test('an answer with a refusal and no marker is a refusal; alternatives stay alternatives', () => {
    expect(c("B. I'm sorry, I can't help further.")).toEqual({ state: 'none', rule: 'refusal (no marked answer)' });
    expect(n("12 or 14. I don't know.")).toEqual({ state: 'ambiguous', rule: 'the last statement: alternatives "12 or 14"' });
  });
});

describe('what was removed is named after an answer, not after none', () => {
  test('notes joined in order', () => {
    expect(n('<think>x</think>The answer is 42. Hope this helps!')).toEqual({
      value: 42,
      rule: 'marker "The answer is" (after removing <think> block, pleasantry "Hope this helps!")',
    });
    expect(n('<think>x</think>I like cheese. Hope this helps!')).toEqual({ state: 'none', rule: 'no answer found' });
    // a none reached after reading (a refusal without a marker) is not annotated either
    expect(c("<think>x</think>B. I'm sorry, I can't help further.")).toEqual({ state: 'none', rule: 'refusal (no marked answer)' });
  });
});

describe('markers', () => {
  test('the label is the marker trimmed, its inner space collapsed', () => {
    expect(n('The  answer   is 42')).toEqual({ value: 42, rule: 'marker "The answer is"' });
  });
  test('after a marker the first candidate wins', () => {
    expect(n('The answer is 14 then 12 more')).toEqual({ value: 14, rule: 'marker "The answer is", first after it' });
  });
  test('the latest marker or affirmation wins, by position', () => {
    expect(c('B is correct, I thought. The final answer is C.')).toEqual({ value: 'C', rule: 'marker "The final answer is"' });
    expect(c('The final answer is C, I thought. B is correct.')).toEqual({ value: 'B', rule: 'affirmed: "B is …"' });
  });
  test('a marker with nothing after it gives way to an earlier one', () => {
    expect(n('The answer is 14. Final answer:')).toEqual({ value: 14, rule: 'marker "The answer is"' });
  });
  test('the affirmed candidate is the one before "is correct", not the first', () => {
    expect(n('12 was close but 14 is correct.')).toEqual({ value: 14, rule: 'affirmed: "14 is …"' });
  });
  test('a marker reaches past its own empty sentence to the next one only', () => {
    expect(n('Answer:\nsee below.\n14')).toEqual({ value: 14, rule: 'the last statement' });
  });
  test('\\boxed{ reads to its closing brace', () => {
    expect(n('The final answer is \\boxed{14 \\text{ apples}} and 12')).toEqual({ value: 14, rule: 'marker "\\boxed{"' });
  });
});

describe('corrections', () => {
  test('a correction at the very start of a conclusion still owns it', () => {
    expect(n('The answer is 10. Wait,so 14')).toEqual({ value: 14, rule: 'after correction "Wait,": conclusion "so"' });
  });
  test('after a correction the latest marker wins, then the latest conclusion', () => {
    expect(n('The answer is 10. Wait, the answer is 12. The final answer is 14.')).toEqual({ value: 14, rule: 'after correction "Wait,": marker "The final answer is"' });
    expect(n('The answer is 10. Wait, so 12 apples, thus 14.')).toEqual({ value: 14, rule: 'after correction "Wait,": conclusion "thus"' });
  });
  test('a marker after the correction with nothing after it: what the correction asserts', () => {
    expect(n('It is 12. Wait, it is 14. The answer is')).toEqual({ value: 14, rule: 'correction "Wait,"' });
  });
  test('the latest correction asserts nothing: an earlier one is read', () => {
    expect(n('The answer is 10. Wait, it is 14. Actually, hmm.')).toEqual({ value: 14, rule: 'correction "Wait,"' });
  });
});

describe('what a conclusion or correction asserts', () => {
  test('"it is", "that\'s", "option", "letter" before the candidate, even with extra spaces', () => {
    expect(c('We compared them. So it is  option  B.')).toEqual({ value: 'B', rule: 'conclusion "So"' });
    expect(c("We compared them. So that's  letter  C.")).toEqual({ value: 'C', rule: 'conclusion "So"' });
    expect(c('We compared them. So, option B.')).toEqual({ value: 'B', rule: 'conclusion "So,"' });
  });
  test('a stray character before the number, or "=" far from it, asserts nothing', () => {
    expect(n('We had 5. So it is ~14')).toEqual({ value: 14, rule: 'the last statement, after "So"' });
    expect(n('We had 5 apples. Therefore x = y for the 14 pears.')).toEqual({ value: 14, rule: 'the last statement, after "Therefore"' });
    expect(n('We had 5. So = ~14')).toEqual({ value: 14, rule: 'the last statement, after "So"' });
  });
  test('a bare first sentence comes before a later conclusion', () => {
    expect(n('36 years. So the son is 12.')).toEqual({ value: 36, rule: 'bare answer in the first sentence' });
  });
});

describe('the bare first sentence', () => {
  test('brackets and quotes before it, a unit or a dash after it', () => {
    expect(c('( B ) winword spawns it.')).toEqual({ value: 'B', rule: 'bare answer in the first sentence' });
    expect(n('42  years')).toEqual({ value: 42, rule: 'bare answer in the first sentence' });
  });
  test('letters glued to the number are not a bare answer', () => {
    expect(n('42km')).toEqual({ value: 42, rule: 'the last statement' });
    expect(n('42kg.')).toEqual({ value: 42, rule: 'the last statement' });
  });
});

describe('hedges: the clause that holds the answer', () => {
  test('a hedge word in the answer\'s own clause, in a later sentence', () => {
    expect(c('Tree A is plain. Probably B, but who knows.')).toEqual({ state: 'ambiguous', rule: 'hedged: "Probably B"' });
  });
  test('the clause is cut at sixty characters in the rule', () => {
    const clause = 'Probably B given all of the very long and winding evidence we have seen here today';
    expect(c(`Tree A is plain. ${clause}.`)).toEqual({ state: 'ambiguous', rule: `hedged: "${clause.slice(0, 60)}"` });
  });
  test('a negated mention right before a line break stays negated', () => {
    expect(c('It is not B\nMaybe C')).toEqual({ value: 'C', rule: 'the last statement' });
  });
});
