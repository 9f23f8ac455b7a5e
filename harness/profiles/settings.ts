// The building blocks of a profile's settings block: every profile's settings have `enabled`, `budgets` and
// `critical`; the heavier ones also a `quick` block of overrides that `planner.mode: quick` applies (small enough
// for the end-to-end tests on the tiny model). Pure zod: the config schema is derived from these.
import { z } from 'zod';
import { BUDGET_EXPRESSION_HELP, parseBudgetExpression } from '../budgets/budget.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../limits.ts';
import { guardOverridesSchema } from '../config/guards-schema.ts';

export const budgetExpression = z.string().refine((s) => s === 'off' || parseBudgetExpression(s) !== null, {
  message: `expected ${BUDGET_EXPRESSION_HELP}, or "off"`,
});
/** A metric's budget, or several (a sampled metric's aggregations: `cpu_pct: ["mean <= 35", "p(99) <= 50"]`). */
export const budgets = z.record(z.string(), z.union([budgetExpression, z.array(budgetExpression).min(1)]));
export const tokens = z.number().int().min(16);
export const seconds = z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT);

/** The same fields, each optional and without its default, so an override names only what it changes. */
function overrides<T extends z.ZodRawShape>(shape: T) {
  const bare = Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]),
  );
  return z.strictObject(bare) as unknown as z.ZodObject<{ [K in keyof T]: z.ZodOptional<T[K]> }>;
}

/**
 * Every profile's budgets (data, "off" to drop one), the metrics whose miss rates a cell "failed", not "poor", and
 * its override of the top-level cell guards (temperature, swap).
 */
export const judged = (critical: string[]) => ({ budgets: budgets.default({}), critical: z.array(z.string()).default(critical), guards: guardOverridesSchema.optional() });

/** A profile's settings block: its own fields, `enabled`, and its budgets and critical metrics. */
export function plainSettings<T extends z.ZodRawShape, C extends z.ZodRawShape>(shape: T, common: C, enabled = true) {
  return z.strictObject({ enabled: z.boolean().default(enabled), ...shape, ...common }).prefault({} as never);
}

/** A settings block plus its `quick` overrides, which `mode: quick` applies. */
export function withQuick<T extends z.ZodRawShape, C extends z.ZodRawShape>(
  shape: T,
  quick: Partial<{ [K in keyof T]: z.output<T[K]> }>,
  common: C,
  enabled = true,
) {
  const schema = z.strictObject({
    enabled: z.boolean().default(enabled),
    ...shape,
    quick: overrides(shape).default(quick as never),
    ...common,
  });
  return schema.prefault({} as never);
}
