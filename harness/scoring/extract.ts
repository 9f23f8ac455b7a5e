// The answer extractor every grader shares: where in a model's output its final answer is, and why there.
// Order of rules: reasoning blocks and aside sections go; then explicit markers and self-corrections (the latest
// that names a live candidate wins), then a bare first sentence, then the last assertion. Mentions that are negated
// or dismissed never count; several different live candidates in the deciding place are a hedge or a list.
import {
  AFFIRMED_AFTER, ASSERTING_VERB, CONCLUSION, CORRECTION, DISMISSED_AFTER, HEDGE_WORDS, NEGATED_BEFORE, NEGATED_LIST_BEFORE,
  NOT_ONLY, REFUSAL, STRONG_MARKER,
} from './cues.ts';
import { byLastAssertion } from './last-assertion.ts';
import { normalizeText, stripMarkdown } from './normalize.ts';
import { Reader, type Candidate, type ExtractContext, type Extraction, type Finder } from './reader.ts';
import { stripAsides, stripReasoningBlocks } from './reasoning.ts';
import { sentenceSpans, type Span } from './sentences.ts';

export type { Candidate, ExtractContext, Extraction, Finder } from './reader.ts';

/** The output made ready to read: normalised, reasoning blocks and aside sections removed, markdown dropped. */
export function prepareOutput(output: string): { text: string; notes: string[]; unclosed: boolean } {
  const blocks = stripReasoningBlocks(normalizeText(output));
  const asides = stripAsides(blocks);
  return { text: stripMarkdown(asides.text), notes: asides.removed, unclosed: asides.unclosed };
}

type Standing = 'live' | 'negated' | 'dismissed';

function clauseStart(text: string, at: number): number {
  const cut = Math.max(text.lastIndexOf('\n', at - 1), ...['.', ';', '!', '?', ','].map((p) => text.lastIndexOf(`${p} `, at - 1)));
  return cut < 0 ? 0 : cut + 1;
}

function standing<T>(text: string, c: Candidate<T>): Standing {
  const before = text.slice(Math.max(clauseStart(text, c.index), c.index - 48), c.index);
  if ((NEGATED_BEFORE.test(before) || NEGATED_LIST_BEFORE.test(before)) && !NOT_ONLY.test(before)) return 'negated';
  if (DISMISSED_AFTER.test(text.slice(c.end, c.end + 60))) return 'dismissed';
  return 'live';
}

interface Anchor {
  at: number;
  from: number;
  kind: 'marker' | 'correction' | 'conclusion' | 'affirmed';
  label: string;
}

function anchors<T>(text: string, live: Candidate<T>[]): Anchor[] {
  const out: Anchor[] = [];
  const add = (re: RegExp, kind: Anchor['kind']) => {
    for (const m of text.matchAll(re)) out.push({ at: m.index, from: m.index + m[0].length, kind, label: m[0].trim().replace(/\s+/g, ' ') });
  };
  add(STRONG_MARKER, 'marker');
  add(CORRECTION, 'correction');
  add(CONCLUSION, 'conclusion');
  for (const c of live) if (AFFIRMED_AFTER.test(text.slice(c.end, c.end + 40))) out.push({ at: c.index, from: c.index, kind: 'affirmed', label: `${c.text} is affirmed` });
  return out.sort((a, b) => a.at - b.at);
}

/** The rest of the sentence holding `from`, or the next sentence when that has nothing ("Answer:\n42", "Wait. It's 36."). */
function regionAfter<T>(r: Reader<T>, spans: Span[], from: number): [number, number] {
  const i = spans.findIndex((s) => from <= s.end);
  if (i < 0) return [from, from];
  const end = spans[i]!.end;
  if (r.within(from, end).length === 0 && spans[i + 1]) return [from, spans[i + 1]!.end];
  return [from, end];
}

/** A candidate that a correction or conclusion really asserts: first in its place, or after a verb, "=", or ":". */
function asserted(text: string, from: number, c: Candidate<unknown>): boolean {
  const gap = text.slice(from, c.index);
  return /^[\s,:;"'(*-]*(?:it(?:'s| is)\s+|that(?:'s| is)\s+|the answer is\s+)?(?:option\s+|letter\s+)?[$€£¥₹]?\s*$/i.test(gap) || ASSERTING_VERB.test(gap) || /[:=]\s*[$€£¥₹]?\s*$/.test(gap);
}

/** The answer a marker, an affirmation or a conclusion points at; after a conclusion only what is asserted counts. */
function atAnchor<T>(r: Reader<T>, spans: Span[], a: Anchor): Extraction<T> | null {
  if (a.kind === 'affirmed') {
    const c = r.live.find((x) => x.index === a.at)!;
    return r.answer(c, `affirmed: "${c.text} is …"`);
  }
  const boxed = a.label.startsWith('\\boxed');
  const close = r.text.indexOf('}', a.from);
  const [from, to] = boxed ? [a.from, close < 0 ? r.text.length : close] : regionAfter(r, spans, a.from);
  let cands = r.within(from, to);
  if (a.kind !== 'marker') cands = cands.filter((c) => asserted(r.text, from, c));
  return r.decide(cands, `${a.kind} "${a.label}"`, a.kind === 'marker');
}

/**
 * A self-correction discards what came before it: the text after the latest one that names an answer is read again,
 * by its own markers and conclusions, else by what it asserts ("Actually, this is a classic problem where 12 …"
 * asserts nothing, so the answer before it stands).
 */
function byCorrection<T>(r: Reader<T>, spans: Span[], all: Anchor[]): Extraction<T> | null {
  for (const c of all.filter((a) => a.kind === 'correction').reverse()) {
    const later = all.filter((a) => a.at >= c.from && a.kind !== 'correction');
    const inTail = [...later.filter((a) => a.kind !== 'conclusion').reverse(), ...later.filter((a) => a.kind === 'conclusion').reverse()];
    for (const a of inTail) {
      const found = atAnchor(r, spans, a);
      if (found) return { ...found, rule: `after correction "${c.label}": ${found.rule}` };
    }
    const tail = r.within(c.from, r.text.length).filter((x) => asserted(r.text, c.from, x) || ASSERTING_VERB.test(r.text.slice(Math.max(c.from, x.index - 30), x.index)));
    const found = r.decide(tail, `correction "${c.label}"`, false);
    if (found) return found;
  }
  return null;
}

/** Self-corrections first, then the latest explicit marker; conclusions ("so …") come after a bare first sentence. */
function byAnchors<T>(r: Reader<T>, spans: Span[], kinds: 'strong' | 'weak'): Extraction<T> | null {
  const all = anchors(r.text, r.live);
  if (kinds === 'strong') {
    const corrected = byCorrection(r, spans, all);
    if (corrected) return corrected;
  }
  const group = all.filter((a) => (kinds === 'strong' ? a.kind === 'marker' || a.kind === 'affirmed' : a.kind === 'conclusion')).reverse();
  for (const a of group) {
    const decided = atAnchor(r, spans, a);
    if (decided) return decided;
  }
  return null;
}

/** The first sentence is the bare answer ("B", "B) winword.exe …", "Suspicious.", "36 years"): answer-first style. */
function byLead<T>(r: Reader<T>, spans: Span[]): Extraction<T> | null {
  const first = spans[0];
  if (!first) return null;
  const cands = r.within(first.start, first.end);
  const c = cands[0];
  if (!c || r.distinct(cands).length > 1) return null;
  const before = r.text.slice(first.start, c.index);
  const after = r.text.slice(c.end, first.end);
  if (!/^[\s(\["'*]*$/.test(before)) return null;
  if (!/^(?:\s*$|\s*[().:,!\]"'*\-–—]|\s+[-–—]|\s+\p{Ll}+(?:\s\p{Ll}+)?[.!]?$)/u.test(after)) return null;
  return r.answer(c, 'bare answer in the first sentence');
}

function clauseAround(text: string, at: number, s: Span): string {
  const before = text.slice(s.start, at);
  const after = text.slice(at, s.end);
  const from = Math.max(...[',', ';', ':', '—'].map((p) => before.lastIndexOf(p))) + 1;
  const to = after.search(/[,;:—]/);
  return `${before.slice(from)}${to < 0 ? after : after.slice(0, to)}`;
}

/** Finds the final answer of `output` among the finder's candidates. Pure. */
export function extractAnswer<T>(output: string, finder: Finder<T>, ctx: ExtractContext = {}): Extraction<T> {
  const prepared = prepareOutput(output);
  const text = prepared.text;
  if (text === '') return { state: 'none', rule: prepared.unclosed ? 'reasoning block never closed: no answer after it' : 'empty output', text: '' };
  const all = finder.find(text);
  const live = all.filter((c) => standing(text, c) === 'live');
  const r = new Reader(text, finder, live);
  const spans = sentenceSpans(text);
  if (live.length === 0) {
    if (REFUSAL.test(text)) return { state: 'none', rule: 'refusal', text: '' };
    const negated = all.length ? `; mentions negated or dismissed: ${[...new Set(all.map((c) => c.text))].join(', ')}` : '';
    return { state: 'none', rule: `no answer found${negated}`, text: '' };
  }
  let found = byAnchors(r, spans, 'strong') ?? byLead(r, spans) ?? byAnchors(r, spans, 'weak') ?? byLastAssertion(r, spans, ctx);
  if (!found) return { state: 'none', rule: REFUSAL.test(text) ? 'refusal' : 'no answer found in the final statement', text: '' };
  if (found.state === 'answer') {
    const value = found.value;
    const others = r.distinct(r.live).filter((c) => !finder.same(c.value, value));
    // A tentative claim with another candidate in sight is a hedge: "either A or B, probably B".
    const at = found.at ?? -1;
    const sentence = spans.find((s) => at >= s.start && at < s.end);
    // The clause that holds the answer: "3 socks; with 2 you might get…" is not hedged, "either A or B, probably B" is.
    const place = sentence && { text: clauseAround(text, at, sentence) };
    if (others.length && place && HEDGE_WORDS.test(place.text) && !/^(?:marker|correction|affirmed|after correction)/.test(found.rule)) {
      found = { state: 'ambiguous', values: [value, ...others.map((c) => c.value)], rule: `hedged: "${place.text.slice(0, 60)}"`, text: found.text };
    } else if (REFUSAL.test(text) && !/^(?:marker|correction|affirmed|after correction)/.test(found.rule)) {
      found = { state: 'none', rule: 'refusal (no marked answer)', text: '' };
    }
  }
  if (prepared.notes.length && found.state !== 'none') found = { ...found, rule: `${found.rule} (after removing ${prepared.notes.join(', ')})` };
  return found;
}

export function showExtraction<T>(e: Extraction<T>, show: (v: T) => string): string | null {
  if (e.state === 'answer') return show(e.value);
  if (e.state === 'none') return null;
  return e.values.map(show).join(' | ');
}
