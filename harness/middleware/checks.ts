// The middleware presets a config names, checked before anything runs: each name defined, each file readable.
import { existsSync, statSync } from 'node:fs';
import type { CheckContext } from '../config/checks.ts';
import { closest } from '../config/suggest.ts';
import { dataFile } from '../profiles/prompts.ts';
import { middlewarePresets } from './config.ts';
import { systemPromptFile } from './resolve.ts';

const isFile = (f: string) => existsSync(f) && statSync(f).isFile();

export function checkMiddleware(ctx: CheckContext, configFile: string): void {
  const { config, where, problems } = ctx;
  const presets = middlewarePresets(config.middleware);
  const known = Object.keys(presets);
  (config.matrix.middleware ?? []).forEach((name, i) => {
    if (presets[name]) return;
    const near = closest(name, known);
    problems.push({ ...where(['matrix', 'middleware', i]), message: `unknown middleware preset "${name}"${near ? ` (did you mean ${near}?)` : ''}; expected one of: ${known.join(', ')} (or define it under middleware.presets)` });
  });
  const used = new Set(config.matrix.middleware ?? []);
  for (const [name, p] of Object.entries(presets)) {
    if (!used.has(name)) continue;
    const at = (key: string) => where(config.middleware.presets[name] ? ['middleware', 'presets', name, key] : ['matrix', 'middleware']);
    if (p.system !== null) {
      const file = systemPromptFile(configFile, config.middleware, p.system);
      if (!isFile(file)) problems.push({ ...at('system'), message: `system prompt "${p.system}" of middleware preset "${name}" not found: ${file}` });
    }
    if (p.context_file !== null) {
      const file = dataFile(configFile, p.context_file);
      if (!isFile(file)) problems.push({ ...at('context_file'), message: `context file of middleware preset "${name}" not found: ${file}` });
    }
  }
}
