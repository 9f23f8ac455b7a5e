// Numbers as people write them: "1,250", "1 250", "1 250", "1'250", "1.250,50", "64,8", "$3.80", "15 %",
// "1.25e3", "1.25 × 10^3", "−3", "minus 3", "½"-free fractions "1/2", number words up to ninety-nine, and every
// decimal digit set (normalizeText maps those to ASCII first).
import { ASSERTING_VERB } from './cues.ts';
import type { Candidate, Finder } from './extract.ts';
import { normalizeText } from './normalize.ts';

export interface NumberCandidate extends Candidate<number> {
  /** Written as a word ("five"): counts only where no numeral does. */
  word?: boolean;
}

const GROUPED = String.raw`\d{1,3}(?:(?<sep>[,'’\u00a0\u202f\u2009 ])\d{3})(?:\k<sep>\d{3})*(?:[.,]\d+)?|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,}`;
const PLAIN = String.raw`\d+(?:[.,]\d+)?`;
const NUMBER = new RegExp(
  String.raw`(?<sign>[-−–+](?=[$€£¥₹]?\d)|\bminus\s+|\bnegative\s+)?(?<cur>[$€£¥₹]\s?)?(?<body>${GROUPED}|${PLAIN})` +
    String.raw`(?<frac>\s?[\/⁄]\s?\d+(?![\d/]))?(?<exp>[eE][-+−]?\d+|\s?[×x*·]\s?10\s?\^\s?[-−+]?\d+|\^[-−+]?\d+)?(?<mult>\s(?:thousand|million|billion|trillion)\b|[kK](?![\p{L}\d]))?`,
  // Case-insensitive: "Minus 3" opens a sentence as often as "minus 3" sits inside one.
  'giu',
);

/** The value of a digit run with its separators, English reading first: "1,250" is 1250, "64,8" is 64.8. */
export function digitsValue(body: string): number | null {
  let s = body.replace(/[\u00a0\u202f\u2009 '’]/g, '');
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // Both present: the later one is the decimal mark.
    s = lastComma > lastDot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  } else if (lastComma >= 0) {
    const groups = s.split(',');
    const thousands = groups.length > 2 || (groups[1]!.length === 3 && groups[0] !== '0');
    s = thousands ? groups.join('') : s.replace(',', '.');
  } else if (s.split('.').length > 2) {
    s = s.replace(/\./g, '');
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const WORD_NUMBER = new RegExp(
  String.raw`(?<![\p{L}-])(?:(?<neg>minus|negative)\s+)?(?:(?<tens>${TENS.filter(Boolean).join('|')})(?:[-\s](?<unit1>${UNITS.slice(1, 10).join('|')}))?|(?<unit>${UNITS.join('|')}))(?:\s+(?<hundred>hundred|thousand))?(?![\p{L}])`,
  'giu',
);

function wordValue(g: Record<string, string | undefined>): number {
  let n = g.tens ? TENS.indexOf(g.tens.toLowerCase()) * 10 + (g.unit1 ? UNITS.indexOf(g.unit1.toLowerCase()) : 0) : UNITS.indexOf(g.unit!.toLowerCase());
  if (g.hundred) n *= g.hundred.toLowerCase() === 'hundred' ? 100 : 1000;
  return g.neg ? -n : n;
}

/** Labels that a dash after them separates from the value: "Answer - 42", "Total -42" (not minus 42). */
const LABEL_BEFORE_DASH = /^[\s*_#>-]*(?:final\s+)?(?:answer|result|total|solution|output|value|score|count)[\s*_]*$/i;
/** "Step 2", "rule 1", "option 3": the number names something, it is not a value. */
const NAMING_WORD = /\b(?:step|rule|line|option|case|part|item|question|q|test|round|phase|stage|figure|table|chapter|section|version|v)\s*#?$/i;

/** Ranges ("16–31", "280-290"), dates, times, IP addresses and versions: digits that are not one number. */
const NOT_A_NUMBER = /\b\d+(?:[.,]\d+)?\s?[–—]\s?\d+(?:[.,]\d+)?\b|\b\d+-\d+\b(?!-)|\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?![\p{L}])|\b\d{1,2}\s?o'clock\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b|\b\d+(?:\.\d+){3,}\b|\bv\d+(?:\.\d+)+/giu;

/** Every number in `text` (already normalised) with its position; dates, times, IDs, ordinals and list markers are not numbers. */
export function findNumbers(text: string): NumberCandidate[] {
  const out: NumberCandidate[] = [];
  const excluded = [...text.matchAll(NOT_A_NUMBER)].map((m) => [m.index, m.index + m[0].length] as const);
  const inExcluded = (i: number) => excluded.some(([a, b]) => i >= a && i < b);
  for (const m of text.matchAll(NUMBER)) {
    const g = m.groups!;
    if (inExcluded(m.index + (g.sign?.length ?? 0))) continue;
    let sign = g.sign ?? '';
    const start = m.index + (sign && /[\p{L}\p{N}_)\]]$/u.test(text.slice(0, m.index)) ? sign.length : 0);
    if (start !== m.index) {
      // "SKU-77" is a name; "50-8" and "280-290" are two numbers with an operator or a range between them.
      if (/[\p{L}_]$/u.test(text.slice(0, m.index))) continue;
      sign = '';
    }
    const end = m.index + m[0].length;
    const before = text.slice(0, start);
    const after = text.slice(end);
    if (!sign && /[\p{L}\p{N}_.#@/\\]$/u.test(before)) continue;
    if (!sign && /\p{L}-$/u.test(before)) continue; // T-1000, SKU-77
    if (!/^\s/.test(after) && /^(?:[.:/]\d|-\d|st\b|nd\b|rd\b|th\b|[\p{L}_]+\d)/iu.test(after)) continue; // ordinals, 3x2, IDs
    if (/^[.)]\s/.test(after) && /(?:^|\n)[\s*>-]*$/.test(before)) continue; // "1. " or "2) " list marker
    if (NAMING_WORD.test(before.slice(-12))) continue;
    let value = digitsValue(g.body!);
    if (value === null) continue;
    if (g.frac) {
      const d = Number(g.frac.replace(/[\s/⁄]/g, ''));
      if (d === 0 || /[.,]/.test(g.body!)) continue;
      value /= d;
    }
    if (g.exp) {
      const e = Number(/[-−+]?\d+$/.exec(g.exp)![0].replace('−', '-'));
      value = g.exp.startsWith('^') ? value ** e : value * 10 ** e;
    }
    if (g.mult) value *= { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12, k: 1e3 }[g.mult.trim().toLowerCase()] ?? 1;
    if (/^[-–]/.test(sign) && LABEL_BEFORE_DASH.test(before.slice(before.lastIndexOf('\n') + 1))) sign = '';
    if (/^(?:[-−–]|minus|negative)/i.test(sign)) value = -value;
    out.push({ value, index: start, end, text: text.slice(start, end).trim() });
  }
  const numerals = out.length;
  for (const m of text.matchAll(WORD_NUMBER)) {
    if (out.slice(0, numerals).some((c) => m.index < c.end && c.index < m.index + m[0].length)) continue;
    out.push({ value: wordValue(m.groups!), index: m.index, end: m.index + m[0].length, text: m[0], word: true });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** A whole string read as one number ("$1,250.00", "−3", "15 %"), or null. */
export function parseNumber(text: string): number | null {
  const t = normalizeText(text).trim().replace(/\s*(?:%|percent)$/i, '');
  const found = findNumbers(t).filter((c) => !c.word);
  if (found.length !== 1) return null;
  const [c] = found;
  return t.slice(0, c!.index).trim() === '' && t.slice(c!.end).trim() === '' ? c!.value : null;
}

/** Numbers a question gives: an answer that restates them beside its result still answers with the result. */
export function promptNumbers(prompt: string | undefined): number[] {
  return prompt ? findNumbers(normalizeText(prompt)).filter((c) => !c.word).map((c) => c.value) : [];
}

/**
 * A finder of numbers equal within `same`. Several numbers in one place narrow to those the question did not give,
 * else the one an asserting verb introduces ("she needs 92"). (The result after "=" is a rule of the extractor.)
 */
export function numberFinder(same: (a: number, b: number) => boolean, prompt?: string): Finder<number> {
  const inputs = promptNumbers(prompt);
  return {
    closed: true,
    find: findNumbers,
    same,
    show: (v) => String(Number(v.toPrecision(12))),
    prefer(cands, text) {
      const fresh = cands.filter((c) => !inputs.some((n) => same(n, c.value)));
      if (fresh.length > 0 && fresh.length < cands.length && new Set(fresh.map((c) => c.value)).size === 1) return { cands: fresh, why: 'the one number the question did not give' };
      const pool = fresh.length ? fresh : cands;
      const verbed = pool.filter((c) => ASSERTING_VERB.test(text.slice(Math.max(0, c.index - 30), c.index)));
      if (verbed.length) return { cands: verbed, why: `the number after "${/(\S+)\s*[$€£¥₹]?\s*$/.exec(text.slice(Math.max(0, verbed[0]!.index - 30), verbed[0]!.index))![1]}"` }; // ASSERTING_VERB matched: a word ends the text
      return fresh.length ? { cands: fresh, why: 'the numbers the question did not give' } : null;
    },
  };
}
