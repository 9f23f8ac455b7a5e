import { z } from 'zod';
import { DEFAULT_QUANT_ORDER, FULL_QUANTS, QUICK_QUANTS } from './quants.ts';
import { DURATION_LIMIT, MAX_DURATION_S, MAX_INT32, MAX_PARALLEL, MAX_THREADS, isSafeRevision } from '../limits.ts';
import type { DeclaredProfile } from '../profiles/define-profile.ts';
import { PROFILES, type ProfileName, type ProfileOf } from '../profiles/registry.ts';
import { DEFAULT_TARGET, targetSchema } from './target-schema.ts';
import { energySchema } from './energy-schema.ts';
import { middlewareSectionSchema } from '../middleware/config.ts';
import { interpretationSchema, selectionSchema } from './interpretation-schema.ts';
import { guardSettingsSchema } from './guards-schema.ts';
import { autoThreads, type Machine } from './machine.ts';

export const OUTPUT_FORMATS = ['json', 'csv', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The longest a stopping llama-server is given between SIGTERM and SIGKILL. */
export const MAX_STOP_GRACE_S = 30;

/** The quantization ladder llama-quantize derives from the generated default models. */
export const BUILTIN_QUANTS = ['F16', 'Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q3_K_M', 'Q2_K'] as const;
export const BUILTIN_SIZES = ['tiny', 'small'] as const;

/**
 * Process priority presets: niceness, I/O class, CPU scheduling policy and llama-server's own thread priority
 * (--prio). `sched_idle` is the kernel's strongest: SCHED_IDLE threads run only when no other thread wants the CPU.
 * llamaPrio stays 0 ("keep what was inherited"): llama.cpp's --prio -1 calls setpriority(5) on the process, which as
 * root *raises* a nice 19 server back to nice 5, and sets SCHED_BATCH on its compute threads, replacing SCHED_IDLE.
 */
export const PRIORITY_PRESETS = {
  normal: { nice: 0, ionice: null, schedIdle: false, llamaPrio: 0 },
  nice10: { nice: 10, ionice: { class: 2, level: 7 }, schedIdle: false, llamaPrio: 0 },
  nice19: { nice: 19, ionice: { class: 3, level: null }, schedIdle: false, llamaPrio: 0 },
  sched_idle: { nice: 19, ionice: { class: 3, level: null }, schedIdle: true, llamaPrio: 0 },
} as const;
export type PriorityName = keyof typeof PRIORITY_PRESETS;

const name = z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-" only');
const quant = z.string().regex(/^[A-Z0-9_]+$/, 'expected a quantization name such as Q4_K_M');
const ctxSize = z.number().int().min(128).max(MAX_INT32, '(the largest 32-bit integer)');


/** A model's rough size by parameter count, for grouping and ordering: tiny < 1B, small < 4B, medium < 15B, large ≥ 15B. */
export const SIZE_CLASSES = ['tiny', 'small', 'medium', 'large'] as const;

const repoId = z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'expected a Hugging Face repo id such as "org/name"');
const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected a SHA-256 (64 hex digits)');

export const modelSchema = z
  .strictObject({
    name,
    size_class: z.enum(SIZE_CLASSES).optional(),
    /** A generated default model (no download): tiny ≈ 20M parameters, small ≈ 106M. */
    builtin: z.enum(BUILTIN_SIZES).optional(),
    /** One local GGUF file; its quantization is `quant`. */
    path: z.string().min(1).optional(),
    quant: quant.optional(),
    /** One GGUF file per quantization: local paths, or paths inside `repo` when it is set. */
    files: z.record(quant, z.string().min(1)).optional(),
    /** A Hugging Face repo ("org/name") the `files` are downloaded from, into model_dir, when the planned cells need them. */
    repo: repoId.optional(),
    /** Branch, tag or commit of `repo`; default main. */
    revision: z
      .string()
      .refine(isSafeRevision, 'expected a commit SHA (40 hex digits) or a branch or tag name such as "main", "v1.0" or "refs/pr/1"')
      .optional(),
    /** Expected SHA-256 per quantization, checked besides the hub's own LFS hash. */
    sha256: z.record(quant, sha256Hex).optional(),
  })
  .superRefine((m, ctx) => {
    const sources = [m.builtin, m.path, m.files ?? m.repo].filter((x) => x !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of builtin, path or files (local files, or files in a hub repo)' });
    }
    if (m.path !== undefined && m.quant === undefined) {
      ctx.addIssue({ code: 'custom', path: ['quant'], message: 'expected the quantization of the file at path, e.g. quant: Q4_K_M' });
    }
    if (m.repo !== undefined && m.files === undefined) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'missing; expected the repo\'s files per quantization, e.g. files: { Q4_K_M: model-Q4_K_M.gguf }' });
    }
    for (const key of ['revision', 'sha256'] as const) {
      if (m[key] !== undefined && m.repo === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies to hub models only; expected repo: org/name beside it` });
    }
    if (m.repo !== undefined) {
      for (const [q, file] of Object.entries(m.files ?? {})) {
        if (file.startsWith('/') || file.includes('\\') || file.split('/').some((s) => s === '' || s === '.' || s === '..')) {
          ctx.addIssue({ code: 'custom', path: ['files', q], message: `got "${file}", expected a path inside the repo such as "model-Q4_K_M.gguf"` });
        }
      }
    }
    for (const q of Object.keys(m.sha256 ?? {})) {
      if (m.files?.[q] === undefined) ctx.addIssue({ code: 'custom', path: ['sha256', q], message: `no file for ${q} under files` });
    }
  });

/** One settings block per profile, each with its defaults (harness/profiles/<name>/profile.ts). */
export function profilesSchemaFor(profiles: readonly DeclaredProfile[]) {
  return z.strictObject(Object.fromEntries(profiles.map((p) => [p.name, p.settings]))).prefault({});
}

const profilesSchema = profilesSchemaFor(PROFILES) as unknown as z.ZodPrefault<z.ZodObject<{ [P in ProfileName]: ProfileOf<P>['settings'] }, z.core.$strict>>;

function onceEach(qs: string[], ctx: z.RefinementCtx): void {
  qs.forEach((q, i) => {
    if (qs.indexOf(q) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `expected each quantization once; ${q} is listed twice` });
  });
}

/** Traversal order and smart termination of the matrix (harness/matrix/planner.ts). */
const plannerSection = z.strictObject({
  /** false: cells run in matrix order and none is skipped by the planner. */
  enabled: z.boolean().default(true),
  /** quick: only quick_quants (the other cells are skipped with that reason); full: full_quants. `--quick`/`--full` override it. */
  mode: z.enum(['quick', 'full']).default('full'),
  /** The quantizations quick mode runs; their model files are the only ones made or downloaded in quick mode. */
  quick_quants: z.array(quant).min(1).default([...QUICK_QUANTS]).superRefine(onceEach),
  /** The quantizations full mode runs; null: every quantization of matrix.quants. */
  full_quants: z.array(quant).min(1).superRefine(onceEach).nullable().default(FULL_QUANTS),
  /** A cell that misses the performance threshold: run-all-profiles still runs its other profiles; skip-cell skips them. */
  after_performance_failure: z.enum(['run-all-profiles', 'skip-cell']).default('run-all-profiles'),
  /** Quantizations in the order they are walked (each across every model, smallest model first); others run last. */
  quant_order: z
    .array(quant)
    .min(1)
    .default([...DEFAULT_QUANT_ORDER])
    .superRefine((qs, ctx) => {
      qs.forEach((q, i) => {
        if (qs.indexOf(q) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `expected each quantization once; ${q} is listed twice` });
      });
    }),
  /** Skip a cell whose estimated memory exceeds this (MB); null: only the RAM available when the run starts. */
  memory_cap_mb: z.number().positive().nullable().default(null),
  /** A cell whose TTFT p95 exceeds this fails, and larger models at the same quantization are skipped. */
  ttft_limit_s: z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT).default(30),
  /** A cell decoding slower than this fails, and larger models at the same quantization are skipped. */
  min_decode_tps: z.number().min(0).default(2),
});

export const configSchema = z.strictObject({
  models: z.array(modelSchema).min(1),
  /** A second YAML file (relative to this one) with more model definitions under `models:`; they come after these. */
  models_file: z.string().min(1).optional(),
  /** Where hub models are downloaded to (relative to the config file); default `<cache dir>/models/hub`. */
  model_dir: z.string().min(1).optional(),
  matrix: z.strictObject({
    models: z.array(name).min(1),
    quants: z.array(quant).min(1),
    /** Left out: llama.default_threads (see threadsAxis below; loadConfig fills it in). */
    threads: z.array(z.number().int().min(1).max(MAX_THREADS, '(llama.cpp runs at most 512 threads)')).min(1).optional(),
    /** Left out: llama.default_ctx_size. */
    ctx: z.array(ctxSize).min(1).optional(),
    priority: z.array(z.enum(Object.keys(PRIORITY_PRESETS) as [PriorityName, ...PriorityName[]])).min(1).default(['nice10']),
    // Spike-taming knobs: optional axes; left out, llama-server's own default applies. Only axes with more than one
    // value appear in the cell id.
    /** llama-server --poll: 0 sleeps while waiting for work, 100 busy-polls (its default is 50). */
    poll: z.array(z.number().int().min(0).max(100)).min(1).optional(),
    /** --batch-size: logical batch size for prompt processing. */
    batch_size: z.array(z.number().int().min(1).max(MAX_INT32, '(the largest 32-bit integer)')).min(1).optional(),
    /** --ubatch-size: physical batch size, i.e. chunked prefill (smaller chunks, shorter CPU bursts). */
    ubatch_size: z.array(z.number().int().min(1).max(MAX_INT32, '(the largest 32-bit integer)')).min(1).optional(),
    /** --threads-batch: threads for prompt processing (default: the cell's threads). */
    threads_batch: z.array(z.number().int().min(1).max(MAX_THREADS, '(llama.cpp runs at most 512 threads)')).min(1).optional(),
    /** Lock the model in RAM (llama-server --load-mode mlock / mmap+mlock). */
    mlock: z.array(z.boolean()).min(1).optional(),
    /** Memory-map the model file (false: read it into private memory). */
    mmap: z.array(z.boolean()).min(1).optional(),
    flash_attn: z.array(z.enum(['on', 'off', 'auto'])).min(1).optional(),
    /** CPU lists for taskset, e.g. ["0", "0-1"]; overrides llama.cpu_affinity. */
    affinity: z.array(z.string().regex(/^[0-9,-]+$/, 'expected a CPU list such as "0" or "0-1"')).min(1).optional(),
    /** Prompt-middleware presets (middleware.presets, plus none, concise, with-context) for profiles that send chat requests. */
    middleware: z.array(name).min(1).optional(),
  }),
  /** Prompt middleware: system-prompt presets, conversation context, free-form injections (harness/middleware). */
  middleware: middlewareSectionSchema,
  profiles: profilesSchema,
  llama: z
    .strictObject({
      server_path: z.string().nullable().default(null),
      load_timeout_s: z.number().positive().max(MAX_DURATION_S, DURATION_LIMIT).default(300),
      /** SIGTERM, then this long for llama-server to exit, then SIGKILL. */
      stop_grace_s: z.number().positive().max(MAX_STOP_GRACE_S, `expected at most ${MAX_STOP_GRACE_S} s (a server that ignores SIGTERM that long is killed)`).default(5),
      /** CPU list for taskset, e.g. "0" or "0-1"; null leaves affinity to the OS. */
      cpu_affinity: z.string().regex(/^[0-9,-]+$/, 'expected a CPU list such as "0" or "0-1"').nullable().default(null),
      parallel: z.number().int().min(1).max(MAX_PARALLEL).default(1),
      seed: z.number().int().default(42),
      extra_args: z.array(z.string()).default([]),
      /** Threads of the cells when matrix.threads is left out; null: one per physical core of this machine. */
      default_threads: z.number().int().min(1).max(MAX_THREADS, '(llama.cpp runs at most 512 threads)').nullable().default(null),
      /** Context size of the cells when matrix.ctx is left out. */
      default_ctx_size: ctxSize.default(2048),
    })
    .prefault({}),
  sampler: z.strictObject({ interval_ms: z.number().int().min(10).max(60_000).default(100) }).default({ interval_ms: 100 }),
  /** What the HTTP client accepts from llama-server: bytes per answer (an answer over it is an error of its request). */
  client: z.strictObject({ max_response_mb: z.number().positive().max(1024).default(8) }).default({ max_response_mb: 8 }),
  /** The overall-best selection: weights over `profile.metric` figures and hard minimums (harness/config/interpretation-schema.ts). */
  selection: selectionSchema,
  /** Interpretation bands and the quality interpretation's thresholds (harness/config/interpretation-schema.ts). */
  interpretation: interpretationSchema,
  verdicts: z
    .strictObject({
      /** What an inconclusive verdict (the confidence interval straddles the limit) does to its test. */
      on_inconclusive: z.enum(['fail', 'warn', 'pass']).default('warn'),
      confidence: z.number().gt(0).lt(1).default(0.95),
      bootstrap_resamples: z.number().int().min(100).default(1000),
    })
    .default({ on_inconclusive: 'warn', confidence: 0.95, bootstrap_resamples: 1000 }),
  planner: plannerSection.default(plannerSection.parse({})),
  output: z
    .strictObject({
      dir: z.string().default('results'),
      /** Which scoreboard files a run writes; json always (resume, `npm run report`, merges and history read it). */
      formats: z
        .array(z.enum(OUTPUT_FORMATS))
        .min(1)
        .default([...OUTPUT_FORMATS])
        .superRefine((fs, ctx) => {
          fs.forEach((f, i) => {
            if (fs.indexOf(f) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `expected each format once; ${f} is listed twice` });
          });
          if (!fs.includes('json')) {
            ctx.addIssue({ code: 'custom', message: `expected a list that includes json (got [${fs.join(', ')}]): --resume, npm run report, merges and history read scoreboard.json; leave out csv or html instead` });
          }
        }),
      /** false: a cell that went well keeps no server log (server.stdout.log, server.stderr.log); a failed cell keeps them. */
      include_logs: z.boolean().default(true),
    })
    .prefault({}),
  /** The harness's own progress lines (per cell: server ready, measuring, failures). */
  logging: z
    .strictObject({
      /** Lines below this level are not printed: error < warn < info < debug. */
      level: z.enum(LOG_LEVELS).default('info'),
      /** Also append every line at or above the level, time-stamped, to this file (relative to the config file); null: none. */
      file: z.string().min(1).nullable().default(null),
    })
    .prefault({}),
  /** The server measured: a llama-server launched per cell (default), or one started elsewhere (harness/config/target-schema.ts). */
  target: targetSchema.default(DEFAULT_TARGET),
  /** Energy figures: RAPL, or an estimate from a named coefficient, an idle baseline, carbon (harness/config/energy-schema.ts). */
  energy: energySchema,
  /** Cell guards for every profile: abort a cell above a CPU temperature, or when swap grows (harness/sampler/guards.ts). */
  guards: guardSettingsSchema.prefault({}),
});

export type BenchConfig = z.output<typeof configSchema>;

/** The matrix's threads: as listed, else `[llama.default_threads]`, else one per physical core of this machine. */
export function threadsAxis(config: Pick<BenchConfig, 'matrix' | 'llama'>, machine?: Machine): number[] {
  return config.matrix.threads ?? [config.llama.default_threads ?? autoThreads(machine)];
}

/** The matrix's context sizes: as listed, else `[llama.default_ctx_size]`. */
export function ctxAxis(config: Pick<BenchConfig, 'matrix' | 'llama'>): number[] {
  return config.matrix.ctx ?? [config.llama.default_ctx_size];
}
export type ModelConfig = z.infer<typeof modelSchema>;
