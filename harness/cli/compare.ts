#!/usr/bin/env node
// `npm run compare -- --models a,b [--temps 0,0.7] [--preset concise] [--aliases Base,Creative] [--config FILE]`
// The same prompts' answers from several models, quantizations and temperatures, side by side in one HTML page.
import path from 'node:path';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { panesOf, parseModels, parseTemps } from '../compare/model.ts';
import { runComparison } from '../compare/run.ts';
import { middlewarePresets } from '../middleware/config.ts';
import { writeFileAtomic } from '../paths.ts';
import { preparePlan } from '../plan.ts';
import { compareHtml } from '../report/html/compare.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { runCommand, type CommandLine } from './run-cli.ts';

const FLAGS = {
  models: { type: 'string', value: 'MODEL[:QUANT],…' },
  temps: { type: 'string', value: 'T,…' },
  preset: { type: 'string', value: 'NAME' },
  aliases: { type: 'string', value: 'NAME,…' },
  prompts: { type: 'string', value: 'N' },
  graded: { type: 'string', value: 'N' },
  'max-tokens': { type: 'string', value: 'N' },
  config: { type: 'string', value: 'FILE' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

const HELP = `usage: npm run compare -- --models MODEL[:QUANT],… [--temps 0,0.7] [--preset NAME] [--aliases NAME,…]
                          [--prompts N] [--graded N] [--max-tokens N] [--config FILE]

  --models      models of the config's matrix, each optionally with its quantization (tiny:Q4_K_M,tiny:Q8_0)
  --temps       temperatures, each model is asked at each (default 0)
  --preset      middleware preset every request goes through (default none)
  --aliases     a name per pane (models × temperatures, in that order), e.g. Base,Creative
  --prompts     free prompts from profiles.interactive.prompts (default 3)
  --graded      graded items from the math golden set (default 2)
  --max-tokens  answer length of the free prompts (default 64)

Writes <output.dir>/<run-id>/compare/compare.{json,html}. Exit codes: 0 done, 1 a pane or request failed, 2 bad input, 3 crash.`;


function count(v: string | undefined, flag: string, fallback: number, min: number, problems: ConfigProblem[]): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= min && n <= 10_000)) problems.push(cl(flag, `got "${v}", expected a whole number from ${min} to 10000`));
  return n;
}

async function main({ values: v, problems }: CommandLine<typeof FLAGS>): Promise<number> {
  if (v.models === undefined) problems.push(cl('--models', 'missing; expected e.g. --models tiny:Q4_K_M,tiny:Q8_0'));
  const models = parseModels(v.models ?? '');
  if (v.models !== undefined) problems.push(...models.problems.map((m) => cl('--models', m)));
  const temps = parseTemps(v.temps ?? '0');
  problems.push(...temps.problems.map((m) => cl('--temps', m)));
  const aliases = v.aliases === undefined ? null : v.aliases.split(',').map((a) => a.trim());
  if (aliases?.some((a) => a === '')) problems.push(cl('--aliases', 'expected no empty alias'));
  const panes = panesOf(models.models, temps.temps, aliases);
  if (models.problems.length === 0 && temps.problems.length === 0) problems.push(...panes.problems.map((m) => cl('--aliases', m)));
  const prompts = count(v.prompts, '--prompts', 3, 0, problems);
  const graded = count(v.graded, '--graded', 2, 0, problems);
  const maxTokens = count(v['max-tokens'], '--max-tokens', 64, 1, problems);
  if (prompts === 0 && graded === 0) problems.push(cl('--prompts', 'with --graded 0, expected at least one prompt'));
  const configFile = configPathFromEnv(v.config);
  const preset = v.preset ?? 'none';
  try {
    const loaded = loadConfig(configFile);
    const known = Object.keys(middlewarePresets(loaded.config.middleware));
    if (!known.includes(preset)) problems.push(cl('--preset', `unknown middleware preset "${preset}"; expected one of: ${known.join(', ')}`));
    for (const m of models.models) {
      if (!loaded.config.matrix.models.includes(m.model)) problems.push(cl('--models', `"${m.model}" is not a model of the matrix (${loaded.config.matrix.models.join(', ')})`));
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length > 0) throw new ConfigError(configFile, problems);

  const plan = await preparePlan({ configFile });
  const data = await runComparison(plan, { panes: panes.panes, preset, prompts, graded, gradedSet: 'math', maxTokens, log: (l) => process.stderr.write(`[compare] ${l}\n`) });
  const dir = path.join(plan.runDir, 'compare');
  writeFileAtomic(path.join(dir, 'compare.json'), `${JSON.stringify(data, null, 2)}\n`);
  const html = path.join(dir, 'compare.html');
  writeFileAtomic(html, compareHtml(data));
  process.stdout.write(`wrote ${path.join(dir, 'compare.json')}\nwrote ${html}\n`);
  const failedPanes = data.panes.filter((p) => p.error);
  const failedAnswers = data.answers.flat().filter((a) => a && !a.ok).length;
  for (const p of failedPanes) process.stderr.write(`${p.alias}: ${p.error}\n`);
  if (failedAnswers > 0) process.stderr.write(`${failedAnswers} request(s) failed (see compare.json)\n`);
  return failedPanes.length > 0 || failedAnswers > 0 ? 1 : 0;
}

runCommand('compare', { flags: FLAGS, help: HELP }, main);
