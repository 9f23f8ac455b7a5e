// The goldens and the graders checked together: every reference passes its own grader, and a wrong answer
// derived from it fails.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { chatMessages, loadGoldenSet, readJsonl, corpusDocSchema, retrievalQuerySchema, type GoldenItem } from '../../harness/scoring/goldens.ts';
import { grade, type Grader } from '../../harness/scoring/graders.ts';
import { parseNumber } from '../../harness/scoring/numbers.ts';

const DIR = path.resolve('goldens');
const SETS = readdirSync(DIR).filter((f) => f.endsWith('.jsonl') && !f.startsWith('retrieval-'));

/** The reference object with its first value changed: a well-formed answer with one wrong value. */
function perturbed(obj: Record<string, unknown>): Record<string, unknown> {
  const [key, v] = Object.entries(obj)[0]!;
  const wrong = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : Array.isArray(v) ? [...v.slice(1), 'purple'] : `${String(v)}x`;
  return { ...obj, [key]: wrong };
}

/** Every string a JSON Schema compares against (const, enum, pattern), at any depth. */
function schemaStrings(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(schemaStrings);
  if (!schema || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([k, v]) =>
    ['const', 'enum', 'pattern'].includes(k) ? [v].flat().filter((x): x is string => typeof x === 'string') : schemaStrings(v),
  );
}

function wrongAnswer(item: GoldenItem): string {
  const g: Grader = item.grader;
  switch (g.type) {
    case 'exact':
      return 'certainly not the answer';
    case 'label':
      return g.labels.find((l) => l !== item.reference.toLowerCase())!;
    case 'choice':
      return g.choices.find((c) => c !== item.reference.toUpperCase())!;
    case 'numeric':
      return String(parseNumber(item.reference)! * 2 + 7);
    case 'regex':
      return ['', 'none', '!!!', 'x'.repeat(300), 'The answer is unknown.'].find((s) => !new RegExp(g.pattern, g.flags).test(s))!;
    case 'id':
      return 'T9999';
    case 'json':
      return JSON.stringify(perturbed(JSON.parse(item.reference) as Record<string, unknown>));
    case 'keywords':
      return g.all.length || g.any.length ? '' : g.none.join(' ');
    case 'count': {
      const n = g.exactly !== undefined ? g.exactly + 1 : g.max !== undefined ? g.max + 1 : Math.max(0, g.min! - 1);
      if (g.unit === 'bullets') return Array.from({ length: n }, (_, i) => `- item ${i}`).join('\n');
      if (g.unit === 'lines') return Array.from({ length: n }, (_, i) => `line ${i}`).join('\n');
      if (g.unit === 'sentences') return Array.from({ length: n }, (_, i) => `Sentence ${i}.`).join(' ');
      return Array.from({ length: n }, () => 'word').join(' ');
    }
  }
}

describe.each(SETS)('%s', (file) => {
  const items = loadGoldenSet(path.join(DIR, file));
  test.each(items.map((i) => [i.id, i] as const))('%s: reference passes, a wrong answer fails', (_id, item) => {
    const prompt = chatMessages(item).map((m) => m.content).join('\n');
    const right = grade(item.grader, item.reference, item.reference, { prompt });
    expect(right.score, `${right.detail} (${right.evidence.rule})`).toBe(1);
    const wrong = wrongAnswer(item);
    expect(grade(item.grader, wrong, item.reference, { prompt }).score, `wrong answer ${JSON.stringify(wrong)} passed`).toBeLessThan(1);
    if (item.grader.type === 'json') {
      // Answers are lower-cased before validation, so the schema's own strings must be lower case to ever match.
      for (const s of schemaStrings(item.grader.schema)) expect(s.replace(/\\[a-zA-Z]/g, ''), item.id).toBe(s.replace(/\\[a-zA-Z]/g, '').toLowerCase());
    }
  });
});

test('set sizes meet the design', () => {
  const count = (f: string) => loadGoldenSet(path.join(DIR, f)).length;
  expect(SETS.reduce((n, f) => n + count(f), 0)).toBeGreaterThanOrEqual(100);
  // Items whose reference must be reasoned to (multi-step arithmetic, CIDR, logic), marked "Reasoned" in their notes.
  const reasoned = SETS.flatMap((f) => loadGoldenSet(path.join(DIR, f))).filter((i) => i.notes?.startsWith('Reasoned'));
  expect(reasoned.length).toBeGreaterThanOrEqual(20);
  expect(count('endpoint-security.jsonl')).toBeGreaterThanOrEqual(40);
  for (const f of ['math.jsonl', 'comprehension.jsonl', 'reasoning.jsonl', 'format.jsonl']) expect(count(f), f).toBeGreaterThanOrEqual(10);
  expect(count('cove.jsonl')).toBeGreaterThanOrEqual(8);
});

test('retrieval queries name documents that exist', () => {
  const docs = readJsonl(path.join(DIR, 'retrieval-corpus.jsonl'), corpusDocSchema);
  const queries = readJsonl(path.join(DIR, 'retrieval-queries.jsonl'), retrievalQuerySchema);
  expect(docs.length).toBeGreaterThanOrEqual(8);
  expect(queries.length).toBeGreaterThanOrEqual(8);
  for (const q of queries) for (const id of q.relevant) expect(docs.map((d) => d.id), q.id).toContain(id);
});

test('a bad golden line fails with file:line', () => {
  expect(() => readJsonl(path.join(DIR, '..', 'package.json'), corpusDocSchema)).toThrow(/package\.json:1: not JSON/);
});
