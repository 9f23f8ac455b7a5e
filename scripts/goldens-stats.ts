// `npm run goldens:stats`: size and category counts of every golden set.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { corpusDocSchema, loadGoldenSet, readJsonl, retrievalQuerySchema } from '../harness/scoring/goldens.ts';

const dir = path.resolve(process.argv[2] ?? 'goldens');
const rows: { set: string; items: number; categories: string; graders: string }[] = [];
const tally = (xs: string[]) =>
  Object.entries(xs.reduce<Record<string, number>>((acc, x) => ((acc[x] = (acc[x] ?? 0) + 1), acc), {}))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
  const full = path.join(dir, file);
  if (file === 'retrieval-corpus.jsonl') rows.push({ set: file, items: readJsonl(full, corpusDocSchema).length, categories: 'documents', graders: '' });
  else if (file === 'retrieval-queries.jsonl') rows.push({ set: file, items: readJsonl(full, retrievalQuerySchema).length, categories: 'queries', graders: 'precision/recall/F1' });
  else {
    const items = loadGoldenSet(full);
    rows.push({ set: file, items: items.length, categories: tally(items.map((i) => i.category)), graders: tally(items.map((i) => i.grader.type)) });
  }
}
console.table(rows);
console.log(`${rows.reduce((a, r) => a + (r.categories === 'documents' || r.categories === 'queries' ? 0 : r.items), 0)} graded items in ${dir}`);
