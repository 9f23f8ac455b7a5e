import type { Metric, Verdict } from '../measurement/schema.ts';
import type { MetricDefinition } from './catalogue.ts';

export type BudgetOp = '<=' | '<' | '>=' | '>';

export interface Budget {
  metric: string;
  label: string;
  unit: string;
  op: BudgetOp;
  limit: number;
  /** The text the user wrote, kept for reporting. */
  source: string;
}

const EXPRESSION = /^\s*(<=|>=|<|>|≤|≥)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;
const UNICODE_OPS: Record<string, BudgetOp> = { '≤': '<=', '≥': '>=' };
const SYMBOLS: Record<BudgetOp, string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>' };

export const BUDGET_EXPRESSION_HELP = 'a comparison such as "<= 2.5", "< 2", ">= 10" (also ≤ and ≥)';

/** Returns null when the text is not a budget expression; the config layer turns that into a message. */
export function parseBudgetExpression(text: string): { op: BudgetOp; limit: number } | null {
  const m = EXPRESSION.exec(text);
  if (!m) return null;
  const op = (UNICODE_OPS[m[1]!] ?? m[1]) as BudgetOp;
  return { op, limit: Number(m[2]) };
}

export function makeBudget(metric: string, definition: Pick<MetricDefinition, 'label' | 'unit'>, source: string): Budget {
  const parsed = parseBudgetExpression(source);
  if (!parsed) throw new Error(`budget ${metric}: expected ${BUDGET_EXPRESSION_HELP}, got ${JSON.stringify(source)}`);
  return { metric, label: definition.label, unit: definition.unit, source, ...parsed };
}

/** "95 %", or "97.5 %" for a level that is not a whole percent. */
export function levelText(level: number): string {
  return `${Number((level * 100).toPrecision(4))} %`;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/** The test name of a budget, e.g. "p95 latency ≤ 2.5 s". */
export function budgetTitle(budget: Budget): string {
  const unit = budget.unit === '×' || budget.unit === 'score' ? '' : ` ${budget.unit}`;
  return `${budget.label} ${SYMBOLS[budget.op]} ${formatNumber(budget.limit)}${unit}`;
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

/** A missing value is never a pass: it is `skipped` or `error`, with the metric's reason. */
export function evaluateBudget(budget: Budget, metric: Metric | undefined): Verdict {
  const base = {
    metric: budget.metric,
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
  const value = metric.value;
  const upper = budget.op === '<=' || budget.op === '<';
  const margin = upper ? budget.limit - value : value - budget.limit;
  let used: number | null;
  if (upper) used = budget.limit === 0 ? (value === 0 ? 0 : null) : value / budget.limit;
  else used = value === 0 ? null : budget.limit / value;
  const passes = holds(budget.op, value, budget.limit);
  const verdict: Verdict = { ...base, value, status: passes ? 'pass' : 'fail', margin, used };
  const ci = metric.ci;
  if (ci) verdict.ci = ci;
  else if (metric.ciNote) verdict.ciNote = metric.ciNote;
  // A failing estimate is a fail whatever its interval says: the interval can only withhold a pass, never grant one.
  // The interval's end on the failing side: where an upper limit would be crossed first, and a lower one.
  const far = ci ? (upper ? ci.high : ci.low) : null;
  if (ci && far !== null && passes && !holds(budget.op, far, budget.limit)) {
    verdict.status = 'inconclusive';
    verdict.reason = `the estimate passes, but its ${levelText(ci.level)} interval [${formatNumber(ci.low)}, ${formatNumber(ci.high)}] reaches past the limit`;
    const n = metric.stats?.n;
    // An interval's half-width shrinks with √n: n' = n · (reach past the estimate / distance to the limit)².
    if (n && value !== budget.limit) verdict.samplesToResolve = Math.ceil(n * ((far - value) / (budget.limit - value)) ** 2);
  }
  return verdict;
}

export function describeVerdict(v: Verdict): string {
  const limit = `${SYMBOLS[v.op]} ${formatNumber(v.limit)} ${v.unit}`;
  if (v.value === null) return `${v.label}: ${v.status} (${v.reason ?? 'no value'}), budget ${limit}`;
  const ci = v.ci ? ` [${levelText(v.ci.level)} CI ${formatNumber(v.ci.low)}–${formatNumber(v.ci.high)}]` : '';
  const more = v.samplesToResolve ? `; about ${v.samplesToResolve} samples would resolve it` : '';
  const alone = v.ciNote ? ` (no interval: ${v.ciNote})` : '';
  return `${v.label} = ${formatNumber(v.value)} ${v.unit}${ci}${alone}, budget ${limit}: ${v.status}${v.status === 'inconclusive' ? ` (${v.reason}${more})` : ''}`;
}
