import { z } from 'zod';
import { graderSchema } from './graders.ts';
import { readJsonl } from './jsonl.ts';

export { readJsonl };

const messageSchema = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const goldenItemSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/, 'expected lowercase letters, digits and "-"'),
    category: z.string().min(1),
    prompt: z.string().min(1).optional(),
    messages: z.array(messageSchema).min(1).optional(),
    grader: graderSchema,
    /** A correct answer: it must pass its own grader (a unit test checks every item). */
    reference: z.string(),
    weight: z.number().positive().default(1),
    max_tokens: z.number().int().min(1).max(2048).default(64),
    notes: z.string().optional(),
  })
  .refine((x) => (x.prompt === undefined) !== (x.messages === undefined), { message: 'expected exactly one of prompt or messages' });
export type GoldenItem = z.infer<typeof goldenItemSchema>;

export const corpusDocSchema = z.strictObject({ id: z.string().min(1), title: z.string().min(1), text: z.string().min(1) });
export type CorpusDoc = z.infer<typeof corpusDocSchema>;

export const retrievalQuerySchema = z.strictObject({ id: z.string().min(1), query: z.string().min(1), relevant: z.array(z.string()).min(1) });
export type RetrievalQuery = z.infer<typeof retrievalQuerySchema>;


export function loadGoldenSet(file: string): GoldenItem[] {
  return readJsonl(file, goldenItemSchema);
}

export function chatMessages(item: GoldenItem): { role: string; content: string }[] {
  return item.messages ?? [{ role: 'user', content: item.prompt! }];
}
