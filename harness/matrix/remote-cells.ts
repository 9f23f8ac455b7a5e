// The matrix of a server started elsewhere: only what the client controls varies, which is the model name each
// request names (target.model). Quantization, threads, context and priority belong to whoever started the server.
import type { TargetConfig } from '../config/target-schema.ts';
import { targetModels } from '../config/target-schema.ts';
import type { Cell } from '../measurement/schema.ts';
import { cellSlug } from './cells.ts';

/** The model a remote-llama target's cell names when target.model is not set: whatever the server loaded. */
export const SERVER_MODEL = 'server';
/** Stands in the core axes of a remote cell: the server's own settings, not chosen by this harness. */
export const REMOTE_AXIS = 'remote';

/** One cell per model name, with an id such as `llama3.2:1b @127.0.0.1:11434` (the server's host and port). */
export function remoteCells(target: TargetConfig & { url: string }): Cell[] {
  const host = new URL(target.url).host;
  const models = targetModels(target);
  return (models.length > 0 ? models : [SERVER_MODEL]).map((model) => {
    const id = `${model} @${host}`;
    // threads and ctx 0: not set here (the server was started with its own); the id does not show them.
    return { id, slug: cellSlug(id), model, quant: REMOTE_AXIS, threads: 0, ctx: 0, priority: REMOTE_AXIS };
  });
}
