// The energy block's checks that need the file system: the coefficient file parses, and the coefficient an estimate
// would use exists (bad input before anything starts, rather than a cell whose figures say so).
import path from 'node:path';
import { loadBenchmarks } from '../energy/benchmarks.ts';
import type { CheckContext } from './checks.ts';
import { closest } from './suggest.ts';

export function checkEnergy(ctx: CheckContext): void {
  const e = ctx.config.energy;
  if (e.mode === 'off' || e.mode === 'measured') return;
  let names: string[];
  try {
    names = Object.keys(loadBenchmarks(e.benchmarks_file, path.join(ctx.baseDir, 'bench.config.yaml')));
  } catch (err) {
    ctx.problems.push({ ...ctx.where(['energy', e.benchmarks_file ? 'benchmarks_file' : 'estimate']), message: (err as Error).message });
    return;
  }
  if (!names.includes(e.estimate)) {
    const near = closest(e.estimate, names);
    ctx.problems.push({
      ...ctx.where(['energy', 'estimate']),
      message: `no coefficient "${e.estimate}"${near ? `; did you mean ${near}?` : ''} (known: ${names.sort().join(', ')})`,
    });
  }
}
