// Vitest 4.1's `experimental.fsModuleCache` hands the main process's module runner (the one that loads global setups
// and reporters) a cached module's code as a Buffer: ServerModuleRunner reads the cached file with `readFile(tmp)`,
// without "utf-8" (the workers' runners pass it). Vite's source-map lookup then calls `code.charCodeAt`, so the first
// stack trace through a cached module (a global setup's error, such as "no run … to resume") is replaced by
// "TypeError: code.charCodeAt is not a function" and the real message is lost. Turning a Buffer back into the text it
// holds before the lookup keeps the cache and the message; a string passes through untouched.
import { EvaluatedModules } from 'vite/module-runner';

type Lookup = EvaluatedModules['getModuleSourceMapById'];
const MARK = Symbol.for('llm-budget-bench.module-cache-fix');

export function installModuleCacheFix(): void {
  const proto = EvaluatedModules.prototype as EvaluatedModules & { [MARK]?: true };
  if (proto[MARK]) return;
  const lookup: Lookup = proto.getModuleSourceMapById;
  proto.getModuleSourceMapById = function (this: EvaluatedModules, id: string) {
    const meta = this.getModuleById(id)?.meta as { code?: unknown } | undefined;
    if (meta && Buffer.isBuffer(meta.code)) meta.code = meta.code.toString('utf8');
    return lookup.call(this, id);
  };
  proto[MARK] = true;
}
