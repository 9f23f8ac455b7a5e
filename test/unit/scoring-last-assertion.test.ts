// The last-statement rule (harness/scoring/last-assertion.ts) by hand: which sentence answers the question (its words
// say so), which clause of it decides, and when nothing does. Each output is read as a careful person would; the rule
// named must be the one that should decide. Written against its mutants.
import { describe, expect, test } from 'vitest';
import { extractAnswer, type Extraction } from '../../harness/scoring/extract.ts';
import { choiceFinder, exactFinder } from '../../harness/scoring/finders.ts';
import { byLastAssertion } from '../../harness/scoring/last-assertion.ts';
import { findNumbers, numberFinder } from '../../harness/scoring/numbers.ts';
import { Reader } from '../../harness/scoring/reader.ts';
import { sentenceSpans } from '../../harness/scoring/sentences.ts';

const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const choice = choiceFinder(['A', 'B', 'C', 'D']);
const brief = <T>(e: Extraction<T>) => (e.state === 'answer' ? { value: e.value, rule: e.rule } : { state: e.state, rule: e.rule });

const RISKIER = 'Tree A opens notepad.exe. Tree B spawns powershell with an encoded command.\nWhich tree is riskier?';

describe('the sentence answering the question', () => {
  test('the sentence that repeats the question\'s words decides, not the last one', () => {
    const out = 'Tree B is riskier. Tree A only opens a text file in notepad.';
    expect(brief(extractAnswer(out, choice, { prompt: RISKIER }))).toEqual({ value: 'B', rule: 'the sentence answering the question' });
    // without the question, the last statement decides
    expect(brief(extractAnswer(out, choice))).toEqual({ value: 'A', rule: 'the last statement' });
    expect(brief(extractAnswer(out, choice, { prompt: '' }))).toEqual({ value: 'A', rule: 'the last statement' });
  });
  test('plurals count as mentions ("trees"), words inside other words do not', () => {
    const q = 'Which tree is safer?';
    expect(brief(extractAnswer('Of the trees, A is safer here. B spawns a shell.', choice, { prompt: q }))).toEqual({ value: 'A', rule: 'the sentence answering the question' });
    // "saferish" is not "safer"; "subtree" is not "tree": both sentences score 0, the last one decides
    expect(brief(extractAnswer('A acts as a subtree, saferish. B spawns a shell.', choice, { prompt: q }))).toEqual({ value: 'B', rule: 'the last statement' });
  });
  test('a tie goes to the later sentence; the rule says "the last statement" when the last one wins', () => {
    const q = 'Which tree is riskier?';
    expect(brief(extractAnswer('Tree A is riskier to some. Tree B is riskier to me.', choice, { prompt: q }))).toEqual({ value: 'B', rule: 'the last statement' });
  });
  test('the question is the last line with "?", its last sentence, from the question word on', () => {
    // "speed" comes before "how": not a focus word, so the speed sentence does not win
    const q = 'A train runs 60 km in an hour.\nTravelling at the same speed, how many kilometres does it cover in 3 hours?';
    const f = numberFinder(same, q);
    expect(brief(extractAnswer('It covers 180 kilometres then. The same speed gives 60 each hour.', f, { prompt: q }))).toEqual({
      value: 180,
      rule: 'the sentence answering the question',
    });
    // an earlier question line does not count, nor an earlier sentence of the same line
    const two = 'Is it fast? Really?\nThe train is fast. Which tree is riskier?';
    expect(brief(extractAnswer('Tree B is riskier. It is fast, A.', choice, { prompt: two }))).toEqual({ value: 'B', rule: 'the sentence answering the question' });
  });
  test('a yes/no question is read from its verb on', () => {
    const q = 'Logs attached. Should process C be flagged?';
    expect(brief(extractAnswer('Process C should be flagged now. B is noise.', choice, { prompt: q }))).toEqual({ value: 'C', rule: 'the sentence answering the question' });
  });
  test('stop words and short words are not focus words', () => {
    // "which", "one", "the", "answer" are stop words and "is" is too short: no focus word, the last statement decides
    const q = 'Which one is the answer?';
    expect(brief(extractAnswer('Then the answer came from A. B.', choice, { prompt: q }))).toEqual({ value: 'B', rule: 'the last statement' });
  });
});

describe('open answers: only the last sentence is read', () => {
  test('an exact reference in an earlier sentence does not count', () => {
    const paris = exactFinder('Paris', [], ['Lyon']);
    expect(brief(extractAnswer('I think Paris is lovely. Lyon is nicer though', paris))).toEqual({ value: 'lyon', rule: 'the last statement' });
    expect(brief(extractAnswer('I think Lyon is nice. Still, it is fine', paris))).toEqual({ state: 'none', rule: 'no answer found in the final statement' });
  });
});

describe('clauses of the deciding sentence', () => {
  const num = numberFinder(same);
  test('after "so", "therefore", "which is", "that is", "i.e." the conclusion clause decides', () => {
    // the rule names the word, not the comma before it
    expect(brief(extractAnswer('We add 5 and 7, which is 12', num))).toEqual({ value: 12, rule: 'the last statement, after "which"' });
    expect(brief(extractAnswer('We add 5 and 7; that is 12', num))).toEqual({ value: 12, rule: 'the last statement, after "that"' });
    // "i.e." is followed by a space, not a word character: it still concludes
    expect(brief(extractAnswer('We add 5 and 7, i.e. 12', num))).toEqual({ value: 12, rule: 'the last statement, after "i.e."' });
    expect(brief(extractAnswer('We add 5 and 7, whichever is 12', num))).toEqual({ value: 12, rule: 'the last statement, its last clause' });
  });
  test('after "but" the but-clause decides', () => {
    expect(brief(extractAnswer('Some say 12 but it is 14', num))).toEqual({ value: 14, rule: 'the last statement, after "but"' });
  });
  test('a subordinate clause or an em-dash aside explains; the main clause answers', () => {
    expect(brief(extractAnswer('It is 14 because 12 was too few', num))).toEqual({ value: 14, rule: 'the last statement' });
    expect(brief(extractAnswer('Since 12 was wrong, we take 14', num))).toEqual({ value: 14, rule: 'the last statement' });
    expect(brief(extractAnswer('It is 14 — the 12 was a typo', num))).toEqual({ value: 14, rule: 'the last statement' });
  });
  test('a spaced en dash before a number is a minus, not an aside', () => {
    expect(brief(extractAnswer('Change is $20 – $16.20 = $3.80', num))).toEqual({ value: 3.8, rule: 'the last statement, the result after "="' });
  });
  test('a hypothetical gives way to a plain statement', () => {
    const C = choiceFinder(['A', 'B', 'C', 'D']);
    expect(brief(extractAnswer('Rule A would deny it, and rule B allows it', C))).toEqual({ value: 'B', rule: 'the last statement, its last clause' });
    expect(brief(extractAnswer('Rule B allows it, and rule A would deny it', C))).toEqual({ value: 'B', rule: 'the last statement, its last clause' });
  });
  test('", 64.8" alone continues a list, it is no clause of its own', () => {
    expect(brief(extractAnswer('The readings were 60, 64.8', num))).toEqual({ state: 'list', rule: 'the last statement: a list "60, 64.8"' });
  });
  test('across several clauses "=" says nothing: the clause with the question\'s words decides', () => {
    const out = 'Maria = 36 years, son = 12 years';
    expect(brief(extractAnswer(out, num, { prompt: 'How old is Maria?' }))).toEqual({ value: 36, rule: 'the last statement, its last clause' });
    expect(brief(extractAnswer(out, num, { prompt: 'How old is her son?' }))).toEqual({ value: 12, rule: 'the last statement, its last clause' });
  });
});

// Written against the survivors of a Stryker run (mut4): each case names the reading a careless rule would get wrong.
describe('the question line, read as a careful person would', () => {
  const C = choiceFinder(['A', 'B', 'C', 'D']);
  test('a prompt with no question mark has no focus words: the last statement decides', () => {
    expect(brief(extractAnswer('The shell here comes from A. Then B spawns it.', C, { prompt: 'Pick a tree.' }))).toEqual({ value: 'B', rule: 'the last statement' });
  });
  test('words after the question mark are not part of the question', () => {
    // "Explain briefly." is an instruction: its words must not make the explanation sentence tie with the answer
    const q = 'Which tree is riskier? Explain briefly.';
    expect(brief(extractAnswer('Tree B is riskier. I explain briefly: A opens notepad.', C, { prompt: q }))).toEqual({ value: 'B', rule: 'the sentence answering the question' });
  });
  test('only the last sentence of the question line counts, even when an earlier one has a question word', () => {
    // "knows" sits in "Who knows.", not in the question: "Everyone knows tree B" must not tie with "Tree C is risky"
    const q = 'Who knows. Is tree C risky?';
    expect(brief(extractAnswer('Tree C is risky. Everyone knows tree B well.', C, { prompt: q }))).toEqual({ value: 'C', rule: 'the sentence answering the question' });
  });
  test('a question word is found before a yes/no verb: "which tree is riskier" keeps "tree"', () => {
    const q = 'Which tree is riskier?';
    expect(brief(extractAnswer('Tree B is riskier. A is riskier too.', C, { prompt: q }))).toEqual({ value: 'B', rule: 'the sentence answering the question' });
  });
  test('the answering sentence in the middle is named as such', () => {
    expect(brief(extractAnswer('Notepad is opened by A. Tree B is riskier. Then D runs.', C, { prompt: RISKIER }))).toEqual({
      value: 'B',
      rule: 'the sentence answering the question',
    });
  });
  test('open answers read the last sentence even when an earlier one repeats the question', () => {
    const paris = exactFinder('Paris', [], ['Lyon']);
    const out = 'The capital of France is Paris. Lyon is nicer though.';
    expect(brief(extractAnswer(out, paris, { prompt: 'What is the capital of France?' }))).toEqual({ value: 'lyon', rule: 'the last statement' });
  });
});

describe('clauses, against their mutants', () => {
  const num = numberFinder(same);
  test('a spaced en dash before a word opens an aside; before a bare number it is a minus', () => {
    expect(brief(extractAnswer('It is 14 – the 12 was a typo', num))).toEqual({ value: 14, rule: 'the last statement' });
    expect(brief(extractAnswer('She pays 20 – 16.20 = 3.80 back', num))).toEqual({ value: 3.8, rule: 'the last statement' });
  });
  test('", 64.8" merges only when it is the number alone (a full stop may end it)', () => {
    // merged: one clause "near 60 apples, 64.8" with two numbers and no verb: ambiguous, not the last number
    expect(brief(extractAnswer('Readings near 60 apples, 64.8', num))).toEqual({ state: 'ambiguous', rule: 'the last statement: several answers' });
    expect(brief(extractAnswer('Readings near 60 apples, 64.8.', num))).toEqual({ state: 'ambiguous', rule: 'the last statement: several answers' });
    // ", 64.8 pears" says something of its own: a clause, and the last one decides
    expect(brief(extractAnswer('Readings near 60 apples, 64.8 pears', num))).toEqual({ value: 64.8, rule: 'the last statement, its last clause' });
  });
  test('", 64.8" merges into the clause right before it, not into an earlier one', () => {
    expect(brief(extractAnswer('Near 40 pears; near 50 apples; near 60 apples, 64.8', num))).toEqual({
      state: 'ambiguous',
      rule: 'the last statement, its last clause: several answers',
    });
  });
  test('of two conclusion clauses the last decides', () => {
    expect(brief(extractAnswer('Near 5 apples, which is 10, which is 12', num))).toEqual({ value: 12, rule: 'the last statement, after "which"' });
  });
  test('a subordinate clause at the start of the sentence explains, the main clause answers', () => {
    expect(brief(extractAnswer('Because 12 was too few, it is 14', num))).toEqual({ value: 14, rule: 'the last statement' });
  });
  test('"but" glued to a comma opens no but-clause', () => {
    expect(brief(extractAnswer('Near 12 apples; 14 pears,but why', num))).toEqual({ value: 14, rule: 'the last statement, its last clause' });
  });
  test('in a conclusion clause the first number is not the answer for being first', () => {
    expect(brief(extractAnswer('Near 5 apples, which is 10 then 12', num))).toEqual({ value: 10, rule: 'the last statement, after "which", the number after "is"' });
  });
  test('when every clause explains, the whole sentence is read and the first number does not win', () => {
    expect(brief(extractAnswer('Because 12 was few — 14 more', num))).toEqual({ state: 'ambiguous', rule: 'the last statement: several answers' });
  });
});

// Written against the survivors of the mut5 Stryker run: each case is a reading a careless rule would get wrong.
describe('clauses, against the mut5 survivors', () => {
  const num = numberFinder(same);
  test('nothing to assert: no sentence holds a candidate, no answer (and no crash)', () => {
    const text = 'No numbers here. None at all.';
    expect(byLastAssertion(new Reader(text, num, findNumbers(text)), sentenceSpans(text), {})).toBeNull();
  });
  test('a spaced en dash before a number is a minus however many spaces, with or without a currency sign', () => {
    // "20 –  16.20" with two spaces is no range, so all three numbers are read: the result after "=" decides
    expect(brief(extractAnswer('She pays 20 –  16.20 = 3.80 back', num))).toEqual({ value: 3.8, rule: 'the last statement, the result after "="' });
    expect(brief(extractAnswer('She pays 20  – 16.20 = 3.80 back', num))).toEqual({ value: 3.8, rule: 'the last statement, the result after "="' });
  });
  test('", 64.8" at the very start of a sentence is the sentence, not a continuation of nothing', () => {
    expect(brief(extractAnswer(', 64.8', num))).toEqual({ value: 64.8, rule: 'the last statement' });
  });
  test('", 64.8" merges with a space before the full stop, or two spaces after the comma', () => {
    // merged, the clause holds 60 and 64.8 with no verb: ambiguous; split, the last clause would wrongly give 64.8
    expect(brief(extractAnswer('Readings near 60 apples, 64.8 .', num))).toEqual({ state: 'ambiguous', rule: 'the last statement: several answers' });
    expect(brief(extractAnswer('Readings near 60 apples,  64.8', num))).toEqual({ state: 'ambiguous', rule: 'the last statement: several answers' });
  });
  test('a subordinate clause behind stray punctuation (", ;because") still explains', () => {
    expect(brief(extractAnswer('It is 14, ;because 12 was few', num))).toEqual({ value: 14, rule: 'the last statement' });
  });
  test('a dash glued to a number ("14— no doubt") opens no aside: the clause still counts', () => {
    expect(brief(extractAnswer('Near 12 apples, 14— no doubt', num))).toEqual({ value: 14, rule: 'the last statement, its last clause' });
  });
  test('of two but-clauses the last decides; a sentence may open with "But"', () => {
    expect(brief(extractAnswer('Near 12 apples but 13 pears but it is 14', num))).toEqual({ value: 14, rule: 'the last statement, after "but"' });
    expect(brief(extractAnswer('But it is 14', num))).toEqual({ value: 14, rule: 'the last statement, after "But"' });
  });
});
