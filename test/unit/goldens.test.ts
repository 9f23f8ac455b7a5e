// The goldens and the graders checked together: every reference passes its own grader, and a wrong answer
// derived from it fails.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadGoldenSet, readJsonl, corpusDocSchema, retrievalQuerySchema, type GoldenItem } from '../../harness/scoring/goldens.ts';
import { grade, parseNumber, type Grader } from '../../harness/scoring/graders.ts';

const DIR = path.resolve('goldens');
const SETS = readdirSync(DIR).filter((f) => f.endsWith('.jsonl') && !f.startsWith('retrieval-'));

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
    case 'json':
      return '{}';
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
    const right = grade(item.grader, item.reference, item.reference);
    expect(right.score, right.detail).toBe(1);
    const wrong = wrongAnswer(item);
    expect(grade(item.grader, wrong, item.reference).score, `wrong answer ${JSON.stringify(wrong)} passed`).toBeLessThan(1);
  });
});

test('set sizes meet the design', () => {
  const count = (f: string) => loadGoldenSet(path.join(DIR, f)).length;
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
