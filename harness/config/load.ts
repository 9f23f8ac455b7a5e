import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { makeBudget, type Budget } from '../budgets/budget.ts';
import { METRIC_CATALOGUE, PROFILE_NAMES, metricDefinition, type ProfileName } from '../budgets/catalogue.ts';
import { DEFAULT_BUDGETS } from '../budgets/defaults.ts';
import { defaultModelDir } from '../models/hub-models.ts';
import { QUICK_QUANTS } from '../matrix/planner.ts';
import { ConfigError, formatPath, type ConfigProblem } from './errors.ts';
import { BUILTIN_QUANTS, configSchema, type BenchConfig } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'bench.config.yaml';

export interface LoadedConfig {
  file: string;
  /** SHA-256 of the config text, recorded in every result. */
  hash: string;
  config: BenchConfig;
  budgets: Record<ProfileName, Budget[]>;
}

/** `--config` beats `BENCH_CONFIG`, which beats bench.config.yaml in the working directory. */
export function configPathFromEnv(cliPath?: string, env = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, cliPath ?? env.BENCH_CONFIG ?? DEFAULT_CONFIG_FILE);
}

function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k as never];
  }
  return cur;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const got = valueAt(data, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = knownKeysAt(issue.path);
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${allowed ? `; expected one of: ${allowed.join(', ')}` : ''}`;
    }
    case 'invalid_type':
      return got === undefined ? `missing; expected ${issue.expected}` : `got ${show(got)}, expected ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array') return `got ${show(got)}, expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      return `got ${show(got)}, expected ${issue.inclusive === false ? '>' : '≥'} ${issue.minimum}`;
    case 'too_big':
      return `got ${show(got)}, expected ${issue.inclusive === false ? '<' : '≤'} ${issue.maximum}`;
    case 'invalid_value':
      return `got ${show(got)}, expected one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    default: {
      const message = issue.message.replace(/^Invalid input:?\s*/i, '');
      return got === undefined || typeof got === 'object' ? message : `got ${show(got)}, ${message}`;
    }
  }
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

function lineOf(doc: Document, counter: LineCounter, keys: readonly PropertyKey[]): number | undefined {
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Reads, validates and resolves a config; every problem is collected into one ConfigError. */
export function loadConfig(file: string): LoadedConfig {
  if (!existsSync(file)) throw new ConfigError(file, [{ path: '', message: 'file not found' }]);
  const text = readFileSync(file, 'utf8');
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', line: e.linePos?.[0]?.line, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const where = (keys: readonly PropertyKey[]): Pick<ConfigProblem, 'path' | 'line'> => ({
    path: formatPath(keys),
    line: lineOf(doc, counter, keys),
  });

  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => ({ ...where(issue.path), message: describeIssue(issue, data) })),
    );
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  const baseDir = path.dirname(file);
  config.model_dir = path.resolve(baseDir, config.model_dir ?? defaultModelDir());
  checkModels(config, baseDir, problems, where);
  checkPlanner(config, problems, where);
  const budgets = resolveBudgets(config, problems, where);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { file, hash: createHash('sha256').update(text).digest('hex'), config, budgets };
}

type Where = (keys: readonly PropertyKey[]) => Pick<ConfigProblem, 'path' | 'line'>;

/** Quick mode with none of its quantizations in the matrix would skip every cell: say so before anything runs. */
function checkPlanner(config: BenchConfig, problems: ConfigProblem[], where: Where): void {
  const { planner, matrix } = config;
  if (!planner.enabled || planner.mode !== 'quick' || matrix.quants.some((q) => (QUICK_QUANTS as readonly string[]).includes(q))) return;
  problems.push({
    ...where(['planner', 'mode']),
    message: `quick mode runs ${QUICK_QUANTS.join(' and ')} only, and matrix.quants (${matrix.quants.join(', ')}) has neither; expected one of them in matrix.quants, or mode: full`,
  });
}

function checkModels(config: BenchConfig, baseDir: string, problems: ConfigProblem[], where: Where): void {
  const names = new Map<string, number>();
  config.models.forEach((m, i) => {
    if (names.has(m.name)) problems.push({ ...where(['models', i, 'name']), message: `duplicate model name "${m.name}"` });
    names.set(m.name, i);
    // Relative model paths are read relative to the config file, like every other path in it. A hub model's files
    // are paths inside its repo: they are looked up in model_dir, and downloaded only when a planned cell needs them.
    if (m.repo !== undefined) return;
    if (m.path !== undefined) {
      m.path = path.resolve(baseDir, m.path);
      if (!existsSync(m.path)) problems.push({ ...where(['models', i, 'path']), message: `model file not found: ${m.path}` });
    }
    for (const [q, p] of Object.entries(m.files ?? {})) {
      const abs = path.resolve(baseDir, p);
      m.files![q] = abs;
      if (!existsSync(abs)) problems.push({ ...where(['models', i, 'files', q]), message: `model file not found: ${abs}` });
    }
  });
  config.matrix.models.forEach((n, i) => {
    const index = names.get(n);
    if (index === undefined) {
      problems.push({ ...where(['matrix', 'models', i]), message: `got "${n}", expected a model name defined under models: ${[...names.keys()].join(', ')}` });
      return;
    }
    const quants = modelQuants(config.models[index]!);
    if (!config.matrix.quants.some((q) => quants.includes(q))) {
      problems.push({
        ...where(['matrix', 'models', i]),
        message: `model "${n}" offers ${quants.join(', ')}, none of which is in matrix.quants (${config.matrix.quants.join(', ')})`,
      });
    }
  });
  config.matrix.quants.forEach((q, i) => {
    const offered = config.matrix.models.some((n) => {
      const index = names.get(n);
      return index !== undefined && modelQuants(config.models[index]!).includes(q);
    });
    if (!offered) problems.push({ ...where(['matrix', 'quants', i]), message: `no model in matrix.models offers quantization ${q}` });
  });
}

export function modelQuants(m: BenchConfig['models'][number]): string[] {
  if (m.builtin) return [...BUILTIN_QUANTS];
  if (m.path) return [m.quant!];
  return Object.keys(m.files ?? {});
}

function resolveBudgets(config: BenchConfig, problems: ConfigProblem[], where: Where): Record<ProfileName, Budget[]> {
  const out = {} as Record<ProfileName, Budget[]>;
  for (const profile of PROFILE_NAMES) {
    const user = config.profiles[profile].budgets;
    for (const key of Object.keys(user)) {
      if (!metricDefinition(profile, key)) {
        problems.push({
          ...where(['profiles', profile, 'budgets', key]),
          message: `unknown metric "${key}" for the ${profile} profile; expected one of: ${Object.keys(METRIC_CATALOGUE[profile]).join(', ')}`,
        });
      }
    }
    config.profiles[profile].critical.forEach((key, i) => {
      if (!metricDefinition(profile, key)) {
        problems.push({ ...where(['profiles', profile, 'critical', i]), message: `unknown metric "${key}" for the ${profile} profile` });
      }
    });
    const merged = { ...DEFAULT_BUDGETS[profile], ...user };
    out[profile] = Object.entries(merged)
      .filter(([key, source]) => source !== 'off' && metricDefinition(profile, key))
      .map(([key, source]) => makeBudget(key, metricDefinition(profile, key)!, source));
  }
  return out;
}
