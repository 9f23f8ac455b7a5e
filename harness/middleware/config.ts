// Prompt middleware as configured: named strategies (presets) that put a fixed system prompt, a conversation
// context and free-form text around every chat request of a profile. Pure zod and data: the config schema reads it.
import { z } from 'zod';

const presetName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-" only');

export const middlewarePresetSchema = z.strictObject({
  /** A system prompt from `<system_dir>/<name>.md`, selected by name (e.g. concise); null: none. */
  system: presetName.nullable().default(null),
  /** Conversation context, wrapped in <conversation_context>…</conversation_context> after the system prompt. */
  context: z.string().min(1).nullable().default(null),
  /** The same, read from a file (relative to the config file, else to this package). */
  context_file: z.string().min(1).nullable().default(null),
  /** Free-form text put before the user's message. */
  prepend: z.string().min(1).nullable().default(null),
  /** Free-form text put after the user's message. */
  append: z.string().min(1).nullable().default(null),
});
export type MiddlewarePreset = z.output<typeof middlewarePresetSchema>;

const EMPTY: MiddlewarePreset = { system: null, context: null, context_file: null, prepend: null, append: null };

/** Presets every config has; the config's own `middleware.presets` add to them or replace one by name. */
export const BUILTIN_MIDDLEWARE: Readonly<Record<string, MiddlewarePreset>> = {
  none: EMPTY,
  concise: { ...EMPTY, system: 'concise' },
  'with-context': { ...EMPTY, system: 'assistant', context_file: 'prompts/context/recent-conversation.md' },
};

export const middlewareSectionSchema = z
  .strictObject({
    /** Folder of the system-prompt presets (`<name>.md`). */
    system_dir: z.string().min(1).default('prompts/system'),
    /** Whether reasoning (<think>…</think>) the model emits counts as output tokens. */
    include_thinking: z.boolean().default(false),
    presets: z.record(presetName, middlewarePresetSchema).default({}),
  })
  .superRefine((m, ctx) => {
    for (const [name, p] of Object.entries(m.presets)) {
      if (p.context !== null && p.context_file !== null) {
        ctx.addIssue({ code: 'custom', path: ['presets', name, 'context_file'], message: 'expected context or context_file, not both' });
      }
    }
  })
  .prefault({});
export type MiddlewareSection = z.output<typeof middlewareSectionSchema>;

/** Every preset a config can name: the built-in ones, then the config's own. */
export function middlewarePresets(section: Pick<MiddlewareSection, 'presets'>): Record<string, MiddlewarePreset> {
  return { ...BUILTIN_MIDDLEWARE, ...section.presets };
}
