import type { CorpusDoc } from './goldens.ts';
import { normalizeText } from './normalize.ts';
import { stripReasoningBlocks } from './reasoning.ts';

export interface RetrievalScore {
  precision: number;
  recall: number;
  f1: number;
}

/** Set precision, recall and F1; selecting nothing scores 0 on all three. */
export function precisionRecall(selected: readonly string[], relevant: readonly string[]): RetrievalScore {
  const chosen = new Set(selected);
  const hits = [...chosen].filter((id) => relevant.includes(id)).length;
  const precision = chosen.size === 0 ? 0 : hits / chosen.size;
  const recall = relevant.length === 0 ? 0 : hits / relevant.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** The corpus ids named in a model's answer (reasoning blocks left out), in order of first mention. */
export function readDocIds(output: string, corpusIds: readonly string[]): string[] {
  const found: string[] = [];
  const text = stripReasoningBlocks(normalizeText(output)).text.toLowerCase();
  for (const m of text.matchAll(/[a-z]+-\d+/g)) {
    const id = corpusIds.find((c) => c.toLowerCase() === m[0]);
    if (id && !found.includes(id)) found.push(id);
  }
  return found;
}

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Okapi BM25 (Robertson & Zaragoza 2009), k1 = 1.2, b = 0.75, idf = ln(1 + (N − n + 0.5) / (n + 0.5)):
 * the keyword baseline the model's retrieval is compared with.
 */
export function bm25Rank(query: string, docs: readonly CorpusDoc[], k1 = 1.2, b = 0.75): { id: string; score: number }[] {
  const docTokens = docs.map((d) => tokens(`${d.title} ${d.text}`));
  const avgLength = docTokens.reduce((a, t) => a + t.length, 0) / Math.max(1, docs.length);
  const df = new Map<string, number>();
  for (const t of docTokens) for (const term of new Set(t)) df.set(term, (df.get(term) ?? 0) + 1);
  const terms = [...new Set(tokens(query))];
  return docs
    .map((d, i) => {
      const t = docTokens[i]!;
      let score = 0;
      for (const term of terms) {
        const n = df.get(term) ?? 0;
        if (n === 0) continue;
        const f = t.filter((x) => x === term).length;
        const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
        score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * t.length) / avgLength));
      }
      return { id: d.id, score };
    })
    .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
}
