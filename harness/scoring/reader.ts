// Candidates, what a finder is, and the reader that decides among the candidates of one place.
import { HEDGE_BETWEEN, LIST_BETWEEN } from './cues.ts';

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

/** Parenthetical asides: "(42.195 / 1.609344 = 26.22)", "($0.05)", but not a lone "(B)". */
function asides(text: string): [number, number][] {
  return [...text.matchAll(/\(([^()\n]*)\)/g)].filter((m) => !/^\s*\p{L}\s*$/u.test(m[1]!)).map((m) => [m.index, m.index + m[0].length]);
}

export class Reader<T> {
  /** The live candidates that count: those in parenthetical asides only where nothing outside one is live. */
  readonly live: Candidate<T>[];
  constructor(
    readonly text: string,
    readonly finder: Finder<T>,
    live: Candidate<T>[],
  ) {
    const ranges = asides(text);
    const open = live.filter((c) => !ranges.some(([x, y]) => c.index > x && c.end < y));
    this.live = open.length ? open : live;
  }

  distinct(cands: Candidate<T>[]): Candidate<T>[] {
    const out: Candidate<T>[] = [];
    for (const c of cands) if (!out.some((d) => this.finder.same(d.value, c.value))) out.push(c);
    return out;
  }

  /** Live candidates in [a, b), numerals before number words. */
  within(a: number, b: number): Candidate<T>[] {
    const inside = this.live.filter((c) => c.index >= a && c.end <= b);
    return inside.some((c) => !c.word) ? inside.filter((c) => !c.word) : inside;
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
      const all = [...region.matchAll(sign)];
      const at = all.at(-1);
      if (!at) continue;
      // "Ben: $18, Ana: $36, Cal: $30" pairs labels with values; only a lone colon closes a computation.
      if (sign.source === ':' && all.length > 1) return null;
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

