import { z } from 'zod';
import { readJsonl } from '../scoring/goldens.ts';

const promptSchema = z.strictObject({ id: z.string().min(1), prompt: z.string().min(1) });
export type Prompt = z.infer<typeof promptSchema>;

/** A JSONL file of `{id, prompt}`; a bad line fails with file:line and the problem. */
export function loadPrompts(file: string): Prompt[] {
  return readJsonl(file, promptSchema);
}
