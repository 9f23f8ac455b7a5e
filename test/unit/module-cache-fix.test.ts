// The workaround for Vitest 4.1's module cache handing the main process a cached module's code as a Buffer: a stack
// trace through such a module must map to its source, not throw "code.charCodeAt is not a function".
import { EvaluatedModules } from 'vite/module-runner';
import { describe, expect, test } from 'vitest';
import { installModuleCacheFix } from '../../harness/vitest/module-cache-fix.ts';

const MAP = { version: 3, sources: ['/src/setup.ts'], names: [], mappings: 'AAAA' };
const CODE = `throw new Error("x")\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(MAP)).toString('base64')}\n`;

function graphWith(code: unknown): EvaluatedModules {
  const graph = new EvaluatedModules();
  graph.ensureModule('/src/setup.ts', '/src/setup.ts').meta = { code } as never;
  return graph;
}

describe('installModuleCacheFix', () => {
  test('a cached module whose code is a Buffer gives its source map', () => {
    installModuleCacheFix();
    const map = graphWith(Buffer.from(CODE, 'utf8')).getModuleSourceMapById('/src/setup.ts');
    expect(map?.url).toBe('/src/setup.ts');
  });

  test('code given as text gives the same map; unknown modules and modules without a map give none', () => {
    installModuleCacheFix();
    expect(graphWith(CODE).getModuleSourceMapById('/src/setup.ts')?.url).toBe('/src/setup.ts');
    expect(graphWith(CODE).getModuleSourceMapById('/src/other.ts')).toBeNull();
    expect(graphWith(Buffer.from('export {}\n')).getModuleSourceMapById('/src/setup.ts')).toBeNull();
  });

  test('installing twice wraps once', () => {
    installModuleCacheFix();
    const once = EvaluatedModules.prototype.getModuleSourceMapById;
    installModuleCacheFix();
    expect(EvaluatedModules.prototype.getModuleSourceMapById).toBe(once);
  });
});
