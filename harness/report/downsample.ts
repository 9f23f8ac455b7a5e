/**
 * At most `max` points, the first and last kept (so a chart spans the whole run); in between, each stretch keeps its
 * highest sample, because these charts exist to show spikes and an average would flatten them away.
 */
export function maxPerBucket<P extends { y: number }>(points: readonly P[], max: number): P[] {
  if (points.length <= max) return [...points];
  if (max < 3) throw new RangeError(`expected room for at least 3 points (first, one stretch, last), got ${max}`);
  const inner = points.length - 2;
  const buckets = max - 2;
  const kept: P[] = [points[0]!];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let highest = points[start]!;
    for (let i = start + 1; i < end; i++) if (points[i]!.y > highest.y) highest = points[i]!;
    kept.push(highest);
  }
  kept.push(points[points.length - 1]!);
  return kept;
}
