// The run's memory bandwidth is measured once: a later preparation of the same run directory takes the figure from
// the plan.json already there, and measures again when there is none to take (no plan, a failed measurement, a
// plan that cannot be read).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { earlierPlan, reusableBandwidth } from '../../harness/plan-reuse.ts';

const bandwidthOfRun = (runDir: string) => reusableBandwidth(earlierPlan(runDir));

const measured = { kind: 'native', gbPerSec: 10.9, threads: 2, llcBytes: 110100480, method: 'STREAM triad a[i] = b[i] + s·c[i] in C' };

function runDirWith(plan: string | null): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-bw-'));
  if (plan !== null) writeFileSync(path.join(dir, 'plan.json'), plan);
  return dir;
}

describe('bandwidthOfRun', () => {
  test("reuses the figure of the run's own plan.json", () => {
    expect(bandwidthOfRun(runDirWith(JSON.stringify({ runId: 'r', bandwidth: measured })))).toEqual(measured);
  });

  test('measures again: no plan yet, a failed measurement, no bandwidth, a malformed figure or file', () => {
    expect(bandwidthOfRun(runDirWith(null))).toBeNull();
    expect(bandwidthOfRun(runDirWith(JSON.stringify({ bandwidth: { error: 'could not compile the STREAM triad' } })))).toBeNull();
    expect(bandwidthOfRun(runDirWith(JSON.stringify({ runId: 'r' })))).toBeNull();
    expect(bandwidthOfRun(runDirWith(JSON.stringify({ bandwidth: { ...measured, gbPerSec: '10.9' } })))).toBeNull();
    expect(bandwidthOfRun(runDirWith(JSON.stringify({ bandwidth: { ...measured, method: undefined } })))).toBeNull();
    expect(bandwidthOfRun(runDirWith('{"bandwidth": {"gbPer'))).toBeNull();
  });
});
