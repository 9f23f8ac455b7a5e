// A fake ServerBackend and a plan to run cells of, for tests of runCell and the guards around it: the backend
// launches nothing, hands out a fixed handle and records what runCell asked of it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../harness/config/load.ts';
import { expandMatrix } from '../../harness/matrix/cells.ts';
import type { Plan, PlannedCell } from '../../harness/plan.ts';
import type { ServerBackend, ServerHandle } from '../../harness/server/backend.ts';
import type { Capability } from '../../harness/server/capabilities.ts';
import { CapabilityError } from '../../harness/server/errors.ts';

let runs = 0;
/** A plan of every cell of `configFile`'s matrix, on a model file that does not exist, writing under `dir`. */
export function planFor(configFile: string, dir: string): Plan {
  const loaded = loadConfig(configFile);
  const cells: PlannedCell[] = expandMatrix(loaded.config).map((cell) => ({ cell, model: { path: '/m/tiny.gguf', sha256: 'a'.repeat(64), bytes: 1 } }));
  const runId = `run-${++runs}`;
  return {
    runId,
    runDir: path.join(dir, 'results', runId),
    configFile,
    configHash: loaded.hash,
    createdAt: '2026-01-01T00:00:00.000Z',
    host: { cpu: 'x', cores: 2, physicalCores: 2, memoryGb: 4, os: 'Linux', kernel: '6', arch: 'x64', node: 'v20' } as Plan['host'],
    llama: { serverPath: '/bin/llama-server', quantizePath: null, source: 'cache', version: '6000', commit: 'abc1234' },
    config: loaded.config,
    budgets: loaded.budgets,
    cells,
  };
}

export interface FakeOptions {
  pid: number | null;
  noProcess?: string;
  capabilities?: Capability[];
  startError?: string;
  loseAfterMs?: number;
  answers?: string | null;
  counters?: Record<string, number | null> | null;
}

/** A backend that launches nothing: it hands out a fixed handle and records what runCell asked of it. */
export function fakeBackend(o: FakeOptions) {
  const calls: string[] = [];
  let handle: ServerHandle | null = null;
  let timer: NodeJS.Timeout | undefined;
  const make = (_plan: Plan, _planned: PlannedCell, options: { logFile: string }): ServerBackend => ({
    kind: 'remote-llama',
    capabilities: new Set(o.capabilities ?? []),
    facts: { name: 'fake', version: '1', commit: null, reported: 'fake 1' },
    label: 'the fake server',
    noProcess: o.pid === null ? (o.noProcess ?? 'no process: a fake') : null,
    processNote: null,
    async start() {
      calls.push('start');
      if (o.startError) throw new Error(o.startError);
      writeFileSync(options.logFile, 'fake log\n');
      handle = { baseUrl: 'http://127.0.0.1:9', port: 9, pid: o.pid, logFile: options.logFile, loadMs: o.pid === null ? null : 1500 };
      return handle;
    },
    current: () => handle,
    async relaunch(overrides) {
      calls.push(`relaunch ${JSON.stringify(overrides)}`);
      if (!o.capabilities?.includes('relaunch')) throw new CapabilityError('the fake server cannot be relaunched');
      return handle!;
    },
    async stop() {
      calls.push('stop');
      clearTimeout(timer);
      handle = null;
      return null;
    },
    watch(onLost) {
      calls.push('watch');
      if (o.loseAfterMs !== undefined) timer = setTimeout(() => onLost('the fake server exited (code 1)'), o.loseAfterMs);
      return { release: () => clearTimeout(timer) };
    },
    async checkAnswers() {
      calls.push('checkAnswers');
      return o.answers ?? null;
    },
    async serverCounters() {
      return o.counters ?? null;
    },
    describeReady: () => 'fake ready',
  });
  return { make, calls };
}
