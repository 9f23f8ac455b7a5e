import { checkEnergy } from './energy-checks.ts';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { z } from 'zod';
import { aggregationProblem, budgetKey, makeBudget, parseBudgetExpression, type Budget, type BudgetOp } from '../budgets/budget.ts';
import { METRIC_CATALOGUE, PROFILE_NAMES, metricDefinition, type ProfileName } from '../budgets/catalogue.ts';
import { DEFAULT_BUDGETS } from '../budgets/defaults.ts';
import { defaultModelDir } from '../models/hub-models.ts';
import { checkBudgetLimit } from './budget-ranges.ts';
import {
  checkDurations,
  checkExtraArgs,
  checkMatrix,
  checkModelDir,
  checkModels,
  checkPlanner,
  checkSelection,
  checkServerPath,
  type CheckContext,
  type Where,
} from './checks.ts';
import { describeIssue } from './describe.ts';
import { ConfigError, formatPath, type ConfigProblem } from './errors.ts';
import { readMachine, type Machine } from './machine.ts';
import { keyLineOf, lineOf, parseConfigYaml, readConfigText } from './read.ts';
import { configSchema, ctxAxis, threadsAxis, type BenchConfig } from './schema.ts';
import { applyTargetOverride, type TargetOverride } from './target-schema.ts';
import { checkTarget, targetOverrideFrom } from './target-checks.ts';
import { applyModeOverride, modeOverrideFrom, type PlannerMode } from './mode-override.ts';
import { closest } from './suggest.ts';
import { checkMiddleware } from '../middleware/checks.ts';

export { modelQuants } from './model-quants.ts';

import { withModelsFile } from './models-file.ts';

export const DEFAULT_CONFIG_FILE = 'bench.config.yaml';

export interface LoadedConfig {
  file: string;
  /** SHA-256 of the config text, recorded in every result. */
  hash: string;
  config: BenchConfig;
  budgets: Record<ProfileName, Budget[]>;
  /** Legal but doubtful settings (more threads than CPUs, a budget that is always met), to print before running. */
  warnings: ConfigProblem[];
  /** The YAML path and line of a key of this config, for later checks (profiles/data-files.ts). */
  where: Where;
}

export interface LoadOptions {
  /** For the default model_dir (XDG_CACHE_HOME). */
  env?: NodeJS.ProcessEnv;
  /** The CPUs CPU lists and thread counts are checked against; default: this process's. */
  machine?: Machine;
  /** `--url` / `--pid` from the command line; default: BENCH_TARGET_URL / BENCH_TARGET_PID in `env`. */
  target?: TargetOverride;
  /** `--quick` / `--full` from the command line; default: BENCH_PLANNER_MODE in `env`. Replaces planner.mode. */
  mode?: PlannerMode;
}

/** `--config` beats `BENCH_CONFIG`, which beats bench.config.yaml in the working directory. */
export function configPathFromEnv(cliPath?: string, env = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, cliPath ?? env.BENCH_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/** Lists the keys a strict object accepts, so a typo's message shows the right spelling. */
function knownKeysAt(keys: readonly PropertyKey[]): string[] | null {
  let schema: z.ZodType = configSchema;
  for (const k of keys) {
    const def = unwrap(schema);
    if ('shape' in def && typeof k === 'string') schema = (def.shape as Record<string, z.ZodType>)[k]!;
    else if ('element' in def && typeof k === 'number') schema = def.element as z.ZodType;
    else return null;
    if (!schema) return null;
  }
  const def = unwrap(schema);
  return 'shape' in def ? Object.keys(def.shape as object) : null;
}

function unwrap(schema: z.ZodType): z.ZodType & Record<string, unknown> {
  let s = schema as z.ZodType & Record<string, unknown>;
  for (let i = 0; i < 10; i++) {
    const inner = (s as { def?: { innerType?: z.ZodType; in?: z.ZodType } }).def;
    if (inner?.innerType) s = inner.innerType as typeof s;
    else if (inner?.in) s = inner.in as typeof s;
    else break;
  }
  return s;
}

/**
 * Reads, validates and resolves a config; every problem is collected into one ConfigError (exit 2), each with its
 * YAML path and line. Nothing is created, built, downloaded or started.
 */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  const read = readConfigText(file);
  if ('problem' in read) throw new ConfigError(file, [read.problem]);
  const parsed = parseConfigYaml(read.text);
  if ('problems' in parsed) throw new ConfigError(file, parsed.problems);
  const { doc, counter } = parsed;
  // --url / --pid (or their environment variables) stand in for the target block; their problems name the flag.
  const override = targetOverrideFrom(options.target, options.env ?? process.env);
  const mode = modeOverrideFrom(options.mode, options.env ?? process.env);
  if (override.problems.length > 0 || mode.problems.length > 0) throw new ConfigError(file, [...override.problems, ...mode.problems]);
  const configWhere: Where = (keys) => ({ path: formatPath(keys), line: lineOf(doc, counter, keys) });
  // models_file: its definitions join the config's; problems in them name that file (harness/config/models-file.ts).
  const { data: withModels, where: yamlWhere } = withModelsFile(applyTargetOverride(parsed.data, override.values), file, configWhere);
  const data = applyModeOverride(withModels, mode.mode);
  const modeWhere = (keys: readonly PropertyKey[]) => (mode.source && keys[0] === 'planner' && keys[1] === 'mode' ? mode.source : null);
  const where: Where = (keys) => override.where(keys) ?? modeWhere(keys) ?? (yamlWhere(keys) as ReturnType<Where>);

  const result = configSchema.safeParse(data);
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.flatMap((issue): ConfigProblem[] => {
        if (issue.code !== 'unrecognized_keys') return [{ ...where(issue.path), message: describeIssue(issue, data) }];
        // One problem per unknown key, at the key itself, with the spelling it was probably meant to have.
        const allowed = knownKeysAt(issue.path);
        return issue.keys.map((key) => {
          const near = allowed ? closest(key, allowed) : null;
          return {
            path: formatPath([...issue.path, key]),
            line: keyLineOf(doc, counter, issue.path, key),
            message: `unknown key "${key}"${near ? ` (did you mean ${near}?)` : ''}${allowed ? `; expected one of: ${allowed.join(', ')}` : ''}`,
          };
        });
      }),
    );
  }
  const config = result.data;
  const baseDir = path.dirname(file);
  const explicitModelDir = config.model_dir !== undefined;
  config.model_dir = path.resolve(baseDir, config.model_dir ?? defaultModelDir(options.env));
  const machine = options.machine ?? readMachine();
  // Axes left out of the matrix, from the llama block: the plan and every result then name concrete values.
  config.matrix.threads = threadsAxis(config, machine);
  config.matrix.ctx = ctxAxis(config);
  if (config.logging.file !== null) config.logging.file = path.resolve(baseDir, config.logging.file);
  const ctx: CheckContext = { config, baseDir, where, machine, problems: [], warnings: [] };
  checkModels(ctx);
  checkModelDir(ctx, explicitModelDir);
  checkServerPath(ctx);
  checkMatrix(ctx);
  checkExtraArgs(ctx);
  checkDurations(ctx);
  checkSelection(ctx);
  checkPlanner(ctx);
  checkTarget(ctx);
  checkEnergy(ctx);
  checkMiddleware(ctx, file);
  const budgets = resolveBudgets(ctx);
  if (ctx.problems.length > 0) throw new ConfigError(file, ctx.problems);
  // A mode given outside the file changes what runs: it is part of the config's identity (resume compares it).
  const hashed = mode.mode === null ? read.text : `${read.text}\0planner.mode=${mode.mode}`;
  return { file, hash: createHash('sha256').update(hashed).digest('hex'), config, budgets, warnings: ctx.warnings, where };
}

const list = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

/**
 * Each profile's budgets: its defaults, then the config's. A key's list replaces the defaults of that metric; an
 * older metric name (`ttft_p95_s`) stands for one aggregation of its sampled metric (`ttft_s` at p(95)), works, and
 * gets a warning naming the new form. Budgets are told apart by metric and aggregation.
 */
function resolveBudgets(ctx: CheckContext): Record<ProfileName, Budget[]> {
  const { config, problems, warnings, where } = ctx;
  const out = {} as Record<ProfileName, Budget[]>;
  for (const profile of PROFILE_NAMES) {
    const user = config.profiles[profile].budgets as Record<string, string | string[]>;
    const known = Object.keys(METRIC_CATALOGUE[profile]).filter((k) => !metricDefinition(profile, k)!.alias);
    const entries = new Map<string, { metric: string; source: string }>();
    const add = (metric: string, source: string) => {
      const parsed = parseBudgetExpression(source)!;
      entries.set(budgetKey({ metric, aggregation: parsed.aggregation?.kind === 'value' ? null : parsed.aggregation }), { metric, source });
    };
    for (const [metric, sources] of Object.entries(DEFAULT_BUDGETS[profile])) for (const source of list(sources)) add(metric, source);
    // Older names after the metrics they stand for: a list on `cpu_pct` replaces its defaults, not `cpu_mean_pct: …`.
    const ordered = Object.entries(user).sort(([a], [b]) => Number(!!metricDefinition(profile, a)?.alias) - Number(!!metricDefinition(profile, b)?.alias));
    for (const [key, value] of ordered) {
      const at = (i: number | null) => where(['profiles', profile, 'budgets', key, ...(i === null ? [] : [i])]);
      const definition = metricDefinition(profile, key);
      if (!definition) {
        const near = closest(key, known);
        problems.push({ ...at(null), message: `unknown metric "${key}" for the ${profile} profile${near ? ` (did you mean ${near}?)` : ''}; expected one of: ${known.join(', ')}` });
        continue;
      }
      const sources = list(value);
      const indexed = (i: number) => (typeof value === 'string' ? at(null) : at(i));
      if (definition.alias) {
        const { of, aggregation } = definition.alias;
        for (const [i, source] of sources.entries()) {
          if (source === 'off') {
            entries.delete(budgetKey({ metric: of, aggregation }));
            continue;
          }
          const parsed = parseBudgetExpression(source);
          if (!parsed) continue;
          if (parsed.aggregation && parsed.aggregation.kind !== 'value') {
            problems.push({ ...indexed(i), message: `got "${source}": ${key} is already ${of} at ${aggregation}; expected a bare comparison, or write ${of}: "${aggregation} ${source.trim()}"` });
            continue;
          }
          const rewritten = `${aggregation} ${source.trim().replace(/^value\s*/i, '')}`;
          warnings.push({ ...indexed(i), message: `${key} is an older name for ${of} at ${aggregation}: it still works; the new form is ${of}: "${rewritten}"` });
          if (checkLimit(parsed.op, parsed.limit, definition.unit, source, indexed(i))) add(of, rewritten);
        }
        continue;
      }
      for (const entry of [...entries.keys()]) if (entries.get(entry)!.metric === key) entries.delete(entry);
      for (const [i, source] of sources.entries()) {
        if (source === 'off') continue;
        const parsed = parseBudgetExpression(source);
        if (!parsed) continue;
        const problem = aggregationProblem(definition.sampled !== undefined, key, parsed.aggregation);
        if (problem) {
          problems.push({ ...indexed(i), message: `got "${source}": ${problem}` });
          continue;
        }
        // A count is a number of samples, whatever the metric's unit, so the unit's range does not apply to it.
        const limitFits = parsed.aggregation?.kind === 'count' ? Number.isFinite(parsed.limit) || fail(`got "${source}": the limit is too large to be a finite number`, indexed(i)) : checkLimit(parsed.op, parsed.limit, definition.unit, source, indexed(i));
        if (limitFits) add(key, source);
      }
    }
    const critical = config.profiles[profile].critical;
    critical.forEach((key, i) => {
      const definition = metricDefinition(profile, key);
      if (!definition) {
        const near = closest(key, known);
        problems.push({ ...where(['profiles', profile, 'critical', i]), message: `unknown metric "${key}" for the ${profile} profile${near ? ` (did you mean ${near}?)` : ''}` });
      } else if (definition.alias) {
        // Critical is judged per metric, so an older name stands for its sampled metric, every aggregation of it.
        warnings.push({ ...where(['profiles', profile, 'critical', i]), message: `${key} is an older name for ${definition.alias.of} at ${definition.alias.aggregation}: a critical metric covers all its budgets; the new form is ${definition.alias.of}` });
        critical[i] = definition.alias.of;
      }
    });
    out[profile] = [...entries.values()].map(({ metric, source }) => makeBudget(metric, metricDefinition(profile, metric)!, source));
  }
  return out;

  /** Whether the limit can be judged; a problem or warning is recorded either way. */
  function checkLimit(op: BudgetOp, limit: number, unit: string, source: string, at: ReturnType<typeof where>): boolean {
    const check = checkBudgetLimit(op, limit, unit);
    if (check.warning) warnings.push({ ...at, message: check.warning });
    return check.error ? fail(`got "${source}": ${check.error}`, at) : true;
  }

  function fail(message: string, at: ReturnType<typeof where>): false {
    problems.push({ ...at, message });
    return false;
  }
}
