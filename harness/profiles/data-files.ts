// The data the selected profiles will read (prompts, documents, golden sets) and the soak's cell, checked before
// anything is prepared: a missing or malformed file is bad input, found up front rather than mid-run.
import { readdirSync, statSync } from 'node:fs';
import type { ProfileName } from '../budgets/catalogue.ts';
import { expandMatrix } from '../matrix/cells.ts';
import type { Where } from '../config/checks.ts';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { BenchConfig } from '../config/schema.ts';
import { closest } from '../config/suggest.ts';
import { corpusDocSchema, loadGoldenSet, readJsonl, retrievalQuerySchema } from '../scoring/goldens.ts';
import { categoryMetric } from './quality/goldens.ts';
import { dataFile, loadPrompts } from './prompts.ts';

/** Profiles that send the interactive prompts (interactive itself, and the loads of others). */
const USES_INTERACTIVE_PROMPTS: readonly ProfileName[] = ['interactive', 'concurrency', 'invisibility', 'stress'];
/** Files in the goldens folder that are not golden sets. */
const NOT_SETS = /^(?:cove|retrieval-.*)\.jsonl$/;
const SET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function kind(file: string): 'file' | 'dir' | 'other' | 'missing' {
  try {
    const s = statSync(file);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

/** Reads a data file with its own reader; the reader's `file:line: problem` becomes the message. */
function readable(file: string, what: string, read: (file: string) => unknown): string | null {
  const k = kind(file);
  if (k === 'missing') return `${what} not found: ${file}`;
  if (k !== 'file') return `${file} is ${k === 'dir' ? 'a directory' : 'not a regular file'}; expected ${what}`;
  try {
    read(file);
    return null;
  } catch (e) {
    return `${what} ${(e as Error).message}`;
  }
}

export interface DataCheck {
  config: BenchConfig;
  configFile: string;
  where: Where;
  /** The profiles that will run (the command line's selection, else every enabled one). */
  profiles: readonly ProfileName[];
}

export function checkProfileData({ config, configFile, where, profiles }: DataCheck): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const runs = (p: ProfileName) => profiles.includes(p) && config.profiles[p].enabled;
  const add = (keys: PropertyKey[], message: string | null) => {
    if (message) problems.push({ ...where(keys), message });
  };

  if (USES_INTERACTIVE_PROMPTS.some(runs)) {
    add(['profiles', 'interactive', 'prompts'], readable(dataFile(configFile, config.profiles.interactive.prompts), 'prompts file', loadPrompts));
  }
  if (runs('batch')) add(['profiles', 'batch', 'documents'], readable(dataFile(configFile, config.profiles.batch.documents), 'documents file', loadPrompts));
  if (runs('quality')) problems.push(...checkGoldens(config, configFile, where));
  if (runs('stress') && config.profiles.stress.cell !== null) {
    const cell = config.profiles.stress.cell;
    const ids = expandMatrix(config).map((c) => c.id);
    if (!ids.includes(cell)) {
      const near = closest(cell, ids);
      add(['profiles', 'stress', 'cell'], `got "${cell}", which is not a cell of the matrix${near ? ` (did you mean "${near}"?)` : ''}; expected one of: ${ids.join(', ')}`);
    }
  }
  return problems;
}

/** The data files the given profiles read and the soak's cell; throws a ConfigError (exit 2) naming the YAML paths. */
export function checkData(loaded: LoadedConfig, profiles: readonly ProfileName[]): void {
  const problems = checkProfileData({ config: loaded.config, configFile: loaded.file, where: loaded.where, profiles });
  if (problems.length > 0) throw new ConfigError(loaded.file, problems);
}

function checkGoldens(config: BenchConfig, configFile: string, where: Where): ConfigProblem[] {
  const q = config.profiles.quality;
  const dir = dataFile(configFile, q.goldens);
  const k = kind(dir);
  if (k !== 'dir') {
    return [{ ...where(['profiles', 'quality', 'goldens']), message: k === 'missing' ? `goldens folder not found: ${dir}` : `${dir} is not a folder; expected the folder of the golden sets` }];
  }
  const problems: ConfigProblem[] = [];
  const categories = new Set<string>();
  const available = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && !NOT_SETS.test(f))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort();
  q.sets.forEach((set, i) => {
    const keys = ['profiles', 'quality', 'sets', i];
    if (!SET_NAME.test(set) || !available.includes(set)) {
      const near = closest(set, available);
      problems.push({ ...where(keys), message: `unknown golden set "${set}"${near ? ` (did you mean ${near}?)` : ''}; expected one of the sets in ${dir}: ${available.join(', ') || 'none'}` });
      return;
    }
    const why = readable(`${dir}/${set}.jsonl`, 'golden set', (f) => {
      for (const item of loadGoldenSet(f)) categories.add(item.category);
    });
    if (why) problems.push({ ...where(keys), message: why });
  });
  // A budget on a category score (the registry's score_<category> family) must name a category the sets grade:
  // a typo would otherwise be accepted and only show as an unmeasured metric after the run.
  const scored = [...categories].flatMap((c) => [categoryMetric(c, 'free'), categoryMetric(c, 'constrained')]);
  for (const [key, source] of Object.entries(q.budgets)) {
    if (source === 'off' || !key.startsWith('score_') || key.startsWith('score_overall') || scored.includes(key as never) || problems.length > 0) continue;
    const near = closest(key, scored);
    problems.push({
      ...where(['profiles', 'quality', 'budgets', key]),
      message: `no golden category gives "${key}"${near ? ` (did you mean ${near}?)` : ''}; the sets grade: ${[...categories].sort().join(', ')}`,
    });
  }
  if (q.cove.enabled) {
    const why = readable(`${dir}/cove.jsonl`, 'chain-of-verification set', loadGoldenSet);
    if (why) problems.push({ ...where(['profiles', 'quality', 'cove', 'enabled']), message: `${why} (or cove: { enabled: false })` });
  }
  if (q.retrieval.enabled) {
    for (const [file, schema] of [
      ['retrieval-corpus.jsonl', corpusDocSchema],
      ['retrieval-queries.jsonl', retrievalQuerySchema],
    ] as const) {
      const why = readable(`${dir}/${file}`, 'retrieval file', (f) => readJsonl(f, schema as never));
      if (why) problems.push({ ...where(['profiles', 'quality', 'retrieval', 'enabled']), message: `${why} (or retrieval: { enabled: false })` });
    }
  }
  return problems;
}
