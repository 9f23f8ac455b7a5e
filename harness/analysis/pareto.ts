// The Pareto front of a set of configurations on two figures where higher is better on both (e.g. decode speed and
// quality score): the cells no other cell beats on both. The report draws it; this decides it.

interface Point {
  x: number;
  y: number;
}

function dominates(a: Point, b: Point): boolean {
  return a.x >= b.x && a.y >= b.y && (a.x > b.x || a.y > b.y);
}

/** The Pareto-optimal subset for maximising both x and y, sorted by x ascending; ties (identical points) are all kept. */
export function paretoFront<T extends Point>(points: readonly T[]): T[] {
  // A point without both values cannot be ranked; quadratic is fine for the few hundred cells a run has.
  const ranked = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  return ranked.filter((p) => !ranked.some((q) => dominates(q, p))).sort((a, b) => a.x - b.x || b.y - a.y);
}
