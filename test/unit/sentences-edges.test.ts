// Sentence spans by hand: where each sentence starts and ends (offsets into the text), and where a full stop does
// not end one.
import { describe, expect, test } from 'vitest';
import { sentenceSpans } from '../../harness/scoring/sentences.ts';

const texts = (text: string, lines = true) => sentenceSpans(text, { lines }).map((s) => s.text);

describe('sentenceSpans', () => {
  test('offsets are into the original text, surrounding space left out', () => {
    // "  One. Two!" : "One." at 2..6, "Two!" at 7..11
    expect(sentenceSpans('  One. Two!')).toEqual([
      { start: 2, end: 6, text: 'One.' },
      { start: 7, end: 11, text: 'Two!' },
    ]);
    expect(sentenceSpans('')).toEqual([]);
    expect(sentenceSpans('   ')).toEqual([]);
  });
  test('a boundary needs the next sentence to start like one: capital, digit, quote, bracket, star, hash or dash', () => {
    expect(texts('It is 5. 6 more. "Yes." (Maybe.) *Bold* text. # Head. - item. [X] done')).toEqual([
      'It is 5.',
      '6 more.',
      '"Yes."',
      '(Maybe.)',
      '*Bold* text.',
      '# Head.',
      '- item.',
      '[X] done',
    ]);
    // a bracket or quote must itself be followed by such a start; a star after the stop is no closing mark
    expect(texts('See it. [x] done. *Bold.* next')).toEqual(['See it. [x] done.', '*Bold.* next']);
    expect(texts('one. two. three')).toEqual(['one. two. three']);
    expect(texts('Wait... Then go?! Now…  Done')).toEqual(['Wait...', 'Then go?!', 'Now…', 'Done']);
  });
  test('closing quotes and brackets stay with their sentence', () => {
    expect(texts('He said "yes." Then left.')).toEqual(['He said "yes."', 'Then left.']);
    expect(texts("(See above.) Next")).toEqual(['(See above.)', 'Next']);
  });
  test('no break inside a number, or after an abbreviation, but after a single initial', () => {
    expect(texts('Pi is 3.14 today.')).toEqual(['Pi is 3.14 today.']);
    expect(texts('Use e.g. Paris. Dr. Okafor agrees. At 3 p.m. Then stop.')).toEqual(['Use e.g. Paris.', 'Dr. Okafor agrees.', 'At 3 p.m. Then stop.']);
    expect(texts('The answer is B. A is wrong.')).toEqual(['The answer is B.', 'A is wrong.']);
    // an abbreviation only counts for a full stop, not for "!" or "?"
    expect(texts('Go to St! Then')).toEqual(['Go to St!', 'Then']);
  });
  test('line breaks split when lines are on, and never otherwise', () => {
    expect(texts('first line\nsecond line\n\nthird')).toEqual(['first line', 'second line', 'third']);
    expect(texts('first line\nsecond line', false)).toEqual(['first line\nsecond line']);
    // a full stop followed by a line break and a capital splits either way
    expect(texts('End.\nNext', false)).toEqual(['End.', 'Next']);
    expect(sentenceSpans('a\nb')).toEqual([
      { start: 0, end: 1, text: 'a' },
      { start: 2, end: 3, text: 'b' },
    ]);
  });
});
