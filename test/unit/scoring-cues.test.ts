// The cue words of the extractor (harness/scoring/cues.ts), each alternative by hand: what it matches (the exact
// text, so a changed quantifier or boundary shows) and near misses it must not match. Written against its mutants.
import { describe, expect, test } from 'vitest';
import {
  AFFIRMED_AFTER, ASSERTING_VERB, CONCLUSION, CORRECTION, DISMISSED_AFTER, HEDGE_BETWEEN, HEDGE_WORDS, LIST_BETWEEN, NEGATED_BEFORE,
  NEGATED_LIST_BEFORE, NOT_ONLY, REFUSAL, STRONG_MARKER, SUBORDINATE,
} from '../../harness/scoring/cues.ts';

/** Every match of a global cue, or the first match of another; null when none. */
function hits(re: RegExp, text: string): string[] | string | null {
  re.lastIndex = 0;
  if (re.global) return text.match(re)?.map((m) => m) ?? null;
  return re.exec(text)?.[0] ?? null;
}

describe('STRONG_MARKER', () => {
  test.each([
    ['\\boxed{42}', ['\\boxed{']],
    ['The final answer is 42', ['The final answer is']],
    ['my correct option would be B', ['my correct option would be']],
    ['Your best choice will be C', ['Your best choice will be']],
    ['our overall result should be 3', ['our overall result should be']],
    ['The resulting total must be 9', ['The resulting total must be']],
    ['The new price comes to $4', ['The new price comes to']],
    ['The actual count was 7', ['The actual count was']],
    ['Final answer: 42', ['Final answer:']],
    ['final answer=42', ['final answer=']],
    ['Final answer：42', ['Final answer：']],
    ['Final answer - 42', ['Final answer -']],
    ['Final answer — 42', ['Final answer —']],
    ['correct classification – benign', ['correct classification –']],
    ['right label: spam', ['right label:']],
    ['the correct technique is T1003', ['the correct technique is']],
    ['The answer is 42', ['The answer is']],
    ['My result would be 3', ['My result would be']],
    ['the solution will be x', ['the solution will be']],
    ['verdict should be deny', ['verdict should be']],
    ['The total must be 12', ['The total must be']],
    ['The classification comes to benign', ['The classification comes to']],
    ['Answer here is B', ['Answer here is']],
    ['the answer here is B.', ['the answer here is']],
    ['Result: 5', ['Result:']],
    ['answer=5', ['answer=']],
    ['Answer — 5', ['Answer —']],
    ['Answer\n42', ['Answer']],
    ['Final Answer\n42', ['Final Answer']],
    ['  answer  \n42', ['  answer  ']],
    ["I'd go with B", ["I'd go with"]],
    ['I would choose C', ['I would choose']],
    ['I will pick A', ['I will pick']],
    ["I'll select D", ["I'll select"]],
    ['I opt for B', ['I opt for']],
    ['I answer B', ['I answer']],
    ['i go with b', ['i go with']],
  ])('%j', (text, want) => {
    expect(hits(STRONG_MARKER, text)).toEqual(want);
  });
  test.each([
    'The answer-key says 5',
    'final answers differ',
    'the final countdown is here',
    'answered 5',
    'Answer-5',
    'answer: ',
    'the answer isn’t clear',
    'I gone with B',
    'A final: 5',
    'Final answer -5',
    'the best answeris 5',
  ])('no marker in %j', (text) => {
    const got = hits(STRONG_MARKER, text);
    if (text === 'answer: ') expect(got).toEqual(['answer:']);
    else expect(got).toBeNull();
  });
  test('flags: case-insensitive, line anchors per line, every occurrence', () => {
    expect(hits(STRONG_MARKER, 'We get 5.\nAnswer\n5\nFINAL ANSWER: 5')).toEqual(['Answer', 'FINAL ANSWER:']);
  });
});

describe('CONCLUSION', () => {
  test.each([
    ['So 5', ['So']],
    ['thus, 5', ['thus,']],
    ['Therefore: 5', ['Therefore:']],
    ['hence 5 and consequently 6', ['hence', 'consequently']],
    ['which gives 5, which makes 6, which means 7', ['which gives', 'which makes', 'which means']],
    ['that gives 5; that makes 6; that means 7', ['that gives', 'that makes', 'that means']],
    ['this gives 5; this makes 6; this means 7', ['this gives', 'this makes', 'this means']],
    ['in total 5, altogether 6, all in all 7', ['in total', 'altogether', 'all in all']],
    ['In conclusion, 5. In summary: 6', ['In conclusion,', 'In summary:']],
    ['also 5, thusly, hence-forth, sofa', ['hence']],
    ['which  gives 5', null],
  ])('%j', (text, want) => {
    expect(hits(CONCLUSION, text)).toEqual(want);
  });
});

describe('CORRECTION', () => {
  test.each([
    ['Wait, 5', ['Wait,']],
    ['actually: 5', ['actually:']],
    ['Correction. 5', ['Correction.']],
    ['oops! 5', ['oops!']],
    ['sorry 5', ['sorry']],
    ['I mean 5', ['I mean']],
    ['on second thought 5, on reflection 6', ['on second thought', 'on reflection']],
    ['let me correct, let me fix, let me redo', ['let me correct,', 'let me fix,', 'let me redo']],
    ['let me recompute; let me recalculate; let me reconsider', ['let me recompute', 'let me recalculate', 'let me reconsider']],
    ['let me recheck and let me re-check and let me check', ['let me recheck', 'let me re-check']],
    ['scratch that, I made a mistake, I made an error', ['scratch that,', 'I made a mistake,', 'I made an error']],
    ["that's wrong. this is incorrect. that was a mistake", ["that's wrong.", 'this is incorrect.', 'that was a mistake']],
    ['rather 5, rather than 6', ['rather']],
    ['instead 5, instead of 6', ['instead']],
    // "rather than", "instead of" alone are comparisons, not corrections
    ['A rather than B', null],
    ['A instead of B', null],
    ['revised 5, corrected 6, recalculating, recomputing', ['revised', 'corrected', 'recalculating,', 'recomputing']],
    ['no wait, no, wait, hmm no, hmm, no', ['no wait,', 'no, wait,', 'hmm no,', 'hmm, no']],
    ['more specifically 5, specifically 6, more precisely 7, precisely 8', ['more specifically', 'specifically', 'more precisely', 'precisely']],
    ['awaiting, factually, sorryish, insteadof', null],
  ])('%j', (text, want) => {
    expect(hits(CORRECTION, text)).toEqual(want);
  });
});

describe('NEGATED_BEFORE: words before a mention that negate it', () => {
  test.each([
    'not ',
    'It is not ',
    'never ',
    'no longer ',
    'nor ',
    'neither ',
    'no ',
    'nothing ',
    'hardly ',
    'rather than ',
    'instead of ',
    'other than ',
    'unlike ',
    'except ',
    'except for ',
    'than ',
    'excluding ',
    'confused with ',
    'mistaken for ',
    'as opposed to ',
    'rule out ',
    'rules out ',
    'ruling out ',
    'eliminate ',
    'eliminates ',
    'eliminating ',
    'dismiss ',
    'dismisses ',
    'dismissing ',
    "isn't ",
    "It isn't the ",
    'not option ',
    'not really the ',
    'not "',
    'not (',
    'not [',
    "not '",
    'NOT ',
    "I wouldn't say it's ",
    'not a ',
  ])('negates before %j', (before) => {
    expect(NEGATED_BEFORE.test(before)).toBe(true);
  });
  test.each([
    'not really the very ',
    'not the option to just ',
    'knot ',
    'note ',
    'not',
    'It is ',
    'nothingness ',
    'unlikely ',
    'not the ( ',
    'no. ',
  ])('does not negate before %j', (before) => {
    expect(NEGATED_BEFORE.test(before)).toBe(false);
  });
});

describe('NEGATED_LIST_BEFORE and NOT_ONLY', () => {
  test.each(['nothing suspicious or ', 'not A, B or ', 'never red, blue, nor ', 'neither fast nor ', "isn't safe or ", 'no well-known or ', 'NOT A or '])(
    'a negation reaches across "or" in %j',
    (before) => {
      expect(NEGATED_LIST_BEFORE.test(before)).toBe(true);
    },
  );
  // markdown removal leaves runs of spaces ("**not**  A"); a list may have no space after its commas
  test.each(['not  A  or  ', 'not A,B or ', 'not A,  B or ', 'not A  or ', 'not A or  '])('a negation reaches across "or" in %j (spacing)', (before) => {
    expect(NEGATED_LIST_BEFORE.test(before)).toBe(true);
  });
  test.each(['nothing suspicious or', 'suspicious or ', 'not A and ', 'not 5 or ', 'not A or B ', 'knot A or '])('not in %j', (before) => {
    expect(NEGATED_LIST_BEFORE.test(before)).toBe(false);
  });
  test.each(['not only ', 'not just the ', 'Not merely a big ', 'not simply '])('affirms: %j', (before) => {
    expect(NOT_ONLY.test(before)).toBe(true);
  });
  test.each(['not  only ', 'not only  ', 'not only a  ', 'not just  a  big  '])('affirms with runs of spaces: %j', (before) => {
    expect(NOT_ONLY.test(before)).toBe(true);
  });
  test.each(['not only a very big ', 'not ', 'knot only ', 'not only'])('no "not only" in %j', (before) => {
    expect(NOT_ONLY.test(before)).toBe(false);
  });
});

describe('DISMISSED_AFTER: what after a mention dismisses it', () => {
  test.each([
    '? No.',
    '? nope',
    '?no',
    ') ? No,',
    ' is wrong',
    '" is incorrect',
    '” was false',
    ' are a distractor',
    ' seems ruled out',
    ' looks eliminated',
    ' would be out',
    ' appears unlikely',
    ' is clearly implausible',
    ' is definitely harmless',
    ' is obviously benign',
    ' is probably innocuous',
    ' is a routine',
    ' is an ordinary thing',
    ' is the normal one',
    ' is legitimate',
    ' is safe',
    ' is expected',
    ' is typical',
    ' is irrelevant',
    ' is unrelated',
    ' is just notepad',
    ' is only a test',
    ' is merely',
    ' is simply',
    ' is not correct',
    ' is not the right one',
    ' is not the answer',
    ' is not one',
    ' is not the case',
    ' is not it',
    ' is not true',
    ' is not valid',
    ' is not possible',
    ' is not likely',
    ' is not riskier',
    ' is not relevant',
    " isn't correct",
    " wasn't the right",
    " aren't answer",
    " isn't one",
    " isn't it",
    " isn't true",
    " isn't valid",
    " isn't possible",
    " isn't likely",
    " isn't riskier",
    " isn't relevant",
    ' can be ruled out',
    ' can eliminated',
    ' can be excluded',
    ' can be dismissed',
    ' can be discarded',
    ' can be ignored',
    ' (wrong)',
    ' - incorrect.',
    ' – no,',
    ' — nope',
    ' (no)',
    ' - wrong',
    ' IS WRONG',
  ])('dismissed: %j', (after) => {
    expect(DISMISSED_AFTER.test(after)).toBe(true);
  });
  test.each([
    '? Not sure',
    '? nobody',
    ' is wrongly flagged',
    ' is outstanding',
    ' is justified',
    ' is not correctly',
    ' is the correct one',
    ' is malicious',
    ' - wrongful',
    ' (wrongly)',
    ' can be kept',
    'x is wrong',
    ' is  not',
    ' is notable',
    " isn't answered",
    ' and is wrong',
  ])('not dismissed: %j', (after) => {
    expect(DISMISSED_AFTER.test(after)).toBe(false);
  });
});

describe('AFFIRMED_AFTER', () => {
  test.each([
    [' is correct', ' is correct'],
    [' is the right answer', ' is the right answer'],
    [') would be the best option', ') would be the best option'],
    ['" seems to be the final choice', '" seems to be the final choice'],
    [' must be true', ' must be true'],
    [' is the answer', ' is the answer'],
    [' is the correct one.', ' is the correct one'],
    ['] IS CORRECT', '] IS CORRECT'],
    // runs of spaces left by markdown removal, and no space after a closing bracket
    [')is the answer', ')is the answer'],
    [' is  correct', ' is  correct'],
    [' is the  answer', ' is the  answer'],
    [' is the right  answer', ' is the right  answer'],
  ])('affirms %j', (after, want) => {
    expect(hits(AFFIRMED_AFTER, after)).toBe(want);
  });
  test.each([' is correctly', ' is answered', ' is the worst', 'x is correct', ' was correct', ' is the answers'])('not %j', (after) => {
    expect(AFFIRMED_AFTER.test(after)).toBe(false);
  });
});

describe('HEDGE_BETWEEN and LIST_BETWEEN', () => {
  test.each([' or ', ', or ', ' and/or ', '/', ' either ', ' maybe ', ' possibly ', ' perhaps ', ' to ', '~', ' or maybe ', ' or possibly ', ' or perhaps ', '" or "', ') or (', '** or **', ' OR ', ';or[', ':or'])(
    'hedge: %j',
    (between) => {
      expect(HEDGE_BETWEEN.test(between)).toBe(true);
    },
  );
  test.each([' and ', ' then ', ' or then ', ' x or ', ' or x', 'for', ' ore '])('no hedge: %j', (between) => {
    expect(HEDGE_BETWEEN.test(between)).toBe(false);
  });
  test.each([',', ', ', ';', ' & ', ' and ', ' plus ', ' as well as ', ', and ', '" and "', ') and (', ' AND '])('list: %j', (between) => {
    expect(LIST_BETWEEN.test(between)).toBe(true);
  });
  test.each([' or ', ' then ', ' and then ', 'band', ' x, '])('no list: %j', (between) => {
    expect(LIST_BETWEEN.test(between)).toBe(false);
  });
});

describe('HEDGE_WORDS', () => {
  test.each([
    ['maybe B', 'maybe'],
    ['perhaps B', 'perhaps'],
    ['possibly B', 'possibly'],
    ['probably B', 'probably'],
    ['it might', 'might'],
    ['could be B', 'could be'],
    ['could also', 'could also'],
    ['A or B', 'or'],
    ['either', 'either'],
    ['likely', 'likely'],
    ['I am unsure', 'unsure'],
    ['not sure', 'not sure'],
    ['uncertain', 'uncertain'],
    ["can't decide", "can't decide"],
    ['cannot decide', 'cannot decide'],
    ['hard to say', 'hard to say'],
    ['one of them', 'one of'],
  ])('%j', (text, want) => {
    expect(hits(HEDGE_WORDS, text)).toBe(want);
  });
  test.each(['couldn’t be', 'for sure', 'orange', 'mighty', 'could go'])('no hedge word in %j', (text) => {
    expect(HEDGE_WORDS.test(text)).toBe(false);
  });
});

describe('REFUSAL', () => {
  test.each([
    "I'm sorry, but I can't help with that",
    'I am afraid I cannot answer',
    'Sorry, I am unable to provide',
    "I'm sorry, I'm not able to determine",
    "I'm afraid I won't classify",
    'I sorry cannot comply',
    "I'm sorry but I can't do",
    "I'm sorry, I can't share",
    "I'm sorry, I can't give",
    "I'm sorry, I can't tell",
    "I can't help",
    'I cannot assist',
    'I am unable to answer',
    "I'm unable to provide",
    'I am not able to determine',
    "I'm not able to classify",
    "I won't comply",
    'I will not tell',
    'I do not say',
    "I don't know",
    "I can't give",
    "I can't do that",
    "I can't make that call",
    'I cannot make this determination',
    'As an AI, I',
    'This cannot be determined',
    "It can't be determined",
    'impossible to be determined',
    'There is not enough information',
    'insufficient context',
    'not enough data',
    "I don't have enough",
    'I do not have sufficient',
    "I don't have access",
    'Unknown.',
    'no idea!',
    'No answer',
    // a typographic apostrophe is the same refusal
    'I’m sorry, I can’t help',
    'I can’t answer',
    'I won’t tell',
    'I don’t know',
    'I’m unable to determine',
    'I don’t have enough',
    'It can’t be determined',
  ])('refusal: %j', (text) => {
    expect(REFUSAL.test(text)).toBe(true);
  });
  test.each([
    "I'm sorry for the delay. The answer is 5.",
    "I'm sorry. We can't help noticing",
    "I'm sorry for the long wait, as the queue was full and we can't help",
    'I cannot believe it is 5',
    'I can help',
    "I don't think so",
    'I do not agree',
    'as an aid',
    'It can be determined',
    'enough information',
    'unknown caller is suspicious',
    'I have enough',
    'The answer is unknown to most, but it is 5',
    "I can't make it",
  ])('no refusal: %j', (text) => {
    expect(REFUSAL.test(text)).toBe(false);
  });
  test('the apology window is forty characters', () => {
    expect(REFUSAL.test(`I'm sorry${'x'.repeat(39)} I can't help`)).toBe(true);
    expect(REFUSAL.test(`I'm sorry ${'x'.repeat(40)} we can't help`)).toBe(false);
  });
});

describe('ASSERTING_VERB', () => {
  test.each([
    'it is ',
    'they are ',
    'was ',
    'were ',
    'be ',
    'been ',
    'equals ',
    'equal ',
    'makes ',
    'gives ',
    'she needs ',
    'takes ',
    'gets ',
    'totals ',
    'costs ',
    'comes to ',
    'amounts to ',
    'works out to ',
    'becomes ',
    'leaves ',
    'remains ',
    'receives ',
    'earns ',
    'covers ',
    'travels ',
    'reaches ',
    'reach ',
    'uses ',
    'scores ',
    'pays ',
    'has ',
    'have ',
    'had ',
    'shows ',
    'yields ',
    'results in ',
    'adds up to ',
    'is about ',
    'of about ',
    'x≈ ',
    'x= ',
    'make ',
    'give ',
    'need ',
    'take ',
    'get ',
    'total ',
    'cost ',
    'come to ',
    'amount to ',
    'work out to ',
    'become ',
    'leave ',
    'remain ',
    'receive ',
    'earn ',
    'cover ',
    'travel ',
    'use ',
    'score ',
    'pay ',
    'show ',
    'yield ',
    'result in ',
    'add up to ',
    // runs of spaces (markdown removal) between the verb, its qualifier and a currency sign
    'is  about ',
    'is  $',
    'x =  ',
    'is about  $',
    'costs about  $',
    'is approximately  $',
    'is roughly  $',
    'is exactly  $',
    'is only  $',
    'is just  $',
    'is around  $',
    'is nearly  $',
    'is a  total of $',
    'is a total  of $',
    'is a total of  $',
    'is the  $',
    'x = ',
    'x ≈ ',
    '3 + 4 = ',
    '(2 * 6) = $',
    'is approximately ',
    'is roughly ',
    'is exactly ',
    'is only ',
    'is just ',
    'is around ',
    'is nearly ',
    'is a total of ',
    'is the ',
    'costs $',
    'costs € ',
    'costs £',
    'costs ¥',
    'costs ₹',
    'IS ',
  ])('asserts: %j', (before) => {
    expect(ASSERTING_VERB.test(before)).toBe(true);
  });
  test.each(['this ', 'is', 'issue ', 'is a ', 'costs $$', 'weighs ', 'is 5 ', 'x =', '=> ', 'x =5 '])('does not assert: %j', (before) => {
    expect(ASSERTING_VERB.test(before)).toBe(false);
  });
});

describe('SUBORDINATE', () => {
  test.each(['because', ' since it', 'as it', 'while', 'whereas', 'although', 'though', 'given', 'unlike', 'compared to', 'compared with', 'if', 'when', 'even though', 'Because'])(
    'subordinate: %j',
    (clause) => {
      expect(SUBORDINATE.test(clause)).toBe(true);
    },
  );
  test.each(['so', 'asked', 'iffy', 'the reason is because', 'compared', 'givens'])('main: %j', (clause) => {
    expect(SUBORDINATE.test(clause)).toBe(false);
  });
});
