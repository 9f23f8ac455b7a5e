// Quality: graded golden answers (endpoint security, math, comprehension, reasoning, format), chain of
// verification and retrieval, in the same run as the resource figures, so a smaller quantization's cost in
// answers is visible beside its savings in memory and time.
import { z } from 'zod';
import { LATENCY_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, family, higher, lower, neither, words } from '../../budgets/metric.ts';
import { DURATION_LIMIT, MAX_DURATION_S } from '../../limits.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged } from '../settings.ts';
import { MIDDLEWARE_METRICS } from '../../middleware/metrics.ts';

export const settings = z
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
    cove: z
      .strictObject({ enabled: z.boolean().default(true), limit: z.number().int().min(1).nullable().default(null) })
      .default({ enabled: true, limit: null }),
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
    ...judged(['score_endpoint_security']),
  })
  .superRefine((q, ctx) => {
    q.constrained_sets.forEach((set, i) => {
      if (!q.sets.includes(set))
        ctx.addIssue({ code: 'custom', path: ['constrained_sets', i], message: `expected one of the graded sets (${q.sets.join(', ')}), got "${set}"` });
    });
  })
  .prefault({} as never);

export const quality = defineProfile({
  name: 'quality',
  summary: 'Graded golden answers, chain of verification and retrieval, in the same run as the resource figures.',
  settings,
  metrics: {
    ...COMMON_METRICS,
    score_overall: higher('overall score', 'score'),
    score_endpoint_security: higher('endpoint-security score', 'score'),
    score_math: higher('math score', 'score'),
    score_comprehension: higher('comprehension score', 'score'),
    score_reasoning: higher('reasoning score', 'score'),
    score_format: higher('format score', 'score'),
    cove_pass_rate: higher('CoVe pass rate', 'score'),
    cove_plain_pass_rate: higher('plain-answer pass rate (CoVe set)', 'score'),
    cove_extra_tokens_mean: lower('CoVe extra tokens per item', 'tokens'),
    cove_extra_latency_s_mean: lower('CoVe extra latency per item', 's'),
    retrieval_precision_mean: higher('retrieval precision', 'score'),
    retrieval_recall_mean: higher('retrieval recall', 'score'),
    retrieval_f1_mean: higher('retrieval F1', 'score'),
    retrieval_bm25_f1_mean: neither('BM25 baseline F1', 'score'),
    retrieval_embedding_f1_mean: higher('embedding ranking F1', 'score'),
    answer_latency_p95_s: lower('answer latency p95', 's', LATENCY_BANDS),
    requests_failed: lower('failed requests', 'requests'),
    items_errored: lower('golden items without an answer (request failed)', 'items'),
    // Constrained-answer mode: the same items asked for {"answer": …} under a JSON schema, so extraction is exact.
    score_overall_constrained: higher('overall score, constrained answers', 'score'),
    score_endpoint_security_constrained: higher('endpoint-security score, constrained answers', 'score'),
    score_math_constrained: higher('math score, constrained answers', 'score'),
    score_comprehension_constrained: higher('comprehension score, constrained answers', 'score'),
    score_reasoning_constrained: higher('reasoning score, constrained answers', 'score'),
    score_format_constrained: higher('format score, constrained answers', 'score'),
    ...MIDDLEWARE_METRICS,
  },
  families: [
    family('score_', '_constrained', /^[a-z0-9_]+$/, (c) => higher(`${words(c)} score, constrained answers`, 'score')),
    family('score_', '', /^[a-z0-9_]+$/, (c) => higher(`${words(c)} score`, 'score')),
  ],
  key: [
    'score_endpoint_security',
    'score_math',
    'score_comprehension',
    'score_reasoning',
    'score_format',
    'cove_pass_rate',
    'retrieval_f1_mean',
    'answer_latency_p95_s',
  ],
  // The correctness floors of the design: endpoint security is the headline one (0.80).
  budgets: {
    score_endpoint_security: '>= 0.8',
    score_math: '>= 0.8',
    score_comprehension: '>= 0.75',
    score_reasoning: '>= 0.75',
    score_format: '>= 0.9',
    requests_failed: '<= 0',
  },
  setupTimeoutS: (_s, { loadTimeoutS }) => loadTimeoutS + 3600,
  charts: [{ kind: 'quality-speed' }, { kind: 'quality-degradation' }, { kind: 'middleware-comparison' }],
  usesMiddleware: true,
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
