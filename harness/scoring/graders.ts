// The graders: each turns one model output into a score in [0, 1] and the evidence a person can audit
// (what was extracted, and which rule decided). Closed answers go through the shared extractor (extract.ts).
import { z } from 'zod';
import { extractAnswer, showExtraction, type Extraction, type Finder } from './extract.ts';
import { choiceFinder, exactFinder, idFinder, labelFinder } from './finders.ts';
import { gradeCount, gradeKeywords, gradeRegex } from './form.ts';
import { foldStrings, jsonCandidates, jsonValidator, pickJson, schemaProblem, shapeOf } from './json-answer.ts';
import { tidy } from './normalize.ts';
import { numberFinder, parseNumber } from './numbers.ts';

const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .superRefine((s, ctx) => {
    const problem = schemaProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a valid JSON Schema: ${problem}` });
  });

export const graderSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('exact'),
    /** Other spellings that are the same answer ("April 14, 2024" for "2024-04-14"). */
    accept: z.array(z.string().min(1)).default([]),
    /** Wrong answers the question invites (the other names in it): naming one beside the reference is a hedge. */
    distractors: z.array(z.string().min(1)).default([]),
  }),
  z.strictObject({
    type: z.literal('label'),
    labels: z.array(z.string().min(1)).min(2),
    /** Per label, its inflections and synonyms ("allowed", "permitted" for allow). */
    synonyms: z.record(z.string(), z.array(z.string().min(1))).default({}),
  }),
  z.strictObject({ type: z.literal('choice'), choices: z.array(z.string().regex(/^[A-Z]$/)).min(2) }),
  z.strictObject({ type: z.literal('numeric'), tolerance: z.number().min(0).default(0), relative: z.boolean().default(false) }),
  z.strictObject({
    type: z.literal('id'),
    /** What any ID looks like, e.g. ATT&CK "\\bT\\d{4}(?:\\.\\d{3})?\\b": every match is a candidate answer. */
    pattern: z.string().min(1),
    flags: z.string().regex(/^[imsu]*$/).default('i'),
    /** The right IDs, as a pattern the whole extracted ID must match; default: the reference itself. */
    accept: z.string().optional(),
  }),
  /** A format check on the whole answer (its decoration removed), e.g. an upper-case line. */
  z.strictObject({ type: z.literal('regex'), pattern: z.string(), flags: z.string().regex(/^[imsu]*$/).default('') }),
  /** The answer object is validated against `schema`; string values are trimmed and lower-cased first. */
  z.strictObject({ type: z.literal('json'), schema: jsonSchemaObject }),
  z.strictObject({
    type: z.literal('keywords'),
    all: z.array(z.string().min(1)).default([]),
    any: z.array(z.string().min(1)).default([]),
    none: z.array(z.string().min(1)).default([]),
    max_words: z.number().int().min(1).optional(),
    max_sentences: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal('count'),
    unit: z.enum(['words', 'bullets', 'sentences', 'lines']),
    exactly: z.number().int().min(0).optional(),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    /** Nothing but the counted units (bullets): a preamble or a closing line fails. */
    only: z.boolean().default(false),
  }),
]);
export type Grader = z.infer<typeof graderSchema>;
/** A grader as written in a golden file, defaults not yet filled in. */
export type GraderInput = z.input<typeof graderSchema>;

/** What a grader read and which rule decided: enough for a person to audit the score. */
export interface Evidence {
  extracted: string | null;
  rule: string;
}

export interface Grade {
  score: number;
  evidence: Evidence;
  /** Why the score is not 1, when it is not. */
  detail?: string;
}

export interface GradeContext {
  /** The question as asked: its numbers, options and words help find the answer. */
  prompt?: string;
}

function fromExtraction<T>(e: Extraction<T>, finder: Finder<T>, correct: (v: T) => boolean, expected: string): Grade {
  const evidence = { extracted: showExtraction(e, finder.show), rule: e.rule };
  if (e.state === 'none') return { score: 0, evidence, detail: e.rule };
  if (e.state === 'ambiguous') return { score: 0, evidence, detail: `more than one answer given: ${evidence.extracted}` };
  if (e.state === 'list') return { score: 0, evidence, detail: `a list where one answer was asked for: ${evidence.extracted}` };
  const ok = correct(e.value);
  return { score: ok ? 1 : 0, evidence, ...(ok ? {} : { detail: `expected ${expected}` }) };
}

export function numericWithin(g: Extract<Grader, { type: 'numeric' }>): (a: number, b: number) => boolean {
  return (a, b) => Math.abs(a - b) <= (g.relative ? g.tolerance * Math.abs(b) : g.tolerance) + 1e-9 * Math.max(1, Math.abs(b));
}

export function numericReference(reference: string): number {
  const want = parseNumber(reference);
  if (want === null) throw new Error(`numeric reference is not a number: ${reference}`);
  return want;
}

/** Grades one output against an item's grader and reference answer. Pure. */
export function grade(grader: Grader, output: string, reference: string, ctx: GradeContext = {}): Grade {
  switch (grader.type) {
    case 'exact': {
      const finder = exactFinder(reference, grader.accept, grader.distractors);
      const want = tidy(reference);
      const whole = tidy(output);
      if (whole === want || grader.accept.some((a) => tidy(a) === whole)) return { score: 1, evidence: { extracted: whole, rule: 'the whole answer' } };
      return fromExtraction(extractAnswer(output, finder, ctx), finder, (v) => v === want, `"${reference}"`);
    }
    case 'label': {
      const finder = labelFinder(grader.labels, grader.synonyms);
      return fromExtraction(extractAnswer(output, finder, ctx), finder, (v) => v.toLowerCase() === reference.trim().toLowerCase(), reference);
    }
    case 'choice': {
      const finder = choiceFinder(grader.choices, ctx.prompt);
      return fromExtraction(extractAnswer(output, finder, ctx), finder, (v) => v === reference.trim().toUpperCase(), reference);
    }
    case 'numeric': {
      const want = numericReference(reference);
      const within = numericWithin(grader);
      const finder = numberFinder(within, ctx.prompt);
      return fromExtraction(extractAnswer(output, finder, ctx), finder, (v) => within(v, want), reference);
    }
    case 'id': {
      const finder = idFinder(grader.pattern, grader.flags);
      const accept = grader.accept ? new RegExp(`^(?:${grader.accept})$`, 'i') : null;
      const correct = (v: string) => (accept ? accept.test(v) : v === reference.trim().toUpperCase());
      return fromExtraction(extractAnswer(output, finder, ctx), finder, correct, grader.accept ? `/${grader.accept}/` : reference);
    }
    case 'regex': {
      const g = gradeRegex(output, grader.pattern, grader.flags);
      return { score: g.score, evidence: { extracted: g.extracted, rule: g.rule }, ...(g.detail ? { detail: g.detail } : g.score === 0 ? { detail: g.rule } : {}) };
    }
    case 'json':
      return gradeJson(grader.schema, output);
    case 'keywords':
    case 'count': {
      const g = grader.type === 'keywords' ? gradeKeywords(output, grader) : gradeCount(output, grader);
      return { score: g.score, evidence: { extracted: g.extracted, rule: g.rule }, ...(g.detail ? { detail: g.detail } : g.score === 0 ? { detail: g.rule } : {}) };
    }
  }
}

export function gradeJson(schema: Record<string, unknown>, output: string): Grade {
  const { text, cands } = jsonCandidates(output);
  if (text.trim() === '') return { score: 0, evidence: { extracted: null, rule: 'empty output' }, detail: 'empty output' };
  const shape = jsonValidator(shapeOf(schema) as object);
  const picked = pickJson(text, cands, (v) => shape(foldStrings(v)));
  if ('none' in picked) return { score: 0, evidence: { extracted: null, rule: picked.none }, detail: picked.none };
  const validate = jsonValidator(schema);
  const ok = validate(foldStrings(picked.pick.value)) as boolean;
  const evidence = { extracted: JSON.stringify(picked.pick.value), rule: `${picked.rule}, validated against the item's JSON Schema` };
  if (ok) return { score: 1, evidence };
  const why = (validate.errors ?? []).map((e) => `${e.instancePath || '(object)'} ${e.message}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);
  return { score: 0, evidence, detail: why.join('; ') };
}
