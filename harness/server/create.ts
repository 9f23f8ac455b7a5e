import type { Plan, PlannedCell } from '../plan.ts';
import type { ServerBackend, ServerOverrides } from './backend.ts';
import { localLlamaBackend } from './local-llama.ts';
import { remoteBackend } from './remote.ts';

/** The backend of a cell: the plan's target, a llama-server launched here when it names none. */
export function createBackend(plan: Plan, planned: PlannedCell, options: { logFile: string; overrides: ServerOverrides }): ServerBackend {
  const target = plan.target;
  return target && target.kind !== 'local-llama' ? remoteBackend({ ...plan, target }, planned, options) : localLlamaBackend(plan, planned, options);
}
