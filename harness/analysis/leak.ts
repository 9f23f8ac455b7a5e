/**
 * RSS growth as a leak signal for soak runs.
 *
 * A server that leaks grows its resident set roughly linearly with time (or with requests served, which in a
 * steady soak is the same thing). Ordinary least squares of RSS over time gives that rate, and r² says how much
 * of the RSS variation the straight line explains: a high slope with a high r² is steady growth, a high slope
 * with a low r² is a few jumps (allocator arenas, cache fills) that may well stop.
 */
import { slope } from '../stats/summary.ts';

export interface RssSample {
  /** Seconds since any fixed origin; only differences matter. */
  tSec: number;
  rssMb: number;
}

export interface RssTrend {
  /** OLS slope of RSS over time, in MB per hour. */
  mbPerHour: number;
  /** Coefficient of determination of the OLS fit, 0..1. */
  r2: number;
  /** Samples used (finite time and RSS). */
  n: number;
}

const SECONDS_PER_HOUR = 3600;

/** OLS of RSS on time; null with fewer than 3 usable samples or no time span to fit a slope over. */
export function rssSlope(samples: readonly RssSample[]): RssTrend | null {
  // A sampler that missed a reading reports NaN; it carries no information about the trend.
  const used = samples.filter((s) => Number.isFinite(s.tSec) && Number.isFinite(s.rssMb));
  // Two points always fit a line exactly, so r² would say nothing: a trend needs at least three.
  if (used.length < 3) return null;
  const ts = used.map((s) => s.tSec);
  const ys = used.map((s) => s.rssMb);
  const perSecond = slope(ts, ys);
  if (perSecond === null) return null;
  return { mbPerHour: perSecond * SECONDS_PER_HOUR, r2: rSquared(ts, ys, perSecond), n: used.length };
}

/**
 * r² = 1 − SS_res / SS_tot of the OLS line. A constant series has nothing to explain; like scikit-learn's
 * r2_score it counts as a perfect fit (1) when the line also leaves no residual, which OLS always does there.
 */
function rSquared(xs: readonly number[], ys: readonly number[], b: number): number {
  const n = xs.length;
  const mx = xs.reduce((acc, x) => acc + x, 0) / n;
  const my = ys.reduce((acc, y) => acc + y, 0) / n;
  const a = my - b * mx;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (ys[i]! - (a + b * xs[i]!)) ** 2;
    ssTot += (ys[i]! - my) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return Math.min(1, Math.max(0, 1 - ssRes / ssTot));
}

/**
 * Share (0..1) of RSS growth that disappears when llama-server's prompt cache is off (`--cache-ram 0`).
 *
 * The prompt cache is allowed to grow up to its limit, so growth it explains is by design, not a leak; what is
 * left with the cache off is the part worth chasing. Both arguments are growth in the same unit (MB/h or MB).
 * Null when there is no growth with the cache on to explain; clamped because noise can make the cache-off run
 * grow faster (share 0) or shrink (share 1).
 */
export function explainedByCache(withCache: number, withoutCache: number): number | null {
  if (!Number.isFinite(withCache) || !Number.isFinite(withoutCache) || withCache <= 0) return null;
  return Math.min(1, Math.max(0, (withCache - withoutCache) / withCache));
}
