import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * Reads a JSONL file line by line; a bad line fails with file:line and what was wrong. Its own file: every chat
 * profile reads its prompts with it, and goldens.ts brings in every grader.
 */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  const ids = new Set<string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const why = parsed.error.issues.map((x) => `${x.path.join('.') || 'item'}: ${x.message}`).join('; ');
        throw new Error(`${file}:${i + 1}: ${why}`);
      }
      const id = (parsed.data as { id?: string }).id;
      if (id !== undefined) {
        if (ids.has(id)) throw new Error(`${file}:${i + 1}: duplicate id ${id}`);
        ids.add(id);
      }
      out.push(parsed.data);
    });
  if (out.length === 0) throw new Error(`${file}: no items`);
  return out;
}
