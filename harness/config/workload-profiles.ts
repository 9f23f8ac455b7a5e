// Settings of the heavier workload profiles. Each has full-length defaults and a `quick` block of overrides that
// `mode: quick` applies: small enough for the end-to-end tests on the tiny model.
import { z } from 'zod';
import { BUDGET_EXPRESSION_HELP, parseBudgetExpression } from '../budgets/budget.ts';
import { DURATION_LIMIT, MAX_DURATION_S, MAX_PARALLEL } from '../limits.ts';

const budgetExpression = z.string().refine((s) => s === 'off' || parseBudgetExpression(s) !== null, {
  message: `expected ${BUDGET_EXPRESSION_HELP}, or "off"`,
});
const budgets = z.record(z.string(), budgetExpression);
const tokens = z.number().int().min(16);
const seconds = z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT);

/** The same fields, each optional and without its default, so an override names only what it changes. */
function overrides<T extends z.ZodRawShape>(shape: T) {
  const bare = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]));
  return z.strictObject(bare) as unknown as z.ZodObject<{ [K in keyof T]: z.ZodOptional<T[K]> }>;
}

/** A settings object plus its `quick` overrides, which `mode: quick` applies. */
function withQuick<T extends z.ZodRawShape, C extends z.ZodRawShape>(shape: T, quick: Partial<{ [K in keyof T]: z.output<T[K]> }>, common: C, enabled = true) {
  const schema = z.strictObject({
    enabled: z.boolean().default(enabled),
    ...shape,
    quick: overrides(shape).default(quick as never),
    ...common,
  });
  return schema.prefault({} as never);
}

const judged = (critical: string[]) => ({ budgets: budgets.default({}), critical: z.array(z.string()).default(critical) });

export const longContextProfile = withQuick(
  {
    /** Prompt sizes in tokens, capped by the cell's ctx and the model's trained context. */
    sizes: z.array(tokens).min(1).default([4096, 8192, 16384, 32768, 65536]),
    /** Tokens decoded after each prompt, for decode speed at that context. */
    max_tokens: z.number().int().min(2).default(32),
    /** A size counts as usable while its time to first token stays within this. */
    usable_ttft_s: seconds.default(30),
    request_timeout_s: seconds.default(900),
  },
  { sizes: [200, 800], max_tokens: 8 },
  judged(['load_s']),
);

export const batchProfile = withQuick(
  {
    /** Summarisation tasks, one JSON object per line with `id` and `prompt`. */
    documents: z.string().default('prompts/batch.jsonl'),
    /** How many of them, in file order. */
    count: z.number().int().min(2).default(30),
    max_tokens: z.number().int().min(2).default(96),
    /** Run the batch a second time with `--cache-ram 0` to tell prompt-cache growth from a leak. */
    without_cache_pass: z.boolean().default(true),
    /** Shortest pass whose RSS slope is reported per hour; a shorter one would extrapolate noise (growth is still reported). */
    min_trend_s: seconds.default(60),
    request_timeout_s: seconds.default(300),
  },
  { count: 5, max_tokens: 24 },
  judged([]),
);

export const stressProfile = withQuick(
  {
    /** Continuous generation for this long (one cell only: a soak, not a sweep). */
    duration_s: seconds.default(1800),
    /** Vitals every interval: temperature, frequency, memory, swap, tok/s. */
    interval_s: seconds.default(30),
    max_tokens: z.number().int().min(2).default(256),
    /** Throttling: tok/s or frequency this many % below the first interval's level, for two intervals or more. */
    throttle_drop_pct: z.number().gt(0).lt(100).default(15),
    /** Stops the soak early above this CPU temperature (where a sensor exists). */
    abort_temperature_c: z.number().default(90),
    /**
     * The cell to soak: an exact cell id, or null for the planner's pick (the heaviest cell that still passed the
     * other profiles), else the last planned cell.
     */
    cell: z.string().nullable().default(null),
  },
  { duration_s: 30, interval_s: 5, max_tokens: 64 },
  judged(['aborted']),
);

export const wakeProfile = withQuick(
  {
    /** Idle time before the first request, whose speed is compared with a warm request's. */
    idle_before_s: seconds.default(30),
    /** llama-server --poll levels whose idle CPU is compared (0 sleeps, 100 busy-polls; 50 is its default). */
    poll_levels: z.array(z.number().int().min(0).max(100)).default([0, 50, 100]),
    /** Idle measurement per poll level and while asleep. */
    idle_s: seconds.default(10),
    /** --sleep-idle-seconds for the sleep phase (the server unloads the model when idle); null skips the phase. */
    sleep_idle_s: z.number().int().min(1).max(MAX_DURATION_S, DURATION_LIMIT).nullable().default(5),
    max_tokens: z.number().int().min(2).default(32),
    request_timeout_s: seconds.default(300),
  },
  { idle_before_s: 2, idle_s: 1, sleep_idle_s: 1, max_tokens: 8 },
  judged([]),
);

export const concurrencyProfile = withQuick(
  {
    /** Concurrent clients; llama-server gets as many --parallel slots. */
    clients: z.array(z.number().int().min(1).max(MAX_PARALLEL)).min(1).default([1, 2, 4]),
    requests_per_client: z.number().int().min(1).default(4),
    max_tokens: z.number().int().min(2).default(64),
    request_timeout_s: seconds.default(300),
  },
  { clients: [1, 2], requests_per_client: 2, max_tokens: 16 },
  judged([]),
  // Off by default: an always-on assistant usually serves one person.
  false,
);

export const qualityProfile = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Folder of the golden sets, relative to the config file. */
    goldens: z.string().default('goldens'),
    sets: z.array(z.string().min(1)).min(1).default(['endpoint-security', 'math', 'comprehension', 'reasoning', 'format']),
    /**
     * Sets also graded in constrained-answer mode: each item is asked again for {"answer": …} under a JSON Schema
     * derived from its grader (llama-server's response_format), so extraction is exact. Both scores are reported:
     * `score_<category>` (how it answers) and `score_<category>_constrained` (what it knows).
     */
    constrained_sets: z.array(z.string().min(1)).default([]),
    /** Items per set (null: all); a small number makes a quick run. */
    limit_per_set: z.number().int().min(1).nullable().default(null),
    cove: z.strictObject({ enabled: z.boolean().default(true), limit: z.number().int().min(1).nullable().default(null) }).default({ enabled: true, limit: null }),
    retrieval: z
      .strictObject({ enabled: z.boolean().default(true), limit: z.number().int().min(1).nullable().default(null) })
      .default({ enabled: true, limit: null }),
    /**
     * Decoding is deterministic and threads or priority do not change the answers, so by default each
     * model × quantization × context is graded once, on its first cell; the other cells are skipped with that reason.
     */
    once_per_quant: z.boolean().default(true),
    /** A category score this many points (of 100) below the model's highest-precision quantization is flagged. */
    degradation_threshold_points: z.number().min(0).default(5),
    request_timeout_s: z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT).default(120),
    budgets: budgets.default({}),
    critical: z.array(z.string()).default(['score_endpoint_security']),
  })
  .superRefine((q, ctx) => {
    q.constrained_sets.forEach((set, i) => {
      if (!q.sets.includes(set)) ctx.addIssue({ code: 'custom', path: ['constrained_sets', i], message: `expected one of the graded sets (${q.sets.join(', ')}), got "${set}"` });
    });
  });

/** Paired comparison of the cells of one model × quantization × context inside one probe session. */
const pairedComparison = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** `first`: the first model × quantization × context with two or more measured cells (plan order); `all`: every one. */
    groups: z.enum(['first', 'all']).default('first'),
    /** Rounds before the session may stop: each round probes every cell of the group once. */
    min_rounds: z.number().int().min(3).default(6),
    /** The session stops here even when an interval is still wider than the target. */
    max_rounds: z.number().int().min(3).default(20),
    /** The session stops once every pair's interval is at most ± this many % of foreground time. */
    target_halfwidth_pct: z.number().positive().default(3),
  })
  .refine((p) => p.min_rounds <= p.max_rounds, { message: 'expected min_rounds ≤ max_rounds', path: ['max_rounds'] });

export const invisibilityProfile = z.strictObject({
  enabled: z.boolean().default(true),
  /** How long tinybench runs the foreground task, in each of the idle and active phases. */
  foreground_ms: z.number().int().min(100).max(MAX_DURATION_S * 1000, DURATION_LIMIT).default(1500),
  /** How long the 10 ms timer-lateness probe runs, in each phase. */
  lateness_ms: z.number().int().min(100).max(MAX_DURATION_S * 1000, DURATION_LIMIT).default(1000),
  /** Tokens per background request while the probe runs. */
  max_tokens: z.number().int().min(2).default(128),
  /** Active phases, each between two idle phases (idle, active, idle, …, active, idle); the slowdown's interval comes from their spread. */
  rounds: z.number().int().min(1).default(3),
  paired: pairedComparison.default(pairedComparison.parse({})),
  budgets: budgets.default({}),
  critical: z.array(z.string()).default([]),
});
