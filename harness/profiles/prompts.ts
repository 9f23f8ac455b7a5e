import { readFileSync } from 'node:fs';
import { z } from 'zod';

const promptSchema = z.strictObject({ id: z.string().min(1), prompt: z.string().min(1) });
export type Prompt = z.infer<typeof promptSchema>;

/** A JSONL file of `{id, prompt}`; a bad line fails with file:line and the problem. */
export function loadPrompts(file: string): Prompt[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const prompts: Prompt[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    const parsed = promptSchema.safeParse(data);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'line'}: ${x.message}`).join('; ')}`);
    prompts.push(parsed.data);
  });
  if (prompts.length === 0) throw new Error(`${file}: no prompts`);
  return prompts;
}
