// How much a model's answers to one prompt vary between runs, pure. distinct-n (Li et al. 2016, "A Diversity-
// Promoting Objective Function for Neural Conversation Models"): distinct word n-grams over all n-grams of the
// runs' answers together. Mean pairwise normalised edit distance: Levenshtein distance over characters of every pair
// of answers, divided by the longer answer's length (0 identical, 1 nothing in common), averaged over pairs.

/** Words, lower-cased; punctuation is its own word, so "yes." and "yes" share the n-gram "yes". */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_']+|[^\s\p{L}\p{N}_']/gu) ?? [];
}

/** Distinct n-grams ÷ n-grams, over every text together; null when no text has n words. */
export function distinctN(texts: readonly string[], n: number): number | null {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`expected n ≥ 1, got ${n}`);
  const seen = new Set<string>();
  let total = 0;
  for (const t of texts) {
    const w = words(t);
    for (let i = 0; i + n <= w.length; i++) {
      seen.add(w.slice(i, i + n).join('\u0000'));
      total++;
    }
  }
  return total === 0 ? null : seen.size / total;
}

/** Levenshtein distance over code points (two rows). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  let cur = new Array<number>(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    [prev, cur] = [cur, prev];
  }
  return prev[y.length]!;
}

/** Edit distance ÷ the longer length; two empty texts are identical (0). */
export function normalisedEditDistance(a: string, b: string): number {
  const longest = Math.max([...a].length, [...b].length);
  return longest === 0 ? 0 : editDistance(a, b) / longest;
}

/** Mean of the normalised edit distance over every pair; null with fewer than two texts. */
export function meanPairwiseEditDistance(texts: readonly string[]): number | null {
  if (texts.length < 2) return null;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) (sum += normalisedEditDistance(texts[i]!, texts[j]!)), pairs++;
  return sum / pairs;
}

/** Sample standard deviation and coefficient of variation; sd null with fewer than two values, cv null at mean 0. */
export function spread(values: readonly number[]): { mean: number | null; sd: number | null; cv: number | null } {
  if (values.length === 0) return { mean: null, sd: null, cv: null };
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean: m, sd: null, cv: null };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
  return { mean: m, sd, cv: m === 0 ? null : sd / m };
}
