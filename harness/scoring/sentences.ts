// Sentence spans of a text: where a sentence starts and ends, so graders can say which sentence decided.

export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Abbreviations whose full stop does not end a sentence ("e.g. Paris", "Dr. Okafor", "3 p.m. Then"). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'vs', 'cf', 'al', 'dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'no', 'nos', 'approx', 'a.m', 'p.m', 'u.s', 'u.k',
  'inc', 'ltd', 'co', 'jr', 'sr', 'fig', 'eq', 'min', 'max', 'ca', 'resp', 'viz', 'op', 'vol', 'pp', 'ft', 'in', 'lb', 'oz', 'km',
]);

function endsWithAbbreviation(before: string): boolean {
  const word = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
  // Not single initials ("J. Smith"): "The answer is B. A is wrong." has two sentences, and that matters more here.
  return ABBREVIATIONS.has(word);
}

/**
 * Sentences split at ". ", "! ", "? " before a capital, digit, quote or bracket (never after an abbreviation or
 * inside a number), and, with `lines`, at every line break.
 */
export function sentenceSpans(text: string, options: { lines: boolean } = { lines: true }): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body) spans.push({ start: start + lead, end: start + lead + body.length, text: body });
    start = end;
  };
  const boundary = /([.!?…]+)["'”’)\]]*(\s+)(?=["'“‘(\[]?[\p{Lu}\p{N}*#-])|\n+/gu;
  for (const m of text.matchAll(boundary)) {
    if (m[0].startsWith('\n') && !m[1]) {
      if (options.lines) push(m.index);
      continue;
    }
    if (m[1] === '.' && endsWithAbbreviation(text.slice(start, m.index))) continue;
    push(m.index + m[0].length - m[2]!.length);
  }
  push(text.length);
  return spans;
}
