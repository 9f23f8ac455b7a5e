// Spans that hold digits but are not an answer (ranges, clock times, dates, addresses, versions): each kind is left
// out whole, and the number beside it is still found. Most of these are also caught by findNumbers' per-number
// filters (a digit glued to ":", "-" or "."), so NOT_A_NUMBER's regex mutants survive these cases: the two guards
// overlap; this pins the behaviour, whichever guard gives it.
import { describe, expect, test } from 'vitest';
import { findNumbers } from '../../harness/scoring/numbers.ts';

const vals = (text: string) => findNumbers(text).map((c) => c.value);

describe('findNumbers leaves out what is not a number, and keeps the answer beside it', () => {
  test.each([
    ['a range with an en dash and decimals on both sides', 'It takes 2.5–3.75 hours, so 7.'],
    ['a range with a spaced em dash', 'It takes 12 — 15 minutes, so 7.'],
    ['a range with a comma decimal', 'Between 2,5–3,75 litres, so 7.'],
    ['a hyphen range', 'Read pages 10-20, then answer 7.'],
    ['a time with minutes and am', 'We meet at 10:30 am, so 7.'],
    ['a time with dotted p.m.', 'It ends at 9 p.m. and the answer is 7.'],
    ['a time with a dot and pm glued', 'It ends at 11.45pm and the answer is 7.'],
    ["o'clock", "At 5 o'clock the answer is 7."],
    ['an ISO date', 'On 2024-03-15 the answer is 7.'],
    ['a day/month/year date', 'On 15/03/2024 the answer is 7.'],
    ['a two-digit-year dotted date', 'On 1.2.24 the answer is 7.'],
    ['a clock time with seconds', 'At 12:30:45 the answer is 7.'],
    ['an IP address', 'Host 192.168.1.10 says 7.'],
    ['a version', 'Release v1.2.3 says 7.'],
  ])('%s', (_what, text) => {
    expect(vals(text)).toEqual([7]);
  });
});
