import { createHash } from 'node:crypto';
import path from 'node:path';
import type { z } from 'zod';
import { makeBudget, parseBudgetExpression, type Budget } from '../budgets/budget.ts';
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
import { configSchema, type BenchConfig } from './schema.ts';
import { applyTargetOverride, type TargetOverride } from './target-schema.ts';
import { checkTarget, targetOverrideFrom } from './target-checks.ts';
import { closest } from './suggest.ts';

export { modelQuants } from './checks.ts';

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
  if (override.problems.length > 0) throw new ConfigError(file, override.problems);
  const data = applyTargetOverride(parsed.data, override.values);
  const yamlWhere: Where = (keys) => ({ path: formatPath(keys), line: lineOf(doc, counter, keys) });
  const where: Where = (keys) => override.where(keys) ?? yamlWhere(keys);

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
  const ctx: CheckContext = { config, baseDir, where, machine: options.machine ?? readMachine(), problems: [], warnings: [] };
  checkModels(ctx);
  checkModelDir(ctx, explicitModelDir);
  checkServerPath(ctx);
  checkMatrix(ctx);
  checkExtraArgs(ctx);
  checkDurations(ctx);
  checkSelection(ctx);
  checkPlanner(ctx);
  checkTarget(ctx);
  const budgets = resolveBudgets(ctx);
  if (ctx.problems.length > 0) throw new ConfigError(file, ctx.problems);
  return { file, hash: createHash('sha256').update(read.text).digest('hex'), config, budgets, warnings: ctx.warnings, where };
}

function resolveBudgets(ctx: CheckContext): Record<ProfileName, Budget[]> {
  const { config, problems, warnings, where } = ctx;
  const out = {} as Record<ProfileName, Budget[]>;
  for (const profile of PROFILE_NAMES) {
    const user = config.profiles[profile].budgets;
    const known = Object.keys(METRIC_CATALOGUE[profile]);
    for (const [key, source] of Object.entries(user)) {
      const definition = metricDefinition(profile, key);
      if (!definition) {
        const near = closest(key, known);
        problems.push({
          ...where(['profiles', profile, 'budgets', key]),
          message: `unknown metric "${key}" for the ${profile} profile${near ? ` (did you mean ${near}?)` : ''}; expected one of: ${known.join(', ')}`,
        });
        continue;
      }
      const parsed = source === 'off' ? null : parseBudgetExpression(source);
      if (!parsed) continue;
      const check = checkBudgetLimit(parsed.op, parsed.limit, definition.unit);
      if (check.error) problems.push({ ...where(['profiles', profile, 'budgets', key]), message: `got "${source}": ${check.error}` });
      if (check.warning) warnings.push({ ...where(['profiles', profile, 'budgets', key]), message: check.warning });
    }
    config.profiles[profile].critical.forEach((key, i) => {
      if (!metricDefinition(profile, key)) {
        const near = closest(key, known);
        problems.push({ ...where(['profiles', profile, 'critical', i]), message: `unknown metric "${key}" for the ${profile} profile${near ? ` (did you mean ${near}?)` : ''}` });
      }
    });
    const merged = { ...DEFAULT_BUDGETS[profile], ...user };
    out[profile] = Object.entries(merged)
      .filter(([key, source]) => source !== 'off' && metricDefinition(profile, key))
      .map(([key, source]) => makeBudget(key, metricDefinition(profile, key)!, source));
  }
  return out;
}
