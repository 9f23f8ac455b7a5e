// Batch: summarisation documents one after another, as an overnight job would send them. Throughput, its
// steadiness (CV, first vs last documents), and an RSS trend, with a second pass at --cache-ram 0 to tell the prompt
// cache's growth from a leak.
import { z } from 'zod';
import { DOCS_PER_HOUR_BANDS } from '../../budgets/bands.ts';
import { COMMON_METRICS, higher, lower, neither } from '../../budgets/metric.ts';
import { defineProfile, type ProfileRuntime } from '../define-profile.ts';
import { judged, seconds, withQuick } from '../settings.ts';

export const settings = withQuick(
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

export const batch = defineProfile({
  name: 'batch',
  summary: "Summarisation documents one after another, then again with --cache-ram 0 to tell the prompt cache's growth from a leak.",
  settings,
  metrics: {
    ...COMMON_METRICS,
    docs_per_hour: higher('documents per hour', 'docs/h', DOCS_PER_HOUR_BANDS),
    doc_seconds_mean: lower('seconds per document', 's'),
    doc_seconds_sd: lower('seconds per document, sd', 's'),
    doc_seconds_cv_pct: lower('document time CV', '%'),
    degradation_pct: lower('last vs first documents', '%'),
    rss_slope_mb_per_h: lower('RSS slope', 'MB/h'),
    rss_growth_mb: lower('RSS growth over the batch', 'MB'),
    rss_growth_no_cache_mb: lower('RSS growth with --cache-ram 0', 'MB'),
    leak_slope_mb_per_h: lower('RSS slope with --cache-ram 0 (leak signal)', 'MB/h'),
    // How much of the growth is the cache doing its job rather than a leak: an explanation, not a goal.
    cache_explained_pct: neither('RSS growth explained by the prompt cache', '%'),
    documents_failed: lower('failed documents', 'docs'),
  },
  key: ['docs_per_hour', 'doc_seconds_mean', 'doc_seconds_cv_pct', 'degradation_pct', 'rss_slope_mb_per_h', 'leak_slope_mb_per_h', 'cache_explained_pct'],
  // Steady throughput without a leak: CV ≤ 20 %, the last documents at most 10 % slower than the first.
  budgets: {
    doc_seconds_cv_pct: '<= 20',
    degradation_pct: '<= 10',
    leak_slope_mb_per_h: '<= 100',
    documents_failed: '<= 0',
  },
  needs: ['process'],
  setupTimeoutS: (s, { loadTimeoutS }) =>
    // A document normally takes seconds; the timeout is for a stuck server, so allow a quarter of it per document.
    2 * loadTimeoutS + (s.without_cache_pass ? 2 : 1) * s.count * (s.request_timeout_s / 4) + 120,
  charts: [
    {
      kind: 'block',
      title: 'Batch: time per document',
      note: 'Documents in order, as configured and again with --cache-ram 0; RSS after each document shows whether memory creeps up, and how much of it is the prompt cache.',
      charts: [
        { kind: 'series', table: 'documents', x: 'doc', y: 'seconds', xLabel: 'document', yLabel: 'seconds per document' },
        { kind: 'series', table: 'documents', x: 'doc', y: 'rss_mb', xLabel: 'document', yLabel: 'RSS after the document (MB)' },
        { kind: 'series', table: 'documents', x: 'doc', y: 'rss_no_cache_mb', xLabel: 'document', yLabel: 'RSS with --cache-ram 0 (MB)' },
      ],
    },
  ],
  load: (): Promise<ProfileRuntime> => import('./workload.ts'),
});
