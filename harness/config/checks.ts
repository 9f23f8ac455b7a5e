// Checks that need more than one field, the file system or this machine, once the schema has passed: model files,
// model_dir, llama.server_path, CPU lists, thread counts, batch sizes, llama.extra_args, the soak's interval.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { METRIC_CATALOGUE, PROFILE_NAMES, metricDefinition, type ProfileName } from '../budgets/catalogue.ts';
import type { ConfigProblem } from './errors.ts';
import { refusedExtraArg } from './extra-args.ts';
import { formatCpuList, parseCpuList, type Machine } from './machine.ts';
import { KNOWN_QUANTS } from './quants.ts';
import { BUILTIN_QUANTS, type BenchConfig } from './schema.ts';
import { closest } from './suggest.ts';
import { modelQuants } from './model-quants.ts';

/** Where a config key is: its YAML path and line, or the flag or variable that set it (source). */
export type Where = (keys: readonly PropertyKey[]) => Pick<ConfigProblem, 'path' | 'line' | 'source'>;

export interface CheckContext {
  config: BenchConfig;
  /** The config file's folder: relative paths in the config are relative to it. */
  baseDir: string;
  where: Where;
  machine: Machine;
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}

/** llama-server's own default --batch-size (common.h: n_batch = 2048), when matrix.batch_size is not set. */
export const LLAMA_DEFAULT_BATCH = 2048;
const GGUF_MAGIC = 'GGUF';

/** Why `file` cannot be a model file, or null: it must exist, be a regular readable file and start with "GGUF". */
export function modelFileProblem(file: string): string | null {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return `model file not found: ${file}`;
  }
  if (stat.isDirectory()) return `${file} is a directory; expected a GGUF model file`;
  if (!stat.isFile()) return `${file} is not a regular file; expected a GGUF model file`;
  const head = Buffer.alloc(4);
  let n = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `cannot read the model file ${file}: ${(e as Error).message}`;
  }
  if (n === 0) return `${file} is empty; expected a GGUF model file`;
  if (n < 4 || head.toString('latin1') !== GGUF_MAGIC) {
    const shown = [...head.subarray(0, n)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return `${file} is not a GGUF file: it starts with bytes ${shown}, not "GGUF"`;
  }
  return null;
}

function checkQuantLabel(ctx: CheckContext, keys: PropertyKey[], label: string): void {
  if (KNOWN_QUANTS.includes(label)) return;
  const near = closest(label, KNOWN_QUANTS);
  ctx.problems.push({
    ...ctx.where(keys),
    message: `unknown quantization "${label}"${near ? ` (did you mean ${near}?)` : ''}; expected a GGUF file type such as Q4_K_M, Q5_K_M, Q8_0 or F16 (one of: ${KNOWN_QUANTS.join(', ')})`,
  });
}

export function checkModels(ctx: CheckContext): void {
  const { config, baseDir, where, problems } = ctx;
  const names = new Map<string, number>();
  config.models.forEach((m, i) => {
    if (names.has(m.name)) problems.push({ ...where(['models', i, 'name']), message: `duplicate model name "${m.name}"` });
    names.set(m.name, i);
    // Relative model paths are read relative to the config file, like every other path in it. A hub model's files
    // are paths inside its repo: they are looked up in model_dir, and downloaded only when a planned cell needs them.
    if (m.repo !== undefined) return;
    if (m.path !== undefined) {
      m.path = path.resolve(baseDir, m.path);
      const why = modelFileProblem(m.path);
      if (why) problems.push({ ...where(['models', i, 'path']), message: why });
      if (m.quant !== undefined) checkQuantLabel(ctx, ['models', i, 'quant'], m.quant);
    }
    for (const [q, p] of Object.entries(m.files ?? {})) {
      const abs = path.resolve(baseDir, p);
      m.files![q] = abs;
      const why = modelFileProblem(abs);
      if (why) problems.push({ ...where(['models', i, 'files', q]), message: why });
      checkQuantLabel(ctx, ['models', i, 'files', q], q);
    }
  });
  config.matrix.models.forEach((n, i) => {
    const index = names.get(n);
    if (index === undefined) {
      const near = closest(n, [...names.keys()]);
      problems.push({
        ...where(['matrix', 'models', i]),
        message: `got "${n}", expected a model name defined under models: ${[...names.keys()].join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
      });
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

/** model_dir holds downloads and is scanned: a folder, not a file and not the root of the file system. */
export function checkModelDir(ctx: CheckContext, explicit: boolean): void {
  const dir = ctx.config.model_dir;
  if (!explicit || !dir) return;
  if (path.parse(dir).root === dir) {
    ctx.problems.push({ ...ctx.where(['model_dir']), message: `got "${dir}", the root of the file system; expected a folder for downloaded models, e.g. ./models` });
    return;
  }
  try {
    if (!statSync(dir).isDirectory()) ctx.problems.push({ ...ctx.where(['model_dir']), message: `${dir} is a file; expected a folder for downloaded models (it is created if missing)` });
  } catch {
    // missing: the first download creates it
  }
}

/** llama.server_path, relative to the config file: an executable file. */
export function checkServerPath(ctx: CheckContext): void {
  const p = ctx.config.llama.server_path;
  if (p === null) return;
  const abs = path.resolve(ctx.baseDir, p);
  ctx.config.llama.server_path = abs;
  const why = executableProblem(abs);
  if (why) ctx.problems.push({ ...ctx.where(['llama', 'server_path']), message: why });
}

export function executableProblem(file: string): string | null {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return `${file} does not exist; expected the llama-server program`;
  }
  if (stat.isDirectory()) return `${file} is a directory; expected the llama-server program`;
  if (!stat.isFile()) return `${file} is not a regular file; expected the llama-server program`;
  if ((stat.mode & 0o111) === 0) return `${file} is not executable; expected the llama-server program (chmod +x?)`;
  return null;
}

function checkCpuList(ctx: CheckContext, keys: PropertyKey[], text: string): void {
  const parsed = parseCpuList(text);
  if (typeof parsed === 'string') {
    ctx.problems.push({ ...ctx.where(keys), message: `got "${text}": ${parsed}` });
    return;
  }
  const missing = parsed.filter((id) => !ctx.machine.cpus.includes(id));
  if (missing.length > 0) {
    ctx.problems.push({
      ...ctx.where(keys),
      message: `got "${text}", but CPU ${formatCpuList(missing)} ${missing.length === 1 ? 'does' : 'do'} not exist for this process; expected CPUs among ${formatCpuList(ctx.machine.cpus)}`,
    });
  }
}

/** CPU lists against this machine, threads against its cores, micro-batches against batches. */
export function checkMatrix(ctx: CheckContext): void {
  const { config, machine, where } = ctx;
  const { matrix } = config;
  matrix.affinity?.forEach((a, i) => checkCpuList(ctx, ['matrix', 'affinity', i], a));
  if (config.llama.cpu_affinity !== null) checkCpuList(ctx, ['llama', 'cpu_affinity'], config.llama.cpu_affinity);
  for (const axis of ['threads', 'threads_batch'] as const) {
    matrix[axis]?.forEach((t, i) => {
      if (t > machine.cores) {
        ctx.warnings.push({
          ...where(['matrix', axis, i]),
          message: `${t} threads, but this process may use ${machine.cores} CPU${machine.cores === 1 ? '' : 's'}: the threads will share cores, so the cell measures contention`,
        });
      }
    });
  }
  const batches = matrix.batch_size ?? [LLAMA_DEFAULT_BATCH];
  matrix.ubatch_size?.forEach((ub, i) => {
    const smaller = batches.filter((b) => b < ub);
    if (smaller.length === 0) return;
    const from = matrix.batch_size ? `matrix.batch_size ${smaller.join(', ')}` : `llama-server's default batch size ${LLAMA_DEFAULT_BATCH}`;
    ctx.problems.push({
      ...where(['matrix', 'ubatch_size', i]),
      message: `got ${ub}, larger than ${from}; llama-server would cut the micro-batch to the batch size, so the cell would not measure what its id says; expected ubatch_size ≤ batch_size`,
    });
  });
}

export function checkExtraArgs(ctx: CheckContext): void {
  ctx.config.llama.extra_args.forEach((arg, i) => {
    const why = refusedExtraArg(arg);
    if (why) ctx.problems.push({ ...ctx.where(['llama', 'extra_args', i]), message: why });
  });
}

/** The soak records vitals every interval: an interval longer than the soak records none. Quick settings too. */
export function checkDurations(ctx: CheckContext): void {
  const { profiles, sampler } = ctx.config;
  const stress = profiles.stress;
  const soak = (duration: number, interval: number, keys: PropertyKey[]) => {
    if (interval > duration) {
      ctx.problems.push({ ...ctx.where(keys), message: `got ${interval} s, longer than the soak's duration_s (${duration} s): no interval would complete; expected interval_s ≤ duration_s` });
    }
  };
  soak(stress.duration_s, stress.interval_s, ['profiles', 'stress', 'interval_s']);
  const quick = stress.quick;
  if (quick.duration_s !== undefined || quick.interval_s !== undefined) {
    const at = quick.interval_s !== undefined ? 'interval_s' : 'duration_s';
    soak(quick.duration_s ?? stress.duration_s, quick.interval_s ?? stress.interval_s, ['profiles', 'stress', 'quick', at]);
  }
  if (profiles.idle.duration_s * 1000 < sampler.interval_ms) {
    ctx.problems.push({
      ...ctx.where(['profiles', 'idle', 'duration_s']),
      message: `got ${profiles.idle.duration_s} s, shorter than one sampler interval (sampler.interval_ms: ${sampler.interval_ms}): no CPU sample would fall inside it`,
    });
  }
}

/** selection.weights names `profile.metric` figures: each must exist and have a better side. */
export function checkSelection(ctx: CheckContext): void {
  for (const key of Object.keys(ctx.config.selection.weights)) {
    const [profile, metric] = key.split('.') as [string, string];
    if (!(PROFILE_NAMES as string[]).includes(profile)) {
      ctx.problems.push({ ...ctx.where(['selection', 'weights', key]), message: `unknown profile "${profile}"; expected one of: ${PROFILE_NAMES.join(', ')}` });
    } else if (!metricDefinition(profile as ProfileName, metric)) {
      const known = Object.keys(METRIC_CATALOGUE[profile as ProfileName]);
      const near = closest(metric, known);
      ctx.problems.push({
        ...ctx.where(['selection', 'weights', key]),
        message: `unknown metric "${metric}" for the ${profile} profile${near ? ` (did you mean ${near}?)` : ''}; expected one of: ${known.join(', ')}`,
      });
    } else if (metricDefinition(profile as ProfileName, metric)!.better === 'neither') {
      // Weighing needs a better side: a descriptive figure (e.g. the number of background requests) has none.
      ctx.problems.push({
        ...ctx.where(['selection', 'weights', key]),
        message: `"${metric}" describes the run and has no better side, so it cannot be weighed; expected a metric that is better lower or higher`,
      });
    }
  }
}

/** A mode with none of its quantizations in the matrix would skip every cell: say so before anything runs. */
export function checkPlanner(ctx: CheckContext): void {
  const { planner, matrix } = ctx.config;
  // A remote target's cells have no quantization to choose: quick mode only shortens the profiles there.
  if (ctx.config.target.kind !== 'local-llama') return;
  const quants = planner.mode === 'quick' ? planner.quick_quants : planner.full_quants;
  if (!planner.enabled || quants === null || matrix.quants.some((q) => quants.includes(q))) return;
  const list = `${planner.mode}_quants`;
  const other = planner.mode === 'quick' ? 'full' : 'quick';
  ctx.problems.push({
    ...ctx.where(['planner', 'mode']),
    message: `${planner.mode} mode runs ${quants.join(' and ')} only (planner.${list}), and matrix.quants (${matrix.quants.join(', ')}) has none of them; expected one of them in matrix.quants, another planner.${list}, or mode: ${other}`,
  });
}
