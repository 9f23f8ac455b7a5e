import type { Metric, Verdict } from '../measurement/schema.ts';
import { meanInterval, quantileInterval, seriesMeanInterval, seriesQuantileInterval, type Interval } from '../stats/interval.ts';
import { percentile, sortSamples } from '../stats/summary.ts';
import type { MetricDefinition } from './metric.ts';

export type BudgetOp = '<=' | '<' | '>=' | '>';

/**
 * What a budget judges of a sampled metric (k6's threshold aggregations): `p(95)`, `mean` (or `avg`), `med`, `min`,
 * `max`, `count`. A single figure takes none (or `value`).
 */
export type Aggregation = { kind: 'p'; q: number } | { kind: 'mean' | 'med' | 'min' | 'max' | 'count' | 'value' };

export interface Budget {
  metric: string;
  label: string;
  unit: string;
  op: BudgetOp;
  limit: number;
  /** Null for a single figure. */
  aggregation: Aggregation | null;
  /** The text the user wrote, kept for reporting. */
  source: string;
}

const EXPRESSION = /^\s*(?:(p\(\s*(\d+(?:\.\d+)?)\s*\)|mean|avg|med|min|max|count|value)\s*)?(<=|>=|<|>|≤|≥)\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*$/i;
const UNICODE_OPS: Record<string, BudgetOp> = { '≤': '<=', '≥': '>=' };
const SYMBOLS: Record<BudgetOp, string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };

export const BUDGET_EXPRESSION_HELP =
  'a comparison such as "<= 2.5", "< 2", ">= 10" (also ≤ and ≥), for a sampled metric with its aggregation first: "p(95) <= 2.5", "mean >= 2" (also avg, med, min, max, count)';

/** Returns null when the text is not a budget expression; the config layer turns that into a message. */
export function parseBudgetExpression(text: string): { op: BudgetOp; limit: number; aggregation: Aggregation | null } | null {
  const m = EXPRESSION.exec(text);
  if (!m) return null;
  const op = (UNICODE_OPS[m[3]!] ?? m[3]) as BudgetOp;
  // A limit like 1e999 parses to Infinity; the config layer names that problem, so it is not a syntax error here.
  const limit = Number(m[4]);
  const word = m[1]?.toLowerCase();
  let aggregation: Aggregation | null = null;
  if (word?.startsWith('p(')) {
    const q = Number(m[2]);
    if (!(q > 0 && q < 100)) return null;
    aggregation = { kind: 'p', q };
  } else if (word) aggregation = { kind: word === 'avg' ? 'mean' : (word as Exclude<Aggregation['kind'], 'p'>) };
  return { op, limit, aggregation };
}

/** How an aggregation is written in a budget: "p(95)", "mean". */
export function aggregationText(a: Aggregation | null): string | null {
  if (!a) return null;
  return a.kind === 'p' ? `p(${a.q})` : a.kind;
}

/** Whether a budget's aggregation fits its metric: a sampled metric needs one, a single figure takes none. */
export function aggregationProblem(sampled: boolean, metric: string, a: Aggregation | null): string | null {
  if (sampled && (!a || a.kind === 'value')) return `${metric} is measured per sample; expected its aggregation first, e.g. "p(95) <= 2.5" or "mean <= 35"`;
  if (!sampled && a && a.kind !== 'value') return `${metric} is a single figure, so it has no ${aggregationText(a)}; expected a bare comparison such as "<= 2.5"`;
  return null;
}

export function makeBudget(metric: string, definition: Pick<MetricDefinition, 'label' | 'unit'>, source: string): Budget {
  const parsed = parseBudgetExpression(source);
  if (!parsed) throw new Error(`budget ${metric}: expected ${BUDGET_EXPRESSION_HELP}, got ${JSON.stringify(source)}`);
  if (!Number.isFinite(parsed.limit)) throw new Error(`budget ${metric}: the limit in ${JSON.stringify(source)} is not a finite number`);
  const aggregation = parsed.aggregation?.kind === 'value' ? null : parsed.aggregation;
  return { metric, label: definition.label, unit: definition.unit, source, op: parsed.op, limit: parsed.limit, aggregation };
}

/** Budgets and verdicts are told apart by metric and aggregation: "cpu_pct mean" and "cpu_pct p(99)" are two. */
export function budgetKey(b: { metric: string; aggregation?: Aggregation | string | null }): string {
  const a = typeof b.aggregation === 'string' ? b.aggregation : aggregationText(b.aggregation ?? null);
  return a ? `${b.metric} ${a}` : b.metric;
}

/** "95 %", or "97.5 %" for a level that is not a whole percent. */
export function levelText(level: number): string {
  return `${Number((level * 100).toPrecision(4))} %`;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/** How an aggregation reads in a title: "p95", "mean". */
function aggregationWord(a: Aggregation | null): string {
  if (!a) return '';
  return ` ${a.kind === 'p' ? `p${a.q}` : a.kind === 'med' ? 'median' : a.kind}`;
}

/** The test name of a budget, e.g. "TTFT p95 ≤ 30 s" or "CPU mean ≤ 35 % of machine". */
export function budgetTitle(budget: Budget): string {
  const unit = budget.unit === '×' || budget.unit === 'score' ? '' : ` ${budget.unit}`;
  return `${budget.label}${aggregationWord(budget.aggregation)} ${SYMBOLS[budget.op]} ${formatNumber(budget.limit)}${unit}`;
}

function holds(op: BudgetOp, value: number, limit: number): boolean {
  switch (op) {
    case '<=':
      return value <= limit;
    case '<':
      return value < limit;
    case '>=':
      return value >= limit;
    case '>':
      return value > limit;
  }
}

/** Level and resamples for the interval of an aggregation computed here (the run's `verdicts` settings). */
export interface AggregationOptions {
  level: number;
  resamples: number;
  seed: number;
}

/** A sampled metric's figure for one aggregation: from its samples (in the run), else from its stored summary. */
export function aggregate(metric: Metric, a: Aggregation, options?: AggregationOptions): { value: number; ci?: Metric['ci']; ciNote?: string } | { error: string } {
  const series = metric.sampleKind === 'series';
  if (metric.samples && metric.samples.length > 0) {
    const samples = metric.samples;
    const sorted = sortSamples(samples);
    const withInterval = (value: number, interval: Interval) => ({ value, ...(interval.ci ? { ci: interval.ci } : {}), ...(interval.note ? { ciNote: interval.note } : {}) });
    switch (a.kind) {
      case 'p':
      case 'med': {
        const q = a.kind === 'p' ? a.q / 100 : 0.5;
        const value = percentile(sorted, q);
        if (!options) return { value };
        return withInterval(value, series ? seriesQuantileInterval(samples, sorted, q, options.level) : quantileInterval(sorted, q, options.level));
      }
      case 'mean': {
        const value = samples.reduce((x, y) => x + y, 0) / samples.length;
        if (!options) return { value };
        return withInterval(value, series ? seriesMeanInterval(samples, options.level) : meanInterval(samples, options.level, options));
      }
      case 'min':
        return { value: sorted[0]! };
      case 'max':
        return { value: sorted[sorted.length - 1]! };
      case 'count':
        return { value: samples.length };
      case 'value':
        return { value: metric.value! };
    }
  }
  // A stored measurement keeps its summary, not its samples: the aggregations the summary holds, without an interval.
  const st = metric.stats;
  const fromStats: Partial<Record<string, number | undefined>> = st
    ? { 'p(50)': st.p50, 'p(95)': st.p95, 'p(99)': st.p99, med: st.median, mean: st.mean, min: st.min, max: st.max, count: st.n }
    : {};
  const text = aggregationText(a)!;
  const value = fromStats[text];
  if (value === undefined) return { error: `${text} needs the samples, and this measurement kept only its summary (n, mean, p50, p95, p99, min, max)` };
  return { value, ciNote: 'judged on the stored summary: no interval' };
}

/**
 * A missing value is never a pass: it is `skipped` or `error`, with the metric's reason. A sampled metric is judged
 * on the budget's aggregation (from its samples, with that aggregation's own interval where the run's settings are
 * given), a single figure on its value and interval.
 */
export function evaluateBudget(budget: Budget, metric: Metric | undefined, options?: AggregationOptions): Verdict {
  const aggregation = aggregationText(budget.aggregation);
  const base = {
    metric: budget.metric,
    ...(aggregation ? { aggregation } : {}),
    label: budget.label,
    source: budget.source,
    op: budget.op,
    limit: budget.limit,
    unit: budget.unit,
  };
  if (!metric) {
    return { ...base, value: null, status: 'error', margin: null, used: null, reason: 'the profile did not measure this metric' };
  }
  if (metric.status !== 'ok' || metric.value === null) {
    const status = metric.status === 'skipped' ? 'skipped' : 'error';
    return { ...base, value: null, status, margin: null, used: null, reason: metric.reason ?? 'no value measured' };
  }
  let figure: { value: number; ci?: Metric['ci']; ciNote?: string } = { value: metric.value, ...(metric.ci ? { ci: metric.ci } : {}), ...(metric.ciNote ? { ciNote: metric.ciNote } : {}) };
  if (budget.aggregation) {
    const got = aggregate(metric, budget.aggregation, options);
    if ('error' in got) return { ...base, value: null, status: 'error', margin: null, used: null, reason: got.error };
    figure = got;
  }
  const value = figure.value;
  const upper = budget.op === '<=' || budget.op === '<';
  const margin = upper ? budget.limit - value : value - budget.limit;
  let used: number | null;
  if (upper) used = budget.limit === 0 ? (value === 0 ? 0 : null) : value / budget.limit;
  else used = value === 0 ? null : budget.limit / value;
  const passes = holds(budget.op, value, budget.limit);
  const verdict: Verdict = { ...base, value, status: passes ? 'pass' : 'fail', margin, used };
  if (metric.reason) verdict.reason = metric.reason;
  const ci = figure.ci;
  if (ci) verdict.ci = ci;
  else if (figure.ciNote) verdict.ciNote = figure.ciNote;
  // A failing estimate is a fail whatever its interval says: the interval can only withhold a pass, never grant one.
  if (ci && passes) {
    // The interval's end on the failing side: where an upper limit would be crossed first, and a lower one.
    const far = upper ? ci.high : ci.low;
    if (!holds(budget.op, far, budget.limit)) {
      verdict.status = 'inconclusive';
      verdict.reason = `the estimate passes, but its ${levelText(ci.level)} interval [${formatNumber(ci.low)}, ${formatNumber(ci.high)}] reaches past the limit`;
      const n = metric.samples?.length ?? metric.stats?.n;
      // An interval's half-width shrinks with √n: n' = n · (reach past the estimate / distance to the limit)².
      if (n && value !== budget.limit) verdict.samplesToResolve = Math.ceil(n * ((far - value) / (budget.limit - value)) ** 2);
    }
  }
  return verdict;
}

/** A verdict's name as people read it: "TTFT p95", "CPU mean", or the label alone for a single figure. */
export function verdictLabel(v: Pick<Verdict, 'label' | 'aggregation'>): string {
  if (!v.aggregation) return v.label;
  const p = /^p\((.+)\)$/.exec(v.aggregation);
  return `${v.label} ${p ? `p${p[1]}` : v.aggregation === 'med' ? 'median' : v.aggregation}`;
}

export function describeVerdict(v: Verdict): string {
  const limit = `${SYMBOLS[v.op]} ${formatNumber(v.limit)} ${v.unit}`;
  const label = verdictLabel(v);
  if (v.value === null) return `${label}: ${v.status} (${v.reason ?? 'no value'}), budget ${limit}`;
  const ci = v.ci ? ` [${levelText(v.ci.level)} CI ${formatNumber(v.ci.low)}–${formatNumber(v.ci.high)}]` : '';
  const more = v.samplesToResolve ? `; about ${v.samplesToResolve} samples would resolve it` : '';
  const alone = v.ciNote ? ` (no interval: ${v.ciNote})` : '';
  return `${label} = ${formatNumber(v.value)} ${v.unit}${ci}${alone}, budget ${limit}: ${v.status}${v.status === 'inconclusive' ? ` (${v.reason}${more})` : ''}`;
}
