// `models_file:` in the config: model definitions kept in a second YAML file (models.yaml), validated with the same
// zod schema as inline ones. Its problems name that file, the YAML path inside it and the line.
import path from 'node:path';
import { z } from 'zod';
import { describeIssue } from './describe.ts';
import { ConfigError, formatPath, type ConfigProblem } from './errors.ts';
import { lineOf, parseConfigYaml, readConfigText } from './read.ts';
import { modelSchema } from './schema.ts';

const modelsFileSchema = z.strictObject({ models: z.array(modelSchema).min(1) });

export interface ModelsFile {
  file: string;
  models: unknown[];
  /** Path and line of a key inside the models file (`models[0].path`). */
  where: (keys: readonly PropertyKey[]) => { path: string; line?: number };
}

/**
 * Reads and validates the models file named by `models_file` (relative to the config file). Any problem throws a
 * ConfigError on the models file (exit 2), each naming `<file>: <YAML path>` and its line.
 */
export function readModelsFile(configFile: string, name: string): ModelsFile {
  const file = path.resolve(path.dirname(configFile), name);
  const label = (p: string) => (p ? `${path.basename(file)}: ${p}` : path.basename(file));
  const fail = (problems: ConfigProblem[]): never => {
    throw new ConfigError(file, problems.map((p) => ({ ...p, path: label(p.path) })));
  };
  const read = readConfigText(file);
  if ('problem' in read) return fail([{ ...read.problem, message: `models_file: ${read.problem.message}` }]);
  const parsed = parseConfigYaml(read.text);
  if ('problems' in parsed) return fail(parsed.problems);
  const where = (keys: readonly PropertyKey[]) => {
    const line = lineOf(parsed.doc, parsed.counter, keys);
    return { path: formatPath(keys), ...(line ? { line } : {}) };
  };
  const result = modelsFileSchema.safeParse(parsed.data ?? {});
  if (!result.success) {
    fail(
      result.error.issues.flatMap((issue): ConfigProblem[] =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ ...where([...issue.path, key]), message: `unknown key "${key}"; expected ${issue.path.length === 0 ? 'models' : 'a model definition key'}` }))
          : [{ ...where(issue.path), message: describeIssue(issue, parsed.data) }],
      ),
    );
  }
  return { file, models: (parsed.data as { models: unknown[] }).models, where: (keys) => ({ ...where(keys), path: label(formatPath(keys)) }) };
}

/**
 * The config's data with the models file's definitions after its own (a name defined in both is a problem of the
 * config), and a `where` that sends `models[i]` past the inline ones to the models file.
 */
export function withModelsFile(
  data: unknown,
  configFile: string,
  where: (keys: readonly PropertyKey[]) => { path: string; line?: number },
): { data: unknown; where: (keys: readonly PropertyKey[]) => { path: string; line?: number } } {
  const raw = data as { models_file?: unknown; models?: unknown } | null;
  if (!raw || typeof raw !== 'object' || typeof raw.models_file !== 'string' || raw.models_file === '') return { data, where };
  const loaded = readModelsFile(configFile, raw.models_file);
  const inline = Array.isArray(raw.models) ? raw.models : [];
  if (raw.models !== undefined && !Array.isArray(raw.models)) return { data, where }; // the schema says what is wrong with it
  const names = new Set(inline.map((m) => (m as { name?: unknown })?.name));
  const clash = loaded.models.findIndex((m) => names.has((m as { name?: unknown })?.name));
  if (clash >= 0) {
    throw new ConfigError(configFile, [
      { ...loaded.where(['models', clash, 'name']), message: `model "${String((loaded.models[clash] as { name: unknown }).name)}" is defined both here and in the config's models; expected each name once` },
    ]);
  }
  return {
    data: { ...raw, models: [...inline, ...loaded.models] },
    where: (keys) => (keys[0] === 'models' && typeof keys[1] === 'number' && keys[1] >= inline.length ? loaded.where(['models', keys[1] - inline.length, ...keys.slice(2)]) : where(keys)),
  };
}
