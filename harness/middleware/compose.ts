// Composition of a chat request under a middleware preset, pure: base system prompt, then the conversation-context
// wrapper, then the free-form injections around the user's message. What came from where is kept, so each request
// can be recorded with its sources and its token overhead counted per source.

export interface ChatMessage {
  role: string;
  content: string;
}

/** A preset with its texts read (system prompt file, context file): what composition needs, no paths. */
export interface ResolvedMiddleware {
  name: string;
  system: string | null;
  context: string | null;
  prepend: string | null;
  append: string | null;
}

export const NO_MIDDLEWARE: ResolvedMiddleware = { name: 'none', system: null, context: null, prepend: null, append: null };

export type PartSource = 'system' | 'context' | 'prepend' | 'append' | 'original';
export const INJECTED_SOURCES = ['system', 'context', 'prepend', 'append'] as const satisfies readonly PartSource[];
export type InjectedSource = (typeof INJECTED_SOURCES)[number];

export interface PromptPart {
  source: PartSource;
  text: string;
}

export interface ComposedRequest {
  middleware: string;
  messages: ChatMessage[];
  /** Every piece of text in the final messages, in order, with where it came from; separators are not parts. */
  parts: PromptPart[];
}

export const CONTEXT_OPEN = '<conversation_context>';
export const CONTEXT_CLOSE = '</conversation_context>';
/** Between the pieces joined into one message. */
export const JOIN = '\n\n';

/**
 * The context inside its wrapper. A context that itself contains the closing tag would end the wrapper early and let
 * its remainder pose as instructions, so such a tag inside it is defused (a backslash before its slash).
 */
export function wrapContext(context: string): string {
  const defused = context.replace(/<\s*\/\s*conversation_context\s*>/gi, '<\\/conversation_context>');
  return `${CONTEXT_OPEN}\n${defused}\n${CONTEXT_CLOSE}`;
}

const present = (s: string | null): s is string => s !== null && s.trim() !== '';

/**
 * The request as sent: one system message (preset prompt, then the wrapped context, then the request's own system
 * message if it had one) and the last user message between the prepend and append injections. Earlier turns are
 * left as they are. With nothing to inject the messages are returned unchanged.
 */
export function composeRequest(messages: readonly ChatMessage[], mw: ResolvedMiddleware): ComposedRequest {
  const systemParts: PromptPart[] = [];
  if (present(mw.system)) systemParts.push({ source: 'system', text: mw.system });
  if (present(mw.context)) systemParts.push({ source: 'context', text: wrapContext(mw.context) });
  const rest = messages.map((m) => ({ ...m }));
  const ownSystem = rest[0]?.role === 'system' ? rest.shift()! : null;
  const lastUser = rest.map((m) => m.role).lastIndexOf('user');
  const out: ChatMessage[] = [];
  const parts: PromptPart[] = [];
  if (systemParts.length > 0 || ownSystem) {
    const all = [...systemParts, ...(ownSystem ? [{ source: 'original' as const, text: ownSystem.content }] : [])];
    out.push({ role: 'system', content: all.map((p) => p.text).join(JOIN) });
    parts.push(...all);
  }
  rest.forEach((m, i) => {
    if (i !== lastUser) {
      out.push(m);
      parts.push({ source: 'original', text: m.content });
      return;
    }
    const pieces: PromptPart[] = [
      ...(present(mw.prepend) ? [{ source: 'prepend' as const, text: mw.prepend }] : []),
      { source: 'original', text: m.content },
      ...(present(mw.append) ? [{ source: 'append' as const, text: mw.append }] : []),
    ];
    out.push({ role: m.role, content: pieces.map((p) => p.text).join(JOIN) });
    parts.push(...pieces);
  });
  return { middleware: mw.name, messages: out, parts };
}
