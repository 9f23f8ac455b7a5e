// The edge of the middleware: a preset's files read (system prompt by name, context file), so composition stays pure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataFile } from '../profiles/prompts.ts';
import { middlewarePresets, type MiddlewareSection } from './config.ts';
import { NO_MIDDLEWARE, type ResolvedMiddleware } from './compose.ts';

/** The text of a system-prompt preset: `<system_dir>/<name>.md`, beside the config, else shipped with this package. */
export function systemPromptFile(configFile: string, section: Pick<MiddlewareSection, 'system_dir'>, name: string): string {
  return dataFile(configFile, path.join(section.system_dir, `${name}.md`));
}

/** A named preset with its texts read; throws naming the preset and the file when one cannot be read. */
export function resolveMiddleware(configFile: string, section: MiddlewareSection, name: string | undefined): ResolvedMiddleware {
  if (name === undefined || name === 'none') return NO_MIDDLEWARE;
  const preset = middlewarePresets(section)[name];
  if (!preset) throw new Error(`middleware preset "${name}" is not defined (known: ${Object.keys(middlewarePresets(section)).join(', ')})`);
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new Error(`middleware preset "${name}": cannot read its ${what} ${file}: ${(e as Error).message}`);
    }
  };
  return {
    name,
    system: preset.system === null ? null : read(systemPromptFile(configFile, section, preset.system), 'system prompt'),
    context: preset.context ?? (preset.context_file === null ? null : read(dataFile(configFile, preset.context_file), 'context file')),
    prepend: preset.prepend,
    append: preset.append,
  };
}
