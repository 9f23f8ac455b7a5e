// Memory trend: peak RSS ≈ a + b·weights + c·ctx, fitted by ordinary least squares over the cells measured so far,
// so a cell predicted over the memory limit is skipped before it is launched (and before it can swap the machine).

/** One measured point: weights in MB (parameters × bits per weight ÷ 8), context in tokens, peak RSS in MB. */
export interface MemoryPoint {
  weightsMb: number;
  ctx: number;
  rssMb: number;
}

/** Fewer points than this leave the trend unfitted: three unknowns need three points. */
export const MIN_TREND_POINTS = 3;

export interface MemoryFit {
  intercept: number;
  /** MB of RSS per MB of weights; null when every point had the same weights (then it predicts only at those). */
  perWeightMb: number | null;
  /** MB of RSS per token of context; null when every point had the same context (then it predicts only at it). */
  perCtx: number | null;
  /** The value a dropped feature was held at. */
  fixed: { weightsMb?: number; ctx?: number };
  points: number;
}

/** Solves the square system A·x = b by Gaussian elimination with partial pivoting; null when A is singular. */
export function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    const scale = Math.max(...m.map((row) => Math.abs(row[col]!)), 1e-300);
    if (Math.abs(m[pivot]![col]!) / scale < 1e-9) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Least squares over the columns of `x` (an intercept column is added), via the normal equations. */
export function leastSquares(x: number[][], y: number[]): number[] | null {
  const rows = x.map((r) => [1, ...r]);
  const k = rows[0]?.length ?? 0;
  const xtx = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const xty = Array.from({ length: k }, (_, i) => rows.reduce((s, r, n) => s + r[i]! * y[n]!, 0));
  return solve(xtx, xty);
}

/**
 * Fits peak RSS against weights and context. A feature that does not vary over the points is dropped (its
 * coefficient cannot be told from the intercept) and the fit then predicts only at that value. Null with fewer
 * than MIN_TREND_POINTS distinct points or when the features are collinear.
 */
export function fitMemory(points: readonly MemoryPoint[]): MemoryFit | null {
  const distinct = new Map<string, MemoryPoint>();
  for (const p of points) {
    const key = `${p.weightsMb}\0${p.ctx}`;
    const seen = distinct.get(key);
    if (!seen || p.rssMb > seen.rssMb) distinct.set(key, p);
  }
  const pts = [...distinct.values()];
  if (pts.length < MIN_TREND_POINTS) return null;
  const weightsVary = new Set(pts.map((p) => p.weightsMb)).size > 1;
  const ctxVaries = new Set(pts.map((p) => p.ctx)).size > 1;
  const x = pts.map((p) => [...(weightsVary ? [p.weightsMb] : []), ...(ctxVaries ? [p.ctx] : [])]);
  const beta = leastSquares(x, pts.map((p) => p.rssMb));
  if (!beta) return null;
  return {
    intercept: beta[0]!,
    perWeightMb: weightsVary ? beta[1]! : null,
    perCtx: ctxVaries ? beta[weightsVary ? 2 : 1]! : null,
    fixed: { ...(weightsVary ? {} : { weightsMb: pts[0]!.weightsMb }), ...(ctxVaries ? {} : { ctx: pts[0]!.ctx }) },
    points: pts.length,
  };
}

/** The fit's peak RSS for a cell, or null where the fit cannot speak (a dropped feature at another value). */
export function predictMemory(fit: MemoryFit, weightsMb: number, ctx: number): number | null {
  if (fit.perWeightMb === null && fit.fixed.weightsMb !== weightsMb) return null;
  if (fit.perCtx === null && fit.fixed.ctx !== ctx) return null;
  return fit.intercept + (fit.perWeightMb ?? 0) * weightsMb + (fit.perCtx ?? 0) * ctx;
}

export function describeFit(fit: MemoryFit): string {
  const terms = [`${Math.round(fit.intercept)} MB`];
  if (fit.perWeightMb !== null) terms.push(`${fit.perWeightMb.toFixed(2)} × weights MB`);
  if (fit.perCtx !== null) terms.push(`${(fit.perCtx * 1000).toFixed(1)} MB per 1k ctx`);
  return `RSS ≈ ${terms.join(' + ')}, fitted over ${fit.points} measured cells`;
}
