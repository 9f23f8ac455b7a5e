// The last-statement rule: the sentence that asserts a candidate (the one answering the question, if that tells),
// its conclusion clause, main clauses before subordinate ones, statements before hypotheticals.
import { SUBORDINATE } from './cues.ts';
import type { ExtractContext, Extraction, Reader } from './reader.ts';
import type { Span } from './sentences.ts';

/** Question words that point at the sentence answering it ("riskier", "shortest"). */
/** The word itself or its plural: "tree" in "trees", not "ben" in "benign". */
function mentions(text: string, word: string): boolean {
  return new RegExp(`(?<![\\p{L}])${word}(?:s|es)?(?![\\p{L}])`, 'iu').test(text);
}

function focusWords(prompt: string | undefined): Set<string> {
  if (!prompt) return new Set();
  const lines = prompt.split('\n').filter((l) => l.includes('?'));
  const line = lines.at(-1) ?? '';
  // split() always returns at least one piece
  const sentence = line.slice(0, line.lastIndexOf('?')).split(/(?<=[.!])\s+/).at(-1)!;
  // From the question word on: "Travelling at the same speed, how many kilometres…" is about kilometres, not speed.
  const wh = /\b(?:which|who|whom|whose|what|when|where|why|how)\b/i.exec(sentence) ?? /\b(?:is|are|does|do|did|can|could|was|were|should|must|will)\b/i.exec(sentence);
  const q = sentence.slice(wh?.index ?? 0).toLowerCase();
  const stop = new Set(
    ('the and for are was how who why you any can did has had its not one out all but few may own per she her him his two use way yes our get got let put say see set too now which what when where does from with that this these ' +
      'those have there their answer word only letter number just many much would will should could into about after before').split(' '),
  );
  return new Set(Array.from(q.matchAll(/\p{L}{3,}/gu), (m) => m[0]).filter((w) => !stop.has(w)));
}

/** The last sentence that asserts a candidate (the one sharing most words with the question, if that tells). */
export function byLastAssertion<T>(r: Reader<T>, spans: Span[], ctx: ExtractContext): Extraction<T> | null {
  const focus = focusWords(ctx.prompt);
  const scored = spans
    .map((s, i) => ({ s, i, cands: r.within(s.start, s.end), score: [...focus].filter((w) => mentions(s.text, w)).length }))
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
  // "i.e." ends in a full stop, so the word boundary goes with the words only ("i.e. 12" has none after the stop).
  const conclusion = [...parts].reverse().find((p) => /^[,;:\s]*(?:(?:so|therefore|thus|hence|which (?:is|equals|makes|gives|means|comes to)|that is)\b|i\.e\.)/i.test(p.text) && r.within(p.start, p.end).length);
  // (A but-clause with candidates is picked above; one without adds none below.)
  const main = parts.filter((p) => !SUBORDINATE.test(p.text.replace(/^[,;\s]+/, '')) && !/^\s*(?:—|--|–)\s/.test(p.text));
  const butClause = [...parts].reverse().find((p) => /^[,;\s]*but\b/i.test(p.text) && r.within(p.start, p.end).length);
  // Ties go to the later sentence, so an earlier best has a higher score than the last, hence above 0.
  const why = best.i !== scored.at(-1)!.i ? 'the sentence answering the question' : 'the last statement';
  const pick = conclusion ?? butClause;
  if (pick) return r.decide(r.within(pick.start, pick.end), `${why}, after "${pick.text.replace(/^[,;:\s]+/, '').split(/\s/)[0]}"`, false);
  const withCands = main.filter((p) => r.within(p.start, p.end).length);
  if (withCands.length === 0) return r.decide(r.within(s.start, s.end), why, false);
  // Across several clauses "=" says nothing: "Maria = 36 years, son = 12 years".
  const all = withCands.flatMap((p) => r.within(p.start, p.end));
  const whole = r.decide(all, why, false, withCands.length === 1)!; // all holds candidates: never null
  if (whole.state === 'answer' || withCands.length === 1) return whole;
  // A list that runs to the last candidate ("A, B, C and D") is a list, not its last item; "with 78 and 85 she needs
  // 92" lists the inputs and then answers.
  if (whole.state === 'list' && r.relation(all.at(-2)!, all.at(-1)!) === 'list') return whole;
  // "Between A and B, B is riskier": the last main clause says it (or the one that repeats the question's words).
  const focusOf = (p: { text: string }) => [...focus].filter((w) => mentions(p.text, w)).length;
  // A hypothetical ("rule 2 would deny it") gives way to a plain statement.
  const plain = withCands.filter((p) => !/\b(?:would|could|might|may)\b/i.test(p.text));
  const last = (plain.length ? plain : withCands).reduce((a, b) => (focusOf(b) >= focusOf(a) ? b : a));
  return r.decide(r.within(last.start, last.end), `${why}, its last clause`, false) ?? whole;
}

