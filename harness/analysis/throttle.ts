/**
 * Throttling detection: did a series (CPU frequency in MHz, decode tokens/s, anything where lower is worse) fall
 * well below where it started, and stay there?
 *
 * Baseline = median of the first `baselineSec`. Each later sample is replaced by the median of the samples within
 * ±h seconds of it (a rolling median, with h = sustainSec/4 but at least one sample spacing, so the window always
 * holds neighbours): one slow request or one frequency reading taken between two governor decisions cannot pull a
 * median down, while a real drop moves every window it fills more than half of. Throttled when smoothed samples
 * stay more than `dropPct` % below the baseline for a contiguous `sustainSec` or longer.
 */
import { percentile, sortSamples } from '../stats/summary.ts';

export interface TimedValue {
  tSec: number;
  value: number;
}

export interface DropOptions {
  /** Seconds at the start of the series that define the baseline. */
  baselineSec: number;
  /** A sample is low when more than this many percent below the baseline. */
  dropPct: number;
  /** Seconds a low stretch must last to count as throttling. */
  sustainSec: number;
}

export interface SustainedDrop {
  throttled: boolean;
  /** Median of the baseline period; null when the series is too short to have one. */
  baseline: number | null;
  /** Lowest rolling median after the baseline period, throttled or not. */
  worst: number | null;
  /** tSec at which the first sustained low stretch starts; null when not throttled. */
  startSec: number | null;
  reason: string;
}

export function detectSustainedDrop(series: readonly TimedValue[], opts: DropOptions): SustainedDrop {
  const { baselineSec, dropPct, sustainSec } = opts;
  if (!(baselineSec > 0) || !(sustainSec > 0) || !(dropPct > 0 && dropPct < 100)) {
    throw new RangeError(`expected baselineSec > 0, sustainSec > 0 and 0 < dropPct < 100, got ${JSON.stringify(opts)}`);
  }
  const points = series.filter((p) => Number.isFinite(p.tSec) && Number.isFinite(p.value)).sort((p, q) => p.tSec - q.tSec);
  const notThrottled = (reason: string, baseline: number | null = null, worst: number | null = null): SustainedDrop => ({
    throttled: false,
    baseline,
    worst,
    startSec: null,
    reason,
  });
  if (points.length < 3) return notThrottled(`too short: ${points.length} sample(s), need at least 3`);
  const t0 = points[0]!.tSec;
  const span = points[points.length - 1]!.tSec - t0;
  const spacing = medianSpacing(points);
  // Each sample stands for one spacing of time, so n samples 1 s apart cover n seconds, not n − 1.
  if (span + spacing < baselineSec + sustainSec) {
    return notThrottled(`too short: ${round(span + spacing)} s of samples, need baselineSec + sustainSec = ${baselineSec + sustainSec} s`);
  }

  const baselineEnd = t0 + baselineSec;
  const baseline = median(points.filter((p) => p.tSec < baselineEnd).map((p) => p.value));
  if (baseline <= 0) return notThrottled(`baseline is ${baseline}: a drop below it cannot be measured`, baseline);
  const threshold = baseline * (1 - dropPct / 100);

  const halfWindow = Math.max(sustainSec / 4, spacing);
  const smoothed = rollingMedian(points, halfWindow);
  const firstAfter = points.findIndex((p) => p.tSec >= baselineEnd);
  if (firstAfter < 0) return notThrottled(`too short: no samples after the ${baselineSec} s baseline`, baseline);
  const evaluated = smoothed.slice(firstAfter);
  const worst = minOf(evaluated);

  let longest = 0;
  for (const run of lowRuns(evaluated, threshold)) {
    const from = points[firstAfter + run.start]!.tSec;
    const lasted = points[firstAfter + run.end]!.tSec - from + spacing;
    longest = Math.max(longest, lasted);
    if (lasted < sustainSec) continue;
    const low = minOf(evaluated.slice(run.start, run.end + 1));
    return {
      throttled: true,
      baseline,
      worst,
      startSec: from,
      reason:
        `from t=${round(from)} s the rolling median stayed more than ${dropPct} % below the baseline ${round(baseline)} ` +
        `for ${round(lasted)} s (≥ ${sustainSec} s), down to ${round(low)} (${round(pctBelow(low, baseline))} % below)`,
    };
  }
  return notThrottled(
    `never more than ${dropPct} % below the baseline ${round(baseline)} for ${sustainSec} s: longest low stretch ` +
      `${round(longest)} s, worst rolling median ${round(worst)} (${round(pctBelow(worst, baseline))} % below)`,
    baseline,
    worst,
  );
}

/** Index ranges (inclusive) of consecutive values below the threshold. */
function lowRuns(values: readonly number[], threshold: number): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i]! >= threshold) continue;
    const last = runs[runs.length - 1];
    if (last && last.end === i - 1) last.end = i;
    else runs.push({ start: i, end: i });
  }
  return runs;
}

/** Median of the values within ±halfWindow seconds of each point (points sorted by time). */
function rollingMedian(points: readonly TimedValue[], halfWindow: number): number[] {
  const out: number[] = [];
  let lo = 0;
  let hi = 0;
  for (const p of points) {
    while (points[lo]!.tSec < p.tSec - halfWindow) lo++;
    while (hi < points.length && points[hi]!.tSec <= p.tSec + halfWindow) hi++;
    out.push(median(points.slice(lo, hi).map((q) => q.value)));
  }
  return out;
}

/** Median gap between consecutive distinct times: the sampling interval, robust to one late sample. */
function medianSpacing(points: readonly TimedValue[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const gap = points[i]!.tSec - points[i - 1]!.tSec;
    if (gap > 0) gaps.push(gap);
  }
  return gaps.length === 0 ? 0 : median(gaps);
}

function median(xs: readonly number[]): number {
  return percentile(sortSamples(xs), 0.5);
}

// A loop, not Math.min(...xs): a soak run's series can exceed the engine's argument limit.
function minOf(xs: readonly number[]): number {
  let min = Infinity;
  for (const x of xs) min = Math.min(min, x);
  return min;
}

function pctBelow(value: number, baseline: number): number {
  return ((baseline - value) / baseline) * 100;
}

/** Output tokens that arrived at one instant (ms on any fixed clock). */
export interface TokenArrival {
  at: number;
  tokens: number;
}

/**
 * Tokens credited to each interval [edges[i], edges[i+1]) by when they streamed in, not by when their request
 * finished: a soak's request can outlast a short interval, and crediting it whole at its end read 0 tok/s for that
 * interval (which looks like throttling) and a burst in the next. Tokens outside the edges are not counted.
 */
export function tokensPerInterval(arrivals: readonly TokenArrival[], edges: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(0, edges.length - 1)).fill(0);
  for (const a of arrivals) {
    // The last edge closes the last interval: a token arriving exactly then still belongs to it.
    const i = a.at === edges[edges.length - 1] ? edges.length - 2 : edges.findLastIndex((e) => e <= a.at);
    if (i >= 0 && i < counts.length) counts[i]! += a.tokens;
  }
  return counts;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
