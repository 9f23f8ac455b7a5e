// manifest.json: what a bundle is. The cell and its server settings, the model (in the bundle or a hub reference)
// with its SHA-256, the budgets it was judged by and the verdicts it got, the llama.cpp build, the host it was
// measured on, the run and when the bundle was made. zod is its single definition; deploy and serve parse it.
import { z } from 'zod';
import { cellSchema, verdictSchema } from '../measurement/schema.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MODEL_DIR = 'model';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** A bundle-relative path: plain segments, nothing absolute, no "..". */
const bundlePath = z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/).refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'no "." or ".." segments');

export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** Bundle name: the cell's slug and the run id, e.g. tiny_Q4_K_M_t1_c1024_nice10-20261201-124952-11aaa7. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/),
  createdAt: z.string(),
  run: z.strictObject({ id: z.string(), createdAt: z.string(), configFile: z.string(), configHash: z.string() }),
  /** The use case whose recommendation chose the cell; null when it was named with --cell. */
  useCase: z.string().nullable(),
  /** `recommended`: the use case's pick met every budget; `provisional`: some stayed unresolved; `chosen`: --cell. */
  selection: z.enum(['recommended', 'provisional', 'chosen']),
  score: z.number().nullable(),
  reasons: z.array(z.string()),
  cell: cellSchema,
  model: z.strictObject({
    name: z.string(),
    quant: z.string(),
    /** The file inside the bundle; null with --no-model (then `hub` or `sourcePath` says where it is). */
    file: bundlePath.nullable(),
    sha256,
    bytes: z.number().int().nonnegative(),
    sourcePath: z.string(),
    hub: z.strictObject({ repo: z.string(), file: z.string(), revision: z.string() }).nullable(),
  }),
  server: z.strictObject({
    threads: z.number().int().min(1),
    ctx: z.number().int().min(1),
    priority: z.string(),
    parallel: z.number().int().min(1),
    extraArgs: z.array(z.string()),
    cpuAffinity: z.string().nullable(),
    /** The port the systemd unit binds (always on 127.0.0.1). */
    port: z.number().int().min(1).max(65535),
  }),
  /** Per profile, the budget expressions the cell was judged by (a config's `budgets:` block, rebuilt). */
  budgets: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
  /** Per profile, the verdicts the cell got in the run: the evidence. */
  evidence: z.record(z.string(), z.array(verdictSchema)),
  /** The interactive settings of the run, with which deploy's load test runs (quick mode). */
  loadTest: z.strictObject({ warmup: z.number().int().min(0), repetitions: z.number().int().min(1), max_tokens: z.number().int().min(2), request_timeout_s: z.number().positive() }),
  llama: z.strictObject({ version: z.string(), commit: z.string(), serverPath: z.string() }),
  host: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type Manifest = z.infer<typeof manifestSchema>;

interface PlanBudget {
  metric: string;
  source: string;
  aggregation: unknown;
}

/**
 * A config `budgets:` block from the budgets a run resolved: each metric's list as written. Alias names were already
 * resolved to their metric, so this block sets exactly these budgets once the defaults not in it are turned off.
 */
export function budgetsBlock(budgets: readonly PlanBudget[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of budgets) (out[b.metric] ??= []).push(b.source);
  return out;
}

/** The `budgets:` block for a profile's config: the bundle's budgets, and "off" for every default it does not name. */
export function configBudgets(bundle: Record<string, string[]>, defaults: Record<string, string | readonly string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const metric of Object.keys(defaults)) if (!(metric in bundle)) out[metric] = 'off';
  for (const [metric, sources] of Object.entries(bundle)) out[metric] = [...sources];
  return out;
}

export function parseManifest(text: string, file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) throw new Error(`${file} is not a bundle manifest: ${r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
