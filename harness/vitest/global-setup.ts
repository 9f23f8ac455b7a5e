import type { TestProject } from 'vitest/node';
import { preparePlan, type Plan } from '../plan.ts';

declare global {
  // Every profile project has this global setup; one run prepares its plan once.
  var __benchPlan: Promise<Plan> | undefined;
}

export default async function setup(project: TestProject): Promise<void> {
  globalThis.__benchPlan ??= preparePlan();
  const plan = await globalThis.__benchPlan;
  // The scoreboard reporter runs in this process and writes next to the plan.
  process.env.BENCH_RUN_DIR = plan.runDir;
  project.provide('plan', plan);
}
