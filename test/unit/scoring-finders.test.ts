// Candidate finders by hand (harness/scoring/finders.ts): option letters (and the article "A"), labels with synonyms
// and negated forms, IDs, the reference with its accepted forms and distractors. Adversarial: letters that are not
// options, labels inside other words, a negated label that means the other one. Written against its mutants.
import { describe, expect, test } from 'vitest';
import { extractAnswer } from '../../harness/scoring/extract.ts';
import { choiceFinder, exactFinder, idFinder, labelFinder, promptOptions } from '../../harness/scoring/finders.ts';

const found = (f: { find(t: string): { value: string; index: number; text: string }[] }, text: string) => f.find(text).map((c) => c.value);
const at = (f: { find(t: string): { value: string; index: number; end: number; text: string }[] }, text: string) => f.find(text).map((c) => [c.value, c.index, c.end, c.text]);

describe('choiceFinder: letters', () => {
  const choice = choiceFinder(['A', 'B', 'C', 'D']);
  test('shape', () => {
    expect(choice.closed).toBe(true);
    expect(choice.same('A', 'A')).toBe(true);
    expect(choice.same('A', 'B')).toBe(false);
    expect(choice.show('C')).toBe('C');
  });
  test('upper-case option letters with their place', () => {
    expect(at(choice, 'B, then C')).toEqual([
      ['B', 0, 1, 'B'],
      ['C', 8, 9, 'C'],
    ]);
  });
  test('letters that are not options, or part of something else', () => {
    expect(found(choice, 'E and F')).toEqual([]);
    expect(found(choice, 'C:\\ and C:/')).toEqual([]);
    expect(found(choice, 'B-grade, B.Sc, B’s, B\'s, D_x, xB, B2, 2B, .B, /B, \\B, @B, -B')).toEqual([]);
    expect(found(choice, 'vitamin B.')).toEqual(['B']);
  });
  test('a lower-case letter counts only where nothing else could be meant', () => {
    expect(found(choice, 'The answer is b.')).toEqual(['B']);
    expect(found(choice, 'answer: b')).toEqual(['B']);
    expect(found(choice, 'Option (c)')).toEqual(['C']);
    expect(found(choice, 'pick d!')).toEqual(['D']);
    expect(found(choice, 'b')).toEqual(['B']);
    expect(found(choice, '  (b)\nbecause')).toEqual(['B']);
    expect(found(choice, 'b) winword')).toEqual(['B']);
    expect(found(choice, 'b. winword')).toEqual(['B']);
    // an article, a word after an explicit cue, a letter inside a sentence
    expect(found(choice, 'a cat sat')).toEqual([]);
    expect(found(choice, 'option b is right')).toEqual([]);
    expect(found(choice, 'it is c or d')).toEqual([]);
    expect(found(choice, 'b.winword')).toEqual([]);
    expect(found(choice, 'x b')).toEqual([]);
    expect(found(choice, 'b)winword')).toEqual([]);
  });
  test('"A" followed by a noun is the article; by a verb or connective it is option A', () => {
    expect(found(choice, 'A process spawned it')).toEqual([]);
    expect(found(choice, 'A class of tools')).toEqual([]);
    expect(found(choice, 'A scheduled task ran')).toEqual([]);
    expect(found(choice, 'A bus')).toEqual([]);
    expect(found(choice, 'A series of events')).toEqual([]);
    expect(found(choice, 'A is correct')).toEqual(['A']);
    expect(found(choice, 'A spawns cmd.exe')).toEqual(['A']);
    expect(found(choice, 'A spawned cmd.exe')).toEqual(['A']);
    expect(found(choice, 'A launched the script')).toEqual(['A']);
    expect(found(choice, 'A launched Word')).toEqual(['A']);
    expect(found(choice, 'A launched')).toEqual([]);
    expect(found(choice, 'A or B')).toEqual(['A', 'B']);
    expect(found(choice, 'A B')).toEqual(['A', 'B']);
    expect(found(choice, 'A) text')).toEqual(['A']);
    expect(found(choice, 'A: text')).toEqual(['A']);
    expect(found(choice, 'A. text')).toEqual(['A']);
    expect(found(choice, 'Answer: A process')).toEqual(['A']);
    expect(found(choice, 'It is A')).toEqual(['A']);
    expect(found(choice, 'A, clearly')).toEqual(['A']);
    expect(found(choice, 'A wins')).toEqual(['A']);
    expect(found(choice, 'A has')).toEqual(['A']);
  });
  test('"I" is treated like "A" where it is an option', () => {
    const nine = choiceFinder(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']);
    expect(found(nine, 'I think so')).toEqual([]);
    expect(found(nine, 'I is correct')).toEqual(['I']);
    expect(found(nine, 'H or I')).toEqual(['H', 'I']);
  });
});

describe('choiceFinder: the options\' own text when no letter is named', () => {
  const prompt = 'Which is riskier?\nA) winword.exe spawning powershell\nB) notepad.exe\n(C) The svchost process.\nE) ignored option\nD: ab';
  test('promptOptions reads "A) text", "(C) text" and "D: text" lines', () => {
    expect(promptOptions(prompt)).toEqual([
      { letter: 'A', text: 'winword.exe spawning powershell' },
      { letter: 'B', text: 'notepad.exe' },
      { letter: 'C', text: 'The svchost process.' },
      { letter: 'E', text: 'ignored option' },
      { letter: 'D', text: 'ab' },
    ]);
    expect(promptOptions(undefined)).toEqual([]);
    expect(promptOptions('a) lower\nAB) two\nA)nospace')).toEqual([]);
  });
  const choice = choiceFinder(['A', 'B', 'C', 'D'], prompt);
  test('an option\'s text stands for its letter; the article and final stop are dropped; short texts and other letters do not count', () => {
    expect(at(choice, 'It is notepad.exe for sure')).toEqual([['B', 6, 17, 'notepad.exe']]);
    expect(found(choice, 'the svchost process')).toEqual(['C']);
    expect(found(choice, 'ignored option')).toEqual([]);
    expect(found(choice, 'ab')).toEqual([]);
    // a named letter wins over the texts
    expect(found(choice, 'B, not notepad.exe')).toEqual(['B']);
  });
});

describe('labelFinder', () => {
  const label = labelFinder(['benign', 'suspicious'], { suspicious: ['malicious'] });
  test('shape', () => {
    expect(label.closed).toBe(true);
    expect(label.same('benign', 'benign')).toBe(true);
    expect(label.same('benign', 'suspicious')).toBe(false);
    expect(label.show('benign')).toBe('benign');
  });
  test('labels and synonyms with their place; not inside other words', () => {
    expect(at(label, 'Suspicious, even malicious.')).toEqual([
      ['suspicious', 0, 10, 'Suspicious'],
      ['suspicious', 17, 26, 'malicious'],
    ]);
    expect(found(label, 'benignly, suspiciousness, unbenign_x, _benign, benign2, 2benign')).toEqual([]);
  });
  test('a negated label stands for the other one', () => {
    expect(at(label, 'It is not suspicious.')).toEqual([['benign', 6, 20, 'not suspicious']]);
    expect(found(label, 'non-suspicious')).toEqual(['benign']);
    expect(found(label, 'nonsuspicious')).toEqual(['benign']);
    expect(found(label, 'not malicious')).toEqual(['benign']);
    expect(found(label, 'never really at all malicious')).toEqual(['benign']);
    expect(found(label, 'nothing malicious')).toEqual(['benign']);
    expect(found(label, 'no malicious')).toEqual(['benign']);
    expect(found(label, "isn't really suspicious")).toEqual(['benign']);
    expect(found(label, "isn't suspicious")).toEqual(['benign']);
    expect(found(label, 'not benign')).toEqual(['suspicious']);
    expect(found(label, 'un-benign')).toEqual(['suspicious']);
    expect(found(label, 'NOT BENIGN')).toEqual(['suspicious']);
  });
  test('a negation before "non-"/"un-" negates twice: the label itself', () => {
    expect(at(label, 'This is not non-suspicious.')).toEqual([['suspicious', 8, 26, 'not non-suspicious']]);
    expect(found(label, 'never really unbenign')).toEqual(['benign']);
    expect(found(label, 'NOT NON-MALICIOUS')).toEqual(['suspicious']);
    expect(found(label, "isn't non-suspicious")).toEqual(['suspicious']);
    expect(found(label, "isn't at all un-benign")).toEqual(['benign']);
    // one negation only: the other label, as before
    expect(found(label, 'non-suspicious, not malicious')).toEqual(['benign', 'benign']);
  });
  test('"not" too far away, or inside a word, does not negate', () => {
    expect(found(label, 'not really very much suspicious')).toEqual(['suspicious']);
    expect(found(label, 'cannot suspicious')).toEqual(['suspicious']);
    expect(found(label, 'knot suspicious')).toEqual(['suspicious']);
  });
  test('two overlapping negations count once (the label\'s, found first), and replace the bare mention', () => {
    const long = labelFinder(['benign', 'suspicious'], { suspicious: ['suspicious activity'] });
    expect(at(long, 'not suspicious activity')).toEqual([['benign', 0, 14, 'not suspicious']]);
  });
  test('with three labels there are no negated forms', () => {
    const three = labelFinder(['allow', 'deny', 'review']);
    expect(found(three, 'not allow, then deny')).toEqual(['allow', 'deny']);
  });
  test('labels that are ordinary words count only standing alone', () => {
    const yn = labelFinder(['yes', 'no']);
    expect(found(yn, 'No.')).toEqual(['no']);
    expect(found(yn, 'No, because it is late')).toEqual(['no']);
    expect(found(yn, 'Yes')).toEqual(['yes']);
    expect(found(yn, 'I would say yes')).toEqual(['yes']);
    expect(found(yn, 'The answer is no')).toEqual(['no']);
    expect(found(yn, 'The answer would be "yes"')).toEqual(['yes']);
    expect(found(yn, 'It said: no fee')).toEqual(['no']);
    expect(found(yn, 'yes it is')).toEqual(['yes']);
    expect(found(yn, 'yes passengers may')).toEqual(['yes']);
    expect(found(yn, 'There is no fee')).toEqual([]);
    // a hyphen into a word makes a compound: "Yes-men" is not yes, "no-fly" is not no; a hyphen before a space is a dash
    expect(found(yn, 'Yes-men everywhere. No.')).toEqual(['no']);
    expect(found(yn, 'The no-fly list, yes.')).toEqual(['yes']);
    expect(found(yn, 'Yes - it is')).toEqual(['yes']);
    expect(found(yn, 'No-')).toEqual(['no']);
    // "no" is not negated into "yes": function words have no negated form
    expect(found(yn, 'not yes.')).toEqual(['yes']);
    const tf = labelFinder(['true', 'false']);
    expect(found(tf, 'This is true of cats')).toEqual([]);
    expect(found(tf, 'True.')).toEqual(['true']);
  });
});

describe('idFinder', () => {
  test('every match, upper-cased, with its place; a "g" flag given or not', () => {
    const id = idFinder(String.raw`T\d{4}(?:\.\d{3})?`, 'i');
    expect(at(id, 'Use t1003.001, then T1059')).toEqual([
      ['T1003.001', 4, 13, 't1003.001'],
      ['T1059', 20, 25, 'T1059'],
    ]);
    expect(found(idFinder(String.raw`T\d{4}`, 'gi'), 't1003 t1004')).toEqual(['T1003', 'T1004']);
    expect(found(idFinder(String.raw`T\d{4}`, ''), 't1003 T1004')).toEqual(['T1004']);
    expect(idFinder('x', '').closed).toBe(true);
  });
});

describe('exactFinder', () => {
  const exact = exactFinder('Paris', ['City of Light', '  '], ['Lyon']);
  test('the reference and its accepted forms are one value; a distractor its own', () => {
    expect(at(exact, 'Not Lyon but the city-of\u00a0light, Paris.')).toEqual([
      ['lyon', 4, 8, 'Lyon'],
      ['paris', 17, 30, 'city-of\u00a0light'],
      ['paris', 32, 37, 'Paris'],
    ]);
    expect(exact.closed).toBe(false);
  });
  test('not inside other words; a longer phrase wins over a shorter one inside it', () => {
    expect(found(exact, 'Parisian, _Paris, Paris2, -Paris')).toEqual([]);
    const f = exactFinder('New York', [], ['York']);
    expect(found(f, 'New York, not York')).toEqual(['new york', 'york']);
  });
  test('an empty accepted form matches nothing', () => {
    expect(found(exactFinder('x', [''], []), 'a b')).toEqual([]);
  });
});

// Written against the survivors of a Stryker run (mut4); each reading checked by hand.
describe('choiceFinder: against the surviving mutants', () => {
  const choice = choiceFinder(['A', 'B', 'C', 'D']);
  test.each([
    // "A" before a verb is option A; before an adjective or a noun it is the article
    ['I think A opens the file', ['A']],
    ['A passes the check', ['A']],
    ['A best fits the log', ['A']],
    ['A stressful task ran', []],
    ['A breeder from Kent wins', []],
    ['A scheduled task ran', []],
    ['A scheduled task ran.', []],
    ['A scheduled anomaly appeared', []],
    ['A spawned cmd.exe', ['A']],
    ['A spawned  cmd.exe', ['A']],
    ['A  scheduled task', []],
    // a comma right after "A" makes it the option, whatever words follow
    ['A, scheduled task', ['A']],
    // other letters are not articles
    ['C caused trouble', ['C']],
    // "C:\", "well-known", "user's" later in the text do not cancel an earlier letter
    ['Answer: A, see C:\\temp', ['A']],
    ['A, a well-known pick', ['A']],
    ["B, not the user's pick", ['B']],
    // "answer" must come right before the letter to make it explicit; a bracket too
    ['My answer comes later. A scheduled task ran.', []],
    ['(see notes) A scheduled task ran', []],
    ['Answer:A scheduled task', ['A']],
    ['The answer is "A scheduled task".', ['A']],
    // a lower-case letter counts alone on its line (indented or not), or explicitly named
    ['Thinking done.\nb', ['B']],
    ['Thinking done.\n  b', ['B']],
    ['b)', ['B']],
    ['b)  first option', ['B']],
    ['=>b', []],
    ['b then x. y', []],
    ['The answer is "b".', ['B']],
    ['The answer is b .', ['B']],
  ])('%j', (text, want) => {
    expect(found(choice, text)).toEqual(want);
  });
  test('a letter in the answer wins over the options\' text', () => {
    expect(found(choiceFinder(['A', 'B'], 'Which?\nA) notepad opens\nB) powershell runs'), 'It is B.')).toEqual(['B']);
  });
  test('option text: a leading article and trailing dots go, an inner "the" and a three-letter text stay', () => {
    expect(found(choiceFinder(['A', 'B'], 'A) notepad and the shell\nB) powershell alone'), 'I pick notepad and the shell')).toEqual(['A']);
    expect(found(choiceFinder(['A', 'B'], 'A) a notepad window\nB) powershell alone'), 'the notepad window')).toEqual(['A']);
    expect(found(choiceFinder(['A', 'B'], 'A) it depends...\nB) never'), 'well, it depends')).toEqual(['A']);
    expect(found(choiceFinder(['A', 'B'], 'A) cat\nB) dog'), 'the cat')).toEqual(['A']);
  });
  test('promptOptions: none without a prompt; the text after any spaces', () => {
    expect(promptOptions(undefined)).toEqual([]);
    expect(promptOptions('A)  notepad\nB. two')).toEqual([
      { letter: 'A', text: 'notepad' },
      { letter: 'B', text: 'two' },
    ]);
  });
});

describe('exactFinder and labelFinder: against the surviving mutants', () => {
  test('the longer phrase is matched first: "New York" is the distractor, not the reference "York"', () => {
    expect(found(exactFinder('York', [], ['New York']), 'It is New York')).toEqual(['new york']);
  });
  test('a synonym with a stray space still matches', () => {
    expect(found(labelFinder(['benign', 'malicious'], { malicious: ['evil '] }), 'It is evil.')).toEqual(['malicious']);
  });
  const bs = labelFinder(['benign', 'suspicious']);
  test('a negation removes only the mention inside it, in text order', () => {
    expect(found(bs, 'A is not suspicious; B is suspicious')).toEqual(['benign', 'suspicious']);
    expect(found(bs, 'It is not suspicious, and then suspicious')).toEqual(['benign', 'suspicious']);
    expect(found(bs, 'not suspicious here, not suspicious there')).toEqual(['benign', 'benign']);
  });
  test('overlapping negated synonyms count once', () => {
    expect(at(labelFinder(['benign', 'suspicious'], { suspicious: ['suspicious activity'] }), 'This is not suspicious activity')).toEqual([
      ['benign', 8, 22, 'not suspicious'],
    ]);
  });
  test('"true", "false", "none" inside a sentence are words, not labels', () => {
    expect(found(labelFinder(['true', 'false']), 'a false start, then nothing')).toEqual([]);
    expect(found(labelFinder(['none', 'some']), 'there are none left')).toEqual([]);
  });
  test.each(['Then.No deal', 'I would say no more', 'The answer is "no way"', 'Everyone voted no", then left', 'They voted no .', 'they voted no', 'they voted no because of fees'])(
    '"no" standing alone or after a sentence start: %j',
    (text) => {
      expect(found(labelFinder(['yes', 'no']), text)).toEqual(['no']);
    },
  );
});

describe('double negations and compounds, read through the extractor', () => {
  test('"not non-suspicious" answers suspicious; "Yes-men" is no answer of yes', () => {
    const label = labelFinder(['benign', 'suspicious']);
    expect(extractAnswer('This is not non-suspicious.', label)).toMatchObject({ state: 'answer', value: 'suspicious' });
    expect(extractAnswer('Verdict: not non-suspicious', label)).toMatchObject({ state: 'answer', value: 'suspicious' });
    expect(extractAnswer('Yes-men everywhere. No.', labelFinder(['yes', 'no']))).toMatchObject({ state: 'answer', value: 'no' });
  });
});
