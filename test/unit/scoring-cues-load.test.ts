// cues.ts builds its regular expressions when it loads: one that does not compile (an unbalanced group, a quantifier
// with nothing to repeat) throws at import. Imported inside the test, so such a failure fails a test rather than the
// file's collection (which mutation testing would not count).
import { expect, test } from 'vitest';

test('every cue compiles and is a regular expression', async () => {
  const cues = await import('../../harness/scoring/cues.ts');
  const names = Object.keys(cues).sort();
  expect(names).toEqual([
    'AFFIRMED_AFTER', 'ASSERTING_VERB', 'CONCLUSION', 'CORRECTION', 'DISMISSED_AFTER', 'HEDGE_BETWEEN', 'HEDGE_WORDS', 'LIST_BETWEEN',
    'NEGATED_BEFORE', 'NEGATED_LIST_BEFORE', 'NOT_ONLY', 'REFUSAL', 'STRONG_MARKER', 'SUBORDINATE',
  ]);
  for (const name of names) expect((cues as Record<string, unknown>)[name], name).toBeInstanceOf(RegExp);
  // the ones built from pieces still read what they should
  expect(cues.DISMISSED_AFTER.test(' is wrong')).toBe(true);
  expect(cues.NEGATED_BEFORE.test('not the ')).toBe(true);
});
