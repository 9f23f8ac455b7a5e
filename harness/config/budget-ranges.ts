// A budget's limit must be a value its metric can take: a share of the machine lies in 0–100 %, a score in 0–1, a
// duration or a count is never negative. The range comes from the metric's declared unit (budgets/catalogue.ts).
import type { BudgetOp } from '../budgets/budget.ts';

export interface UnitRange {
  min?: number;
  max?: number;
  /** How the range reads in a message. */
  says: string;
}

const NON_NEGATIVE: UnitRange = { min: 0, says: 'never negative' };

export const UNIT_RANGES: Readonly<Record<string, UnitRange>> = {
  '% of machine': { min: 0, max: 100, says: 'a share of the machine, 0 to 100 %' },
  '% of a core': { min: 0, max: 100, says: 'a share of one core, 0 to 100 %' },
  score: { min: 0, max: 1, says: 'a score from 0 to 1' },
  'yes/no': { min: 0, max: 1, says: '0 (no) or 1 (yes)' },
  // A change or a share in percent: nothing falls by more than all of itself.
  '%': { min: -100, says: 'a percentage no lower than −100 %' },
  '°C': { min: -273.15, says: 'a temperature above absolute zero' },
  s: NON_NEGATIVE,
  ms: NON_NEGATIVE,
  MB: NON_NEGATIVE,
  'tok/s': NON_NEGATIVE,
  'docs/h': NON_NEGATIVE,
  tokens: NON_NEGATIVE,
  requests: NON_NEGATIVE,
  docs: NON_NEGATIVE,
  checks: NON_NEGATIVE,
  sizes: NON_NEGATIVE,
  clients: NON_NEGATIVE,
  MHz: NON_NEGATIVE,
  J: NON_NEGATIVE,
  '×': NON_NEGATIVE,
};

export interface LimitCheck {
  /** The limit is outside what the metric can take, or it can never be met: bad input. */
  error?: string;
  /** The budget is always met: legal, but it judges nothing. */
  warning?: string;
}

/** Checks a parsed budget's limit against the range of its metric's unit. */
export function checkBudgetLimit(op: BudgetOp, limit: number, unit: string): LimitCheck {
  if (!Number.isFinite(limit)) return { error: 'the limit is too large to be a finite number' };
  const range = UNIT_RANGES[unit];
  if (!range) return {};
  const { min = -Infinity, max = Infinity } = range;
  if (limit < min || limit > max) return { error: `the limit ${limit} ${unit} is out of range: this metric is ${range.says}` };
  if ((op === '<' && limit <= min) || (op === '>' && limit >= max)) return { error: `"${op} ${limit}" can never be met: this metric is ${range.says}` };
  if ((op === '<=' && limit >= max) || (op === '>=' && limit <= min)) return { warning: `"${op} ${limit}" is always met (this metric is ${range.says}): it judges nothing; write "off" to turn it off` };
  return {};
}
