// Graders of form rather than of one answer: a whole-answer pattern, word/bullet/sentence/line counts, and
// required keywords that must sit in sentences that say something (not a stuffed list).
import { REFUSAL } from './cues.ts';
import { escapeRegExp, normalizeText, stripMarkdown } from './normalize.ts';
import { stripReasoningBlocks } from './reasoning.ts';
import { sentenceSpans } from './sentences.ts';

export interface FormGrade {
  score: number;
  extracted: string | null;
  rule: string;
  detail?: string;
}

/** The output without reasoning blocks; why it cannot be graded when it is empty or a refusal. */
export function formText(output: string): { text: string } | { why: string } {
  const prepared = stripReasoningBlocks(normalizeText(output));
  const text = prepared.text.replace(/```[a-zA-Z]*\n?/g, '').trim();
  if (text === '') return { why: prepared.unclosed ? 'reasoning block never closed: no answer after it' : 'empty output' };
  const first = sentenceSpans(text)[0]?.text ?? '';
  if (REFUSAL.test(first)) return { why: 'refusal' };
  return { text };
}

/** One line of answer with its decoration gone: bold, quotes, code marks, one trailing full stop or "!". */
export function bareLine(text: string): string {
  return stripMarkdown(text)
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .replace(/(?<![.!])[.!]$/, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim();
}

export function gradeRegex(output: string, pattern: string, flags: string): FormGrade {
  const t = formText(output);
  if ('why' in t) return { score: 0, extracted: null, rule: t.why };
  const bare = t.text.split('\n').map(bareLine).filter((l) => l !== '').join('\n');
  const ok = new RegExp(pattern, flags).test(bare);
  return { score: ok ? 1 : 0, extracted: bare, rule: 'whole answer, decoration removed', ...(ok ? {} : { detail: `does not match /${pattern}/${flags}` }) };
}

export type CountUnit = 'words' | 'bullets' | 'sentences' | 'lines';

/** A bullet line: "- ", "* ", "• ", "‣ ". A numbered line is not one (it is not counted, so it cannot be allowed
 * beside the bullets either: "1. Here they are" before three bullets is text besides them). */
const BULLET = /^\s*[-*•‣]\s+\S/;

export function countUnits(text: string, unit: CountUnit): number {
  switch (unit) {
    case 'words':
      return (stripMarkdown(text).match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
    case 'bullets':
      return text.split('\n').filter((l) => BULLET.test(l)).length;
    case 'sentences':
      return sentenceSpans(stripMarkdown(text), { lines: false }).filter((s) => /\p{L}/u.test(s.text)).length;
    case 'lines':
      return text.split('\n').filter((l) => l.trim() !== '').length;
  }
}

export function gradeCount(output: string, g: { unit: CountUnit; exactly?: number; min?: number; max?: number; only?: boolean }): FormGrade {
  const t = formText(output);
  if ('why' in t) return { score: 0, extracted: null, rule: t.why };
  const n = countUnits(t.text, g.unit);
  const extracted = `${n} ${g.unit}`;
  if (g.only && g.unit === 'bullets') {
    const other = t.text.split('\n').filter((l) => l.trim() !== '' && !BULLET.test(l));
    if (other.length) return { score: 0, extracted, rule: `${g.unit} only`, detail: `text besides the bullets: "${other[0]!.trim().slice(0, 40)}"` };
  }
  const ok = (g.exactly === undefined || n === g.exactly) && (g.min === undefined || n >= g.min) && (g.max === undefined || n <= g.max);
  const want = [g.exactly !== undefined ? `exactly ${g.exactly}` : '', g.min !== undefined ? `at least ${g.min}` : '', g.max !== undefined ? `at most ${g.max}` : ''].filter(Boolean).join(', ');
  return { score: ok ? 1 : 0, extracted, rule: `count of ${g.unit} (${want})`, ...(ok ? {} : { detail: `counted ${n} ${g.unit}` }) };
}

/** A sentence that says something: six words or more, at most half of them keywords, not a comma-separated pile. */
function answering(sentence: string, keywords: readonly string[]): boolean {
  const words = sentence.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  if (words.length < 6) return false;
  const keywordWords = keywords.reduce((n, k) => n + (fold(sentence).match(keywordRegex(k)) ?? []).length * k.split(/\s+/).length, 0);
  const commas = (sentence.match(/,/g) ?? []).length;
  return keywordWords <= words.length / 2 && commas < words.length / 3;
}

/** Lower case without accents: "Café" and "cafe" are the same keyword. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function keywordRegex(k: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(fold(k)).replace(/\s+/g, '\\s+')}[\\p{L}]{0,3}(?![\\p{L}\\p{N}])`, 'gu');
}

export function gradeKeywords(
  output: string,
  g: { all: readonly string[]; any: readonly string[]; none: readonly string[]; max_words?: number; max_sentences?: number },
): FormGrade {
  const t = formText(output);
  if ('why' in t) return { score: 0, extracted: null, rule: t.why };
  const words = countUnits(t.text, 'words');
  const sentences = sentenceSpans(stripMarkdown(t.text), { lines: false }).map((s) => fold(s.text));
  if (g.max_words !== undefined && words > g.max_words) return { score: 0, extracted: `${words} words`, rule: 'length cap', detail: `${words} words, the item allows ${g.max_words}` };
  if (g.max_sentences !== undefined && sentences.length > g.max_sentences) return { score: 0, extracted: `${sentences.length} sentences`, rule: 'length cap', detail: `${sentences.length} sentences, the item allows ${g.max_sentences}` };
  const wanted = [...g.all, ...g.any];
  const whole = fold(t.text);
  const count = (k: string) => (whole.match(keywordRegex(k)) ?? []).length;
  if (wanted.some((k) => count(k) > 3)) return { score: 0, extracted: null, rule: 'keyword stuffing', detail: `a keyword repeated more than three times` };
  const inAnswer = (k: string) => sentences.some((s) => keywordRegex(k).test(s) && answering(s, wanted));
  const mentioned = (k: string) => count(k) > 0;
  if (wanted.some(mentioned) && !wanted.some(inAnswer)) return { score: 0, extracted: null, rule: 'keyword stuffing', detail: 'the keywords appear only outside sentences that say something' };
  const checks = [
    ...g.all.map((k) => [inAnswer(k), `missing "${k}"`] as const),
    ...(g.any.length ? [[g.any.some(inAnswer), `none of ${g.any.join(', ')}`] as const] : []),
    ...g.none.map((k) => [!mentioned(k), `contains "${k}"`] as const),
  ];
  const passed = checks.filter(([ok]) => ok).length;
  const failed = checks.filter(([ok]) => !ok).map(([, why]) => why);
  const found = wanted.filter(inAnswer);
  // A forbidden word breaks an explicit instruction: no partial credit for the rest.
  const forbidden = g.none.some(mentioned);
  return {
    score: forbidden ? 0 : checks.length ? passed / checks.length : 1,
    extracted: found.length ? found.join(', ') : null,
    rule: `keywords in answering sentences (${passed}/${checks.length} checks)`,
    ...(failed.length ? { detail: failed.join('; ') } : {}),
  };
}
