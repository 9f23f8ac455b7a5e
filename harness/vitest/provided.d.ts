import type { Plan } from '../plan.ts';
import type { CellMeasurement, Verdict } from '../measurement/schema.ts';
import type { PairedComparison } from '../analysis/paired.ts';
import type { ProgressPlan } from '../matrix/progress-log.ts';
import type { RepeatSummary } from '../matrix/repeat.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    plan: Plan;
    /** The run id being resumed (`--resume`, BENCH_RESUME); absent on a fresh run. */
    resume?: string;
    /** Vitest's `-t` pattern, when one was given. */
    namePattern?: { source: string; flags: string };
    /** Cells per profile this run will go through, for the progress line and its ETA (harness/matrix/progress-log.ts). */
    progress: ProgressPlan;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    measurement?: CellMeasurement;
    verdict?: Verdict;
    /** A skipped duplicate cell: the cell whose results stand for it. */
    representative?: string;
    /** The measurement came from the resumed run's summary.json; no llama-server was started for it. */
    reused?: boolean;
    /** The invisibility profile's paired comparison of one group of cells (harness/analysis/paired.ts). */
    pairedComparison?: PairedComparison;
    /** `--repeat N`: the cell's figures aggregated over its N repetitions (harness/matrix/repeat.ts). */
    repeat?: RepeatSummary;
  }
}
