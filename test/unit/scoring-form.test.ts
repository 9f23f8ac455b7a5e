// Form graders by hand (harness/scoring/form.ts): what is graded, how units are counted, and keywords that must sit in
// sentences that say something. Adversarial: a stuffed list, a forbidden word, decoration around a right answer.
// Written against its mutants.
import { describe, expect, test } from 'vitest';
import { bareLine, countUnits, formText, gradeCount, gradeKeywords, gradeRegex } from '../../harness/scoring/form.ts';

describe('formText', () => {
  test('empty, unclosed reasoning, refusal, or the text', () => {
    expect(formText('')).toEqual({ why: 'empty output' });
    expect(formText('  \n ')).toEqual({ why: 'empty output' });
    expect(formText('```\n```')).toEqual({ why: 'empty output' });
    expect(formText('<think>still going')).toEqual({ why: 'reasoning block never closed: no answer after it' });
    expect(formText("I'm sorry, I can't help with that. Paris.")).toEqual({ why: 'refusal' });
    // a refusal phrase after the first sentence does not make the answer a refusal
    expect(formText("Paris. I can't help with more.")).toEqual({ text: "Paris. I can't help with more." });
    expect(formText('<think>x</think>```json\nabc\n```')).toEqual({ text: 'abc' });
    expect(formText('```\nabc```')).toEqual({ text: 'abc' });
  });
});

describe('bareLine', () => {
  test.each([
    ['**"Paris."**', 'Paris'],
    ['"Paris".', 'Paris'],
    ["'Paris'", 'Paris'],
    ['“Paris”', 'Paris'],
    ['‘Paris’', 'Paris'],
    ['Yes!', 'Yes'],
    ['Yes!!', 'Yes!!'],
    ['Wait...', 'Wait...'],
    ['  `x`  ', 'x'],
    ['a.b', 'a.b'],
    ['Go. Now.', 'Go. Now'],
  ])('%j -> %j', (line, want) => {
    expect(bareLine(line)).toBe(want);
  });
});

describe('gradeRegex', () => {
  test('every line without its decoration, blank lines dropped, then the pattern', () => {
    expect(gradeRegex('**YES.**\n\n"no"', '^YES\\nno$', '')).toEqual({ score: 1, extracted: 'YES\nno', rule: 'whole answer, decoration removed' });
    expect(gradeRegex('yes', '^YES$', 'i')).toEqual({ score: 1, extracted: 'yes', rule: 'whole answer, decoration removed' });
    expect(gradeRegex('yes', '^YES$', '')).toEqual({ score: 0, extracted: 'yes', rule: 'whole answer, decoration removed', detail: 'does not match /^YES$/' });
  });
  test('nothing to grade: no score, the reason', () => {
    expect(gradeRegex('', '.*', '')).toEqual({ score: 0, extracted: null, rule: 'empty output' });
    expect(gradeRegex("I can't answer that.", '.*', '')).toEqual({ score: 0, extracted: null, rule: 'refusal' });
  });
});

describe('countUnits', () => {
  test('words: letters or digits with inner apostrophes and hyphens, markdown gone', () => {
    expect(countUnits("It's a well-known 3-step plan, isn’t it?", 'words')).toBe(7);
    expect(countUnits('**bold** word -- — ...', 'words')).toBe(2);
    expect(countUnits('', 'words')).toBe(0);
  });
  test('bullets: dash, star, bullet or triangle followed by a space and text; numbered lines are not bullets', () => {
    expect(countUnits('- a\n* b\n• c\n‣ d\n1. e\n-no\n  - f\n- \n', 'bullets')).toBe(5);
  });
  test('sentences: across lines, only those with a letter', () => {
    expect(countUnits('One. Two! 3.', 'sentences')).toBe(2);
    expect(countUnits('First line\nsecond line', 'sentences')).toBe(1);
    expect(countUnits('**One.** Two.', 'sentences')).toBe(2);
  });
  test('lines: non-blank ones', () => {
    expect(countUnits('a\n\n  \nb\n', 'lines')).toBe(2);
  });
});

describe('gradeCount', () => {
  test('exactly, at least, at most: the bounds included, the rule lists them', () => {
    const three = 'one two three';
    expect(gradeCount(three, { unit: 'words', exactly: 3 })).toEqual({ score: 1, extracted: '3 words', rule: 'count of words (exactly 3)' });
    expect(gradeCount(three, { unit: 'words', min: 3, max: 3 })).toEqual({ score: 1, extracted: '3 words', rule: 'count of words (at least 3, at most 3)' });
    expect(gradeCount(three, { unit: 'words', min: 4 })).toEqual({ score: 0, extracted: '3 words', rule: 'count of words (at least 4)', detail: 'counted 3 words' });
    expect(gradeCount(three, { unit: 'words', max: 2 })).toEqual({ score: 0, extracted: '3 words', rule: 'count of words (at most 2)', detail: 'counted 3 words' });
    expect(gradeCount(three, { unit: 'words', exactly: 2 }).score).toBe(0);
    expect(gradeCount(three, { unit: 'words', exactly: 4 }).score).toBe(0);
    expect(gradeCount(three, { unit: 'words', exactly: 3, min: 1, max: 5 }).rule).toBe('count of words (exactly 3, at least 1, at most 5)');
    expect(gradeCount(three, { unit: 'words' })).toEqual({ score: 1, extracted: '3 words', rule: 'count of words ()' });
  });
  test('bullets only: any other line fails, named (cut at 40 characters)', () => {
    expect(gradeCount('- a\n- b', { unit: 'bullets', exactly: 2, only: true })).toEqual({ score: 1, extracted: '2 bullets', rule: 'count of bullets (exactly 2)' });
    expect(gradeCount('Here are the three benefits you asked for, as bullets:\n- a\n- b', { unit: 'bullets', exactly: 2, only: true })).toEqual({
      score: 0,
      extracted: '2 bullets',
      rule: 'bullets only',
      detail: 'text besides the bullets: "Here are the three benefits you asked fo"',
    });
    // without "only", an intro line is allowed
    expect(gradeCount('Intro:\n- a\n- b', { unit: 'bullets', exactly: 2 }).score).toBe(1);
    // "only" means bullets only for bullets; for words it is ignored
    expect(gradeCount('Intro: a b', { unit: 'words', exactly: 3, only: true }).score).toBe(1);
  });
  test('bullets only: a numbered line is other text (it is not counted as a bullet either)', () => {
    // the item asks for exactly 3 lines starting with "- " and nothing else: an extra numbered intro must fail
    expect(gradeCount('1. Here they are\n- a\n- b\n- c', { unit: 'bullets', exactly: 3, only: true })).toMatchObject({ score: 0, rule: 'bullets only' });
  });
  test('nothing to grade', () => {
    expect(gradeCount('', { unit: 'words', exactly: 0 })).toEqual({ score: 0, extracted: null, rule: 'empty output' });
  });
});

describe('gradeKeywords', () => {
  const none = { all: [], any: [], none: [] };
  const sentence = 'Reset the VPN token from the self-service portal today.';
  test('all found in an answering sentence: full score, found keywords named', () => {
    expect(gradeKeywords(sentence, { ...none, all: ['vpn', 'token'] })).toEqual({ score: 1, extracted: 'vpn, token', rule: 'keywords in answering sentences (2/2 checks)' });
  });
  test('partial credit, each missing keyword named; "any" is one check', () => {
    expect(gradeKeywords(sentence, { all: ['vpn', 'password'], any: ['renew', 'reset'], none: [] })).toEqual({
      score: 2 / 3,
      extracted: 'vpn, reset',
      rule: 'keywords in answering sentences (2/3 checks)',
      detail: 'missing "password"',
    });
    expect(gradeKeywords(sentence, { all: ['vpn'], any: ['renew', 'replace'], none: [] })).toEqual({
      score: 1 / 2,
      extracted: 'vpn',
      rule: 'keywords in answering sentences (1/2 checks)',
      detail: 'none of renew, replace',
    });
  });
  test('a forbidden word: no credit at all, and it is named', () => {
    expect(gradeKeywords(`${sentence} Never share a password.`, { all: ['vpn'], any: [], none: ['password'] })).toEqual({
      score: 0,
      extracted: 'vpn',
      rule: 'keywords in answering sentences (1/2 checks)',
      detail: 'contains "password"',
    });
    // absent forbidden word: a passed check
    expect(gradeKeywords(sentence, { all: ['vpn'], any: [], none: ['password'] }).score).toBe(1);
  });
  test('no checks at all: full score, nothing extracted', () => {
    expect(gradeKeywords(sentence, none)).toEqual({ score: 1, extracted: null, rule: 'keywords in answering sentences (0/0 checks)' });
  });
  test('case, accents and short inflections match; longer words do not', () => {
    expect(gradeKeywords('The CAFÉ tokens were reset by the admin team yesterday.', { ...none, all: ['cafe', 'token', 'reset'] }).score).toBe(1);
    expect(gradeKeywords('The tokenizers were swapped by the admin team yesterday.', { ...none, all: ['token'] }).score).toBe(0);
    expect(gradeKeywords('The subtoken was swapped by the admin team yesterday.', { ...none, all: ['token'] }).score).toBe(0);
    expect(gradeKeywords('Turn on two   factor login for every account you own.', { ...none, all: ['two factor'] }).score).toBe(1);
  });
  test('stuffing: a keyword more than three times fails; three times is fine', () => {
    const stuffed = 'The token token token token must be reset by the admin team.';
    expect(gradeKeywords(stuffed, { ...none, all: ['token'] })).toEqual({ score: 0, extracted: null, rule: 'keyword stuffing', detail: 'a keyword repeated more than three times' });
    const three = 'The token and a second token and a third token must be reset by the admin team soon.';
    expect(gradeKeywords(three, { ...none, all: ['token'] }).score).toBe(1);
  });
  test('stuffing: keywords only in a list or a short fragment fail', () => {
    const why = { score: 0, extracted: null, rule: 'keyword stuffing', detail: 'the keywords appear only outside sentences that say something' };
    // fewer than six words
    expect(gradeKeywords('VPN token reset now.', { ...none, all: ['vpn', 'token'] })).toEqual(why);
    // six words, more than half of them keywords
    expect(gradeKeywords('VPN token reset VPN the portal.', { all: ['vpn', 'token', 'reset'], any: [], none: [] })).toEqual(why);
    // a comma-separated pile
    expect(gradeKeywords('vpn, token, reset, portal, admin, team, login, now.', { ...none, all: ['vpn'] })).toEqual(why);
  });
  test('the answering thresholds, at their edges', () => {
    // exactly six words, one keyword: answering
    expect(gradeKeywords('Please reset your VPN token today.', { ...none, all: ['vpn'] }).score).toBe(1);
    // five words: not
    expect(gradeKeywords('Please reset your VPN today.', { ...none, all: ['vpn'] }).score).toBe(0);
    // six words, three of them keyword words (exactly half): answering
    expect(gradeKeywords('Use the VPN token reset now.', { ...none, all: ['vpn', 'token', 'reset'] }).score).toBe(1);
    // a two-word keyword counts as two words: six words, four keyword words
    expect(gradeKeywords('Use two factor login two factor.', { ...none, all: ['two factor'] }).score).toBe(0);
    // six words and two commas (one third): a pile; one comma: a sentence
    expect(gradeKeywords('Use VPN, token, and the portal.', { ...none, all: ['vpn'] }).score).toBe(0);
    expect(gradeKeywords('Use VPN, token and the portal.', { ...none, all: ['vpn'] }).score).toBe(1);
  });
  test('a keyword present in a stuffed line and in an answering sentence counts', () => {
    expect(gradeKeywords('Keywords: vpn, token.\nReset the VPN token from the portal today.', { ...none, all: ['vpn', 'token'] }).score).toBe(1);
    // one keyword only in the pile: it is missing
    expect(gradeKeywords('Keywords: vpn, token.\nReset the VPN from the portal today please.', { ...none, all: ['vpn', 'token'] })).toMatchObject({ score: 0.5, detail: 'missing "token"' });
  });
  test('length caps, at their edges', () => {
    expect(gradeKeywords(sentence, { ...none, max_words: 8 })).toEqual({ score: 0, extracted: '9 words', rule: 'length cap', detail: '9 words, the item allows 8' });
    expect(gradeKeywords(sentence, { ...none, max_words: 9 }).score).toBe(1);
    expect(gradeKeywords(`${sentence} Then log in.`, { ...none, max_sentences: 1 })).toEqual({ score: 0, extracted: '2 sentences', rule: 'length cap', detail: '2 sentences, the item allows 1' });
    expect(gradeKeywords(`${sentence} Then log in.`, { ...none, max_sentences: 2 }).score).toBe(1);
  });
  test('nothing to grade', () => {
    expect(gradeKeywords('', { ...none, all: ['x'] })).toEqual({ score: 0, extracted: null, rule: 'empty output' });
  });
});

// Written against the survivors of a Stryker run (mut4); each value read by hand.
describe('form graders: against the surviving mutants', () => {
  test('bareLine strips quotes at the ends only, nested ones too, and the space before a final stop', () => {
    expect(bareLine("It's fine")).toBe("It's fine");
    expect(bareLine(`"'Paris'".`)).toBe('Paris');
    expect(bareLine('"Paris."""')).toBe('Paris');
    expect(bareLine('Paris .')).toBe('Paris');
  });
  test('a bullet opens its line and may be followed by several spaces; a line is no sentence end', () => {
    expect(countUnits('text - with dash', 'bullets')).toBe(0);
    expect(countUnits('-  item', 'bullets')).toBe(1);
    expect(countUnits('One line\nTwo line', 'sentences')).toBe(1);
  });
  test('blank and blank-looking lines are not text besides the bullets; the detail quotes the text trimmed', () => {
    expect(gradeCount('- a\n\n- b', { unit: 'bullets', exactly: 2, only: true }).score).toBe(1);
    expect(gradeCount('- a\n   \n- b', { unit: 'bullets', exactly: 2, only: true }).score).toBe(1);
    expect(gradeCount('Intro  \n- a\n- b', { unit: 'bullets', exactly: 2, only: true })).toMatchObject({ score: 0, detail: 'text besides the bullets: "Intro"' });
  });
  test('a keyword of three words counts three words toward stuffing', () => {
    const g = { all: ['machine learning model'], any: [], none: [] };
    // 8 words, 6 of them the keyword twice: a stuffed sentence
    expect(gradeKeywords('Machine learning model, machine learning model rocks here.', g)).toMatchObject({ score: 0, rule: 'keyword stuffing' });
    // 9 words, 3 of them the keyword: it says something
    expect(gradeKeywords('A machine learning model is what we trained here.', g)).toMatchObject({ score: 1 });
  });
  test('the sentence cap does not count lines as sentences; failures are listed with "; "', () => {
    expect(gradeKeywords('First line here\nsecond line here', { all: [], any: [], none: [], max_sentences: 1 }).score).toBe(1);
    expect(gradeKeywords('The weather today is quite pleasant overall.', { all: ['rain', 'snow'], any: [], none: [] }).detail).toBe('missing "rain"; missing "snow"');
  });
});
