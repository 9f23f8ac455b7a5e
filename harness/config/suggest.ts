// "Did you mean …?" for a mistyped flag, key or name: the closest candidate by edit distance, if it is close.

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** The candidate nearest to `input` when it is within a third of its length (at least 1, at most 3 edits), else null. */
export function closest(input: string, candidates: readonly string[]): string | null {
  const bare = (x: string) => x.replace(/^-+/, '').replace(/[-_]/g, '');
  let best: { c: string; d: number } | null = null;
  for (const c of candidates) {
    // "dryrun" is "dry-run" and "dry_run": separators do not count.
    const d = bare(input).toLowerCase() === bare(c).toLowerCase() ? 0 : editDistance(input, c);
    if (best === null || d < best.d) best = { c, d };
  }
  if (!best) return null;
  const allowed = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  return best.d <= allowed ? best.c : null;
}
