// The answer extractor every grader shares: where in a model's output its final answer is, and why there.
// Order of rules: reasoning blocks and aside sections go; then explicit markers and self-corrections (the latest
// that names a live candidate wins), then a bare first sentence, then the last assertion. Mentions that are negated
// or dismissed never count; several different live candidates in the deciding place are a hedge or a list.
import {
  AFFIRMED_AFTER, ASSERTING_VERB, CONCLUSION, CORRECTION, DISMISSED_AFTER, HEDGE_BETWEEN, HEDGE_WORDS, LIST_BETWEEN,
  NEGATED_BEFORE, NEGATED_LIST_BEFORE, NOT_ONLY, REFUSAL, STRONG_MARKER, SUBORDINATE,
} from './cues.ts';
import { normalizeText, stripMarkdown } from './normalize.ts';
import { stripAsides, stripReasoningBlocks } from './reasoning.ts';
import { sentenceSpans, type Span } from './sentences.ts';

export interface Candidate<T> {
  value: T;
  index: number;
  end: number;
  text: string;
  /** A weaker form (a number word): counts only where no ordinary candidate does. */
  word?: boolean;
}

export interface Finder<T> {
  find(text: string): Candidate<T>[];
  same(a: T, b: T): boolean;
  show(v: T): string;
  /** Every possible answer is a candidate (numbers, letters, labels, IDs); false for open answers. */
  closed: boolean;
  /** Narrows several candidates in one place (numbers: the result of "=", not the question's inputs). */
  prefer?: (cands: Candidate<T>[], text: string) => { cands: Candidate<T>[]; why: string } | null;
}

export interface ExtractContext {
  /** The question, to tell its own figures and words from the answer's. */
  prompt?: string;
}

export type Extraction<T> =
  | { state: 'answer'; value: T; rule: string; text: string; at?: number }
  | { state: 'list'; values: T[]; rule: string; text: string }
  | { state: 'ambiguous'; values: T[]; rule: string; text: string }
  | { state: 'none'; rule: string; text: string };

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

/** Parenthetical asides: "(42.195 / 1.609344 = 26.22)", "($0.05)", but not a lone "(B)". */
function asides(text: string): [number, number][] {
  return [...text.matchAll(/\(([^()\n]*)\)/g)].filter((m) => !/^\s*\p{L}\s*$/u.test(m[1]!)).map((m) => [m.index, m.index + m[0].length]);
}

class Reader<T> {
  readonly asides: [number, number][];
  constructor(
    readonly text: string,
    readonly finder: Finder<T>,
    readonly live: Candidate<T>[],
  ) {
    this.asides = asides(text);
  }

  distinct(cands: Candidate<T>[]): Candidate<T>[] {
    const out: Candidate<T>[] = [];
    for (const c of cands) if (!out.some((d) => this.finder.same(d.value, c.value))) out.push(c);
    return out;
  }

  /** Live candidates in [a, b): numerals before number words, and outside parenthetical asides where any are. */
  within(a: number, b: number): Candidate<T>[] {
    let inside = this.live.filter((c) => c.index >= a && c.end <= b);
    if (inside.some((c) => !c.word)) inside = inside.filter((c) => !c.word);
    const open = inside.filter((c) => !this.asides.some(([x, y]) => c.index > x && c.end < y));
    return open.length ? open : inside;
  }

  answer(c: Candidate<T>, rule: string): Extraction<T> {
    return { state: 'answer', value: c.value, rule, text: c.text, at: c.index };
  }

  /** How two different neighbouring candidates relate: alternatives ("B or C", "280-290"), a list, or neither. */
  relation(x: Candidate<T>, y: Candidate<T>): 'hedge' | 'list' | null {
    const between = this.text.slice(x.end, y.index);
    if (HEDGE_BETWEEN.test(between) || /\beither\b|\bbetween\b/i.test(this.text.slice(Math.max(0, x.index - 12), x.index))) return 'hedge';
    return LIST_BETWEEN.test(between) ? 'list' : null;
  }

  /**
   * "… = 288 km": the candidate after the last "=" when nothing else follows it; likewise after a colon that closes a
   * computation ("16 days and 10 days: 26 days"), but not one that opens a breakdown ("Five children: four …").
   */
  afterEquals(cands: Candidate<T>[], equals = true): Candidate<T> | null {
    const start = cands[0]!.index;
    const region = this.text.slice(start, cands.at(-1)!.end);
    for (const sign of equals ? [/[=≈→⇒]|=>/g, /:/g] : [/:/g]) {
      const at = [...region.matchAll(sign)].at(-1);
      if (!at) continue;
      const after = cands.filter((c) => c.index > start + at.index);
      const before = cands.filter((c) => c.index < start + at.index);
      if (after.length && this.distinct(after).length === 1 && (sign.source !== ':' || before.length >= 2)) return after[0]!;
      return null;
    }
    return null;
  }

  /** One answer from the candidates of one place, or why not. After a marker, the first candidate is the answer. */
  decide(cands: Candidate<T>[], rule: string, firstWins: boolean, equals = true): Extraction<T> | null {
    if (cands.length === 0) return null;
    const text = this.text.slice(cands[0]!.index, cands.at(-1)!.end);
    const d = this.distinct(cands);
    const values = d.map((c) => c.value);
    if (d.length === 1) return this.answer(cands.at(-1)!, rule);
    for (let i = 0; i + 1 < cands.length; i++) {
      const [x, y] = [cands[i]!, cands[i + 1]!];
      if (this.finder.same(x.value, y.value)) continue;
      const how = this.relation(x, y);
      if (how === 'hedge') return { state: 'ambiguous', values, rule: `${rule}: alternatives "${this.text.slice(x.index, y.end)}"`, text };
      if (how === 'list') return { state: 'list', values, rule: `${rule}: a list "${this.text.slice(x.index, y.end)}"`, text };
      if (firstWins) break;
    }
    if (firstWins) return this.answer(cands[0]!, `${rule}, first after it`);
    const result = this.afterEquals(cands, equals);
    if (result) return this.answer(result, `${rule}, the result after "="`);
    const narrowed = this.finder.prefer?.(cands, this.text);
    if (narrowed) {
      const n = this.distinct(narrowed.cands);
      if (n.length === 1) return this.answer(narrowed.cands.at(-1)!, `${rule}, ${narrowed.why}`);
    }
    return { state: 'ambiguous', values, rule: `${rule}: several answers`, text };
  }
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
  if (!/^(?:\s*$|\s*[).:,!\]"'*\-–—]|\s+[-–—]|\s+\p{Ll}+(?:\s\p{Ll}+)?[.!]?$)/u.test(after)) return null;
  return r.answer(c, 'bare answer in the first sentence');
}

/** Question words that point at the sentence answering it ("riskier", "shortest"). */
function focusWords(prompt: string | undefined): Set<string> {
  if (!prompt) return new Set();
  const lines = prompt.split('\n').filter((l) => l.includes('?'));
  const line = lines.at(-1) ?? '';
  const sentence = line.slice(0, line.lastIndexOf('?')).split(/(?<=[.!])\s+/).at(-1) ?? '';
  // From the question word on: "Travelling at the same speed, how many kilometres…" is about kilometres, not speed.
  const wh = /\b(?:which|who|whom|whose|what|when|where|why|how)\b/i.exec(sentence) ?? /\b(?:is|are|does|do|did|can|could|was|were|should|must|will)\b/i.exec(sentence);
  const q = sentence.slice(wh?.index ?? 0).toLowerCase();
  const stop = new Set(['which', 'what', 'when', 'where', 'does', 'from', 'with', 'that', 'this', 'these', 'those', 'have', 'there', 'their', 'answer', 'word', 'only', 'letter', 'number', 'just', 'many', 'much', 'would', 'will', 'should', 'could', 'into', 'about', 'after', 'before']);
  return new Set((q.match(/\p{L}{4,}/gu) ?? []).filter((w) => !stop.has(w)));
}

/** The last sentence that asserts a candidate (the one sharing most words with the question, if that tells). */
function byLastAssertion<T>(r: Reader<T>, spans: Span[], ctx: ExtractContext): Extraction<T> | null {
  const focus = focusWords(ctx.prompt);
  const scored = spans
    .map((s, i) => ({ s, i, cands: r.within(s.start, s.end), score: [...focus].filter((w) => s.text.toLowerCase().includes(w)).length }))
    .filter((x) => (r.finder.closed ? x.cands.length > 0 : x.i === spans.length - 1));
  if (scored.length === 0) return null;
  const best = scored.reduce((a, b) => (b.score >= a.score ? b : a));
  const s = best.s;
  // Within the sentence: the clause after the last "so/therefore", and main clauses before subordinate ones.
  // A spaced em dash opens an explanation; a spaced hyphen is as likely a minus ("$20 - $16.20 = $3.80").
  const clauses = s.text.split(/(?=,\s|;\s|\s(?:—|--|–(?!\s*[$€£¥₹]?\d))\s|\s(?:but|so|therefore|thus|hence|because|since|while|whereas|although|and)\s)/i);
  let offset = s.start;
  const parts: { start: number; end: number; text: string }[] = [];
  for (const c of clauses) {
    const p = { start: offset, end: offset + c.length, text: c };
    offset += c.length;
    // ", 64.8" alone continues a list ("60, 64.8"), it is not a clause of its own.
    const prev = parts.at(-1);
    const only = r.within(p.start, p.end);
    if (prev && /^,\s*/.test(c) && only.length === 1 && r.text.slice(only[0]!.end, p.end).trim().replace(/[.!]$/, '') === '' && r.text.slice(p.start, only[0]!.index).replace(/^,\s*/, '') === '') {
      prev.end = p.end;
      prev.text += c;
    } else parts.push(p);
  }
  const conclusion = [...parts].reverse().find((p) => /^[,;:\s]*(?:so|therefore|thus|hence|which (?:is|equals|makes|gives|means|comes to)|that is|i\.e\.)\b/i.test(p.text) && r.within(p.start, p.end).length);
  const main = parts.filter((p) => !SUBORDINATE.test(p.text.replace(/^[,;\s]+/, '')) && !/^\s*(?:—|--|–)\s/.test(p.text) && !/^[,;\s]*but\b/i.test(p.text));
  const butClause = [...parts].reverse().find((p) => /^[,;\s]*but\b/i.test(p.text) && r.within(p.start, p.end).length);
  const why = best.score > 0 && scored.length > 1 && best.i !== scored.at(-1)!.i ? 'the sentence answering the question' : 'the last statement';
  const pick = conclusion ?? butClause;
  if (pick) return r.decide(r.within(pick.start, pick.end), `${why}, after "${pick.text.trim().split(/\s/)[0]}"`, false);
  const withCands = main.filter((p) => r.within(p.start, p.end).length);
  if (withCands.length === 0) return r.decide(r.within(s.start, s.end), why, false);
  // Across several clauses "=" says nothing: "Maria = 36 years, son = 12 years".
  const whole = r.decide(withCands.flatMap((p) => r.within(p.start, p.end)), why, false, withCands.length === 1);
  if (whole?.state === 'answer' || withCands.length === 1) return whole;
  // "Between A and B, B is riskier": the last main clause says it (or the one that repeats the question's words).
  const focusOf = (p: { text: string }) => [...focus].filter((w) => p.text.toLowerCase().includes(w)).length;
  // A hypothetical ("rule 2 would deny it") gives way to a plain statement.
  const plain = withCands.filter((p) => !/\b(?:would|could|might|may)\b/i.test(p.text));
  const last = (plain.length ? plain : withCands).reduce((a, b) => (focusOf(b) >= focusOf(a) ? b : a));
  return r.decide(r.within(last.start, last.end), `${why}, its last clause`, false) ?? whole;
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
    const others = r.distinct(r.within(0, text.length)).filter((c) => !finder.same(c.value, value));
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
