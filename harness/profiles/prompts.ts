import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonl } from '../scoring/jsonl.ts';

const promptSchema = z.strictObject({ id: z.string().min(1), prompt: z.string().min(1) });
export type Prompt = z.infer<typeof promptSchema>;

/** A JSONL file of `{id, prompt}`; a bad line fails with file:line and the problem. */
export function loadPrompts(file: string): Prompt[] {
  return readJsonl(file, promptSchema);
}

const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * A data file named in the config: relative to the config file, else to this package, so the shipped prompts
 * (`prompts/…`) are found from a config kept anywhere.
 */
export function dataFile(configFile: string, name: string): string {
  const besideConfig = path.resolve(path.dirname(configFile), name);
  if (existsSync(besideConfig) || path.isAbsolute(name)) return besideConfig;
  const shipped = path.resolve(PACKAGE_ROOT, name);
  return existsSync(shipped) ? shipped : besideConfig;
}
