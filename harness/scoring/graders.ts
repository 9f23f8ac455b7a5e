import { z } from 'zod';
import { escapeRegExp, normalizeText, stripMarkdown } from './normalize.ts';

export const graderSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('exact') }),
  z.strictObject({ type: z.literal('label'), labels: z.array(z.string().min(1)).min(2) }),
  z.strictObject({ type: z.literal('choice'), choices: z.array(z.string().regex(/^[A-Z]$/)).min(2) }),
  z.strictObject({ type: z.literal('numeric'), tolerance: z.number().min(0).default(0), relative: z.boolean().default(false) }),
  z.strictObject({ type: z.literal('regex'), pattern: z.string(), flags: z.string().regex(/^[imsu]*$/).default('') }),
  z.strictObject({
    type: z.literal('json'),
    keys: z.record(z.string(), z.enum(['string', 'number', 'boolean', 'array', 'object'])),
    equals: z.record(z.string(), z.unknown()).optional(),
  }),
  z.strictObject({
    type: z.literal('keywords'),
    all: z.array(z.string().min(1)).default([]),
    any: z.array(z.string().min(1)).default([]),
    none: z.array(z.string().min(1)).default([]),
  }),
  z.strictObject({
    type: z.literal('count'),
    unit: z.enum(['words', 'bullets', 'sentences', 'lines']),
    exactly: z.number().int().min(0).optional(),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
]);
export type Grader = z.infer<typeof graderSchema>;

/** A score in [0, 1], what was read from the output (null when nothing could be), and why, when it is not 1. */
export interface Grade {
  score: number;
  parsed: string | null;
  detail?: string;
}

/** "not B", "isn't suspicious", "never allow", "no option C" right before a match negate it. */
const NEGATED_BEFORE = /(?:\b(?:not|never|no)|n't)\s+(?:an?\s+|the\s+|option\s+|answer\s+|choice\s+)?$/i;

function negated(text: string, index: number): boolean {
  return NEGATED_BEFORE.test(text.slice(Math.max(0, index - 24), index));
}

function clean(output: string): string {
  return stripMarkdown(normalizeText(output));
}

const AMBIGUOUS = (found: string[]): Grade => ({ score: 0, parsed: found.join(' | '), detail: `more than one answer given: ${found.join(', ')}` });

/** The one label the output commits to; negated mentions do not count. */
export function readLabel(output: string, labels: readonly string[]): Grade & { label?: string } {
  const text = clean(output).toLowerCase();
  const found = new Set<string>();
  for (const label of labels) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(label.toLowerCase())}(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of text.matchAll(re)) if (!negated(text, m.index)) found.add(label);
  }
  if (found.size > 1) return AMBIGUOUS([...found]);
  const [label] = found;
  return label ? { score: 1, parsed: label, label } : { score: 0, parsed: null, detail: `none of ${labels.join(', ')} in the answer` };
}

const EXPLICIT_CHOICE = [
  /\b(?:answer|option|choice)\s*(?:is|would be|:)?\s*[(\[]?([A-Za-z])(?![\p{L}\p{N}])/giu,
  /\(([A-Z])\)/g,
  /^\s*([A-Z])\s*[).:]/gm,
  /^\s*([A-Z])\s*$/gm,
];

const LONE_LETTER =
  /(?<![\p{L}\p{N}])([B-Z]|A(?!\s+(?!(?:or|and|is|was|seems|looks|appears|would|because|has|wins|fits)\b)[a-z]))(?![\p{L}\p{N}])/gu;

/** The one choice letter the output commits to: explicit forms first ("answer is B", "(B)", "B)"), then a lone letter. */
export function readChoice(output: string, choices: readonly string[]): Grade {
  const text = clean(output);
  const collect = (patterns: RegExp[]) => {
    const found = new Set<string>();
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const letter = m[1]!.toUpperCase();
        const at = m.index + m[0].lastIndexOf(m[1]!);
        if (choices.includes(letter) && !negated(text, at)) found.add(letter);
      }
    }
    return [...found];
  };
  let found = collect(EXPLICIT_CHOICE);
  // A lone capital letter. "A" before a noun is the article ("A process tree…"), before a verb or "or" it is option A.
  if (found.length === 0) found = collect([LONE_LETTER]);
  if (found.length > 1) return AMBIGUOUS(found);
  return found[0] ? { score: 1, parsed: found[0] } : { score: 0, parsed: null, detail: `no choice among ${choices.join(', ')} found` };
}

const NUMBER = /(?<![\p{L}\d.])([-−]?)\s?\$?\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\d])/gu;
const ANSWER_MARKER = /\b(?:final answer|answer|total|result)\b\s*(?:is|=|:|would be|comes to)?|=/gi;

export function parseNumber(text: string): number | null {
  const m = /^\s*([-−]?)\s*\$?\s*((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*%?\s*$/.exec(normalizeText(text));
  if (!m) return null;
  const n = Number(m[2]!.replace(/,/g, ''));
  return m[1] ? -n : n;
}

function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(NUMBER)) {
    if (negated(text, m.index)) continue;
    const n = Number(m[2]!.replace(/,/g, ''));
    out.push(m[1] ? -n : n);
  }
  return out;
}

/** The number after the last "answer is" / "=" marker, else the numbers of the last line; two different ones score 0. */
export function readNumber(output: string, same: (a: number, b: number) => boolean): Grade & { value?: number } {
  const text = clean(output);
  let segment: string | null = null;
  for (const m of text.matchAll(ANSWER_MARKER)) segment = text.slice(m.index + m[0].length).split('\n')[0]!;
  let values = segment === null ? [] : numbersIn(segment);
  if (values.length === 0) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    values = numbersIn(lines.at(-1) ?? '');
  }
  const distinct: number[] = [];
  for (const v of values) if (!distinct.some((d) => same(d, v))) distinct.push(v);
  if (distinct.length > 1) return AMBIGUOUS(distinct.map(String));
  const [value] = distinct;
  return value === undefined ? { score: 0, parsed: null, detail: 'no number found' } : { score: 1, parsed: String(value), value };
}

/** The first JSON object in the output, code fences allowed around it. */
export function readJsonObject(output: string): unknown {
  const text = normalizeText(output);
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = fenced ? fenced[1]! : text;
  const start = body.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return JSON.parse(body.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

export function countUnits(output: string, unit: 'words' | 'bullets' | 'sentences' | 'lines'): number {
  const text = normalizeText(output).replace(/```[a-z]*\n?/gi, '').trim();
  switch (unit) {
    case 'words':
      return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
    case 'bullets':
      return text.split('\n').filter((l) => /^\s*[-*•]\s+\S/.test(l)).length;
    case 'sentences':
      return text.split(/(?<=[.!?])\s+/).filter((s) => /\p{L}/u.test(s)).length;
    case 'lines':
      return text.split('\n').filter((l) => l.trim() !== '').length;
  }
}

function tidy(s: string): string {
  return clean(s)
    .toLowerCase()
    .replace(/^["'“‘\s]+|["'”’\s.!?,;:]+$/g, '')
    .replace(/\s+/g, ' ');
}

/** Grades one output against an item's grader and reference answer. Pure. */
export function grade(grader: Grader, output: string, reference: string): Grade {
  switch (grader.type) {
    case 'exact': {
      const want = tidy(reference);
      const whole = tidy(output);
      const marked = /answer\s*(?:is|:)\s*([^\n]*)$/i.exec(clean(output).split('\n').filter((l) => l.trim()).at(-1) ?? '');
      const last = marked ? tidy(marked[1]!) : '';
      const ok = whole === want || last === want;
      return { score: ok ? 1 : 0, parsed: whole, ...(ok ? {} : { detail: `expected "${reference}"` }) };
    }
    case 'label': {
      const g = readLabel(output, grader.labels);
      if (g.score === 0) return g;
      const ok = g.parsed === reference.toLowerCase();
      return { score: ok ? 1 : 0, parsed: g.parsed, ...(ok ? {} : { detail: `expected ${reference}` }) };
    }
    case 'choice': {
      const g = readChoice(output, grader.choices);
      if (g.score === 0) return g;
      const ok = g.parsed === reference.trim().toUpperCase();
      return { score: ok ? 1 : 0, parsed: g.parsed, ...(ok ? {} : { detail: `expected ${reference}` }) };
    }
    case 'numeric': {
      const want = parseNumber(reference);
      if (want === null) throw new Error(`numeric reference is not a number: ${reference}`);
      const within = (a: number, b: number) => Math.abs(a - b) <= (grader.relative ? grader.tolerance * Math.abs(b) : grader.tolerance);
      const g = readNumber(output, within);
      if (g.value === undefined) return g;
      const ok = within(g.value, want);
      return { score: ok ? 1 : 0, parsed: g.parsed, ...(ok ? {} : { detail: `expected ${reference}` }) };
    }
    case 'regex': {
      const ok = new RegExp(grader.pattern, grader.flags).test(normalizeText(output).trim());
      return { score: ok ? 1 : 0, parsed: normalizeText(output).trim(), ...(ok ? {} : { detail: `does not match /${grader.pattern}/${grader.flags}` }) };
    }
    case 'json': {
      const value = readJsonObject(output);
      if (typeOf(value) !== 'object') return { score: 0, parsed: null, detail: 'no JSON object found' };
      const obj = value as Record<string, unknown>;
      const problems: string[] = [];
      for (const [key, type] of Object.entries(grader.keys)) {
        if (!(key in obj)) problems.push(`missing key ${key}`);
        else if (typeOf(obj[key]) !== type) problems.push(`${key} is ${typeOf(obj[key])}, expected ${type}`);
      }
      for (const [key, want] of Object.entries(grader.equals ?? {})) if (!sameValue(obj[key], want)) problems.push(`${key} ≠ ${JSON.stringify(want)}`);
      return { score: problems.length === 0 ? 1 : 0, parsed: JSON.stringify(obj), ...(problems.length ? { detail: problems.join('; ') } : {}) };
    }
    case 'keywords': {
      const text = clean(output).toLowerCase();
      const has = (k: string) => text.includes(k.toLowerCase());
      const checks = [
        ...grader.all.map((k) => [has(k), `missing "${k}"`] as const),
        ...(grader.any.length ? [[grader.any.some(has), `none of ${grader.any.join(', ')}`] as const] : []),
        ...grader.none.map((k) => [!has(k), `contains "${k}"`] as const),
      ];
      const passed = checks.filter(([ok]) => ok).length;
      const failed = checks.filter(([ok]) => !ok).map(([, why]) => why);
      return { score: checks.length ? passed / checks.length : 1, parsed: null, ...(failed.length ? { detail: failed.join('; ') } : {}) };
    }
    case 'count': {
      const n = countUnits(output, grader.unit);
      const ok =
        (grader.exactly === undefined || n === grader.exactly) &&
        (grader.min === undefined || n >= grader.min) &&
        (grader.max === undefined || n <= grader.max);
      return { score: ok ? 1 : 0, parsed: `${n} ${grader.unit}`, ...(ok ? {} : { detail: `counted ${n} ${grader.unit}` }) };
    }
  }
}
