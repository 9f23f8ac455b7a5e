import type { Plan } from '../plan.ts';
import type { CellMeasurement, Verdict } from '../measurement/schema.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    plan: Plan;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    measurement?: CellMeasurement;
    verdict?: Verdict;
    /** A skipped duplicate cell: the cell whose results stand for it. */
    representative?: string;
  }
}
