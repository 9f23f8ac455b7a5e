import { KNOB_NAMES, type Cell, type KnobName, type Knobs } from '../measurement/schema.ts';
import { ctxAxis, threadsAxis, type BenchConfig } from '../config/schema.ts';
import { modelQuants } from '../config/model-quants.ts';
import { isRemoteTarget } from '../config/target-schema.ts';
import { remoteCells } from './remote-cells.ts';

/** Knob axes in id order, with how each value reads in a cell id. */
export const KNOB_AXES = {
  poll: (v: number) => `poll${v}`,
  batch_size: (v: number) => `b${v}`,
  ubatch_size: (v: number) => `ub${v}`,
  threads_batch: (v: number) => `tb${v}`,
  mlock: (v: boolean) => (v ? 'mlock' : 'nomlock'),
  mmap: (v: boolean) => (v ? 'mmap' : 'nommap'),
  flash_attn: (v: string) => `fa-${v}`,
  affinity: (v: string) => `cpu${v}`,
} as const satisfies Record<KnobName, (v: never) => string>;

type CoreFields = Pick<Cell, 'model' | 'quant' | 'threads' | 'ctx' | 'priority'> & Pick<Cell, 'middleware'>;

/** How a middleware preset reads in a cell id (last, after the knobs): `-t mw-concise` selects its cells. */
export const middlewareIdPart = (name: string) => `mw-${name}`;

/**
 * A readable, stable id such as `small Q4_K_M t2 c2048 nice10 poll0`: it is the describe title, so `-t Q4_K_M`
 * finds it. The five core axes always appear; a knob appears only when its axis varies (`varying`).
 */
export function cellId(c: CoreFields & Knobs, varying: readonly KnobName[] = KNOB_NAMES, middlewareVaries = true): string {
  const knobs = KNOB_NAMES.filter((k) => varying.includes(k) && c[k] !== undefined).map((k) => (KNOB_AXES[k] as (v: unknown) => string)(c[k]));
  const mw = middlewareVaries && c.middleware !== undefined ? [middlewareIdPart(c.middleware)] : [];
  return [`${c.model} ${c.quant} t${c.threads} c${c.ctx} ${c.priority}`, ...knobs, ...mw].join(' ');
}

export function cellSlug(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Every combination of the knob axes the config sets, in config order. */
function knobCombinations(matrix: BenchConfig['matrix']): Knobs[] {
  let combos: Knobs[] = [{}];
  for (const knob of KNOB_NAMES) {
    const values = matrix[knob] as readonly unknown[] | undefined;
    if (!values) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [knob]: v })));
  }
  return combos;
}

/** Cartesian product of the matrix axes, in config order, skipping quantizations a model does not offer. */
export function expandMatrix(config: BenchConfig): Cell[] {
  if (isRemoteTarget(config.target)) return remoteCells(config.target);
  const { matrix } = config;
  const varying = KNOB_NAMES.filter((k) => new Set(matrix[k] as readonly unknown[] | undefined).size > 1);
  const knobs = knobCombinations(matrix);
  // Like a knob, the middleware axis is in the id only when it varies; without the axis a cell has no middleware field.
  const middlewares: (string | undefined)[] = matrix.middleware ?? [undefined];
  const middlewareVaries = new Set(middlewares).size > 1;
  const [threadsList, ctxList] = [threadsAxis(config), ctxAxis(config)];
  const cells: Cell[] = [];
  for (const modelName of matrix.models) {
    const model = config.models.find((m) => m.name === modelName);
    if (!model) throw new Error(`matrix names model "${modelName}", which is not defined`);
    const offered = modelQuants(model);
    for (const quant of matrix.quants) {
      if (!offered.includes(quant)) continue;
      for (const threads of threadsList) {
        for (const ctx of ctxList) {
          for (const priority of matrix.priority) {
            for (const k of knobs) {
              for (const middleware of middlewares) {
                const mw = middleware === undefined ? {} : { middleware };
                const id = cellId({ model: modelName, quant, threads, ctx, priority, ...k, ...mw }, varying, middlewareVaries);
                cells.push({ id, slug: cellSlug(id), model: modelName, quant, threads, ctx, priority, ...k, ...mw });
              }
            }
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  return cells.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
}
