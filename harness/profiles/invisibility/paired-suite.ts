// The invisibility profile's last step: for each group of cells that share model, quantization and context, one
// paired session that alternates their servers (harness/profiles/invisibility-paired.ts). It runs after every
// cell's own describe, and compares the cells of the group that this run measured.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, inject, test } from 'vitest';
import { pairedComparisonSchema, type PairedComparison } from '../../analysis/paired.ts';
import { resumeStamp } from '../../matrix/checkpoint.ts';
import type { Plan, PlannedCell } from '../../plan.ts';
import { writeFileAtomic } from '../../paths.ts';
import { groupKey, pairsOf, runPairedSession } from './paired.ts';
import { readStoredSummary } from '../resume.ts';
import { cellDir } from '../cell-dir.ts';

/** Groups with at least one pair, in plan order. */
export function pairedGroups(plan: Plan): { key: string; cells: PlannedCell[] }[] {
  const groups = new Map<string, PlannedCell[]>();
  for (const c of plan.cells) groups.set(groupKey(c.cell), [...(groups.get(groupKey(c.cell)) ?? []), c]);
  return [...groups].map(([key, cells]) => ({ key, cells })).filter((g) => pairsOf(g.cells.map((c) => c.cell)).length > 0);
}

/** The cell's invisibility measurement in this run completed (it was selected, not skipped, and did not fail). */
function measuredHere(plan: Plan, planned: PlannedCell): boolean {
  const stored = readStoredSummary(path.join(cellDir(plan, planned, 'invisibility'), 'summary.json')) as { measurement?: { state?: string } } | null;
  return stored !== null && !(stored instanceof Error) && stored.measurement?.state === 'completed';
}

/** Worst-case session length, for the hook's timeout. */
function sessionTimeoutMs(plan: Plan, cells: number): number {
  const s = plan.config.profiles.invisibility;
  const phase = (s.foreground_ms + s.lateness_ms) * 2 + 2000 + (plan.config.profiles.interactive.request_timeout_s * 1000) / 4;
  return cells * plan.config.llama.load_timeout_s * 1000 + s.paired.max_rounds * (2 * cells + 1) * phase + 120_000;
}

export function definePairedComparison(): void {
  const plan = inject('plan');
  const settings = plan.config.profiles.invisibility;
  if (!settings.enabled || !settings.paired.enabled) return;
  const groups = pairedGroups(plan);
  if (groups.length === 0) return;
  let compared = 0;
  describe.each(groups.map((g) => [g.key, g] as const))('paired comparison %s', (key, group) => {
    let result: PairedComparison | undefined;
    let skipReason: string | undefined;
    let error: Error | undefined;
    beforeAll(async () => {
      const cells = group.cells.filter((c) => measuredHere(plan, c));
      if (pairsOf(cells.map((c) => c.cell)).length === 0) {
        skipReason = `fewer than two cells of ${key} that differ in one axis were measured in this run`;
        return;
      }
      if (settings.paired.groups === 'first' && compared > 0) {
        skipReason = 'profiles.invisibility.paired.groups is "first": one group was compared already';
        return;
      }
      compared++;
      const dir = path.join(plan.runDir, 'invisibility-paired', key.replace(/[^A-Za-z0-9._-]+/g, '_'));
      const file = path.join(dir, 'comparison.json');
      // The comparison's checkpoint: the same cells under the same conditions (their resume keys) give the same key.
      const stamp = createHash('sha256').update(JSON.stringify(cells.map((c) => resumeStamp(plan, c, 'invisibility').key))).digest('hex');
      if (inject('resume') !== undefined) {
        const stored = readStoredSummary(file) as { stamp?: string; comparison?: unknown } | null;
        const parsed = stored && !(stored instanceof Error) && stored.stamp === stamp ? pairedComparisonSchema.safeParse(stored.comparison) : null;
        if (parsed?.success) {
          result = parsed.data;
          return;
        }
      }
      const log = (message: string) => process.stderr.write(`[paired ${key} · invisibility] ${message}\n`);
      try {
        result = await runPairedSession({ plan, group: key, cells, dir, log });
        writeFileAtomic(file, `${JSON.stringify({ stamp, comparison: result }, null, 2)}\n`);
        for (const p of result.pairs) log(`${p.a} vs ${p.b}: ${p.explanation}`);
      } catch (e) {
        error = e instanceof Error ? e : new Error(String(e));
      }
    }, sessionTimeoutMs(plan, group.cells.length));

    test('paired comparison', async ({ task, skip, annotate }) => {
      if (skipReason) skip(skipReason);
      if (error) throw error;
      if (!result) throw new Error('the paired session did not run');
      task.meta.pairedComparison = result;
      for (const p of result.pairs) await annotate(`${p.a} vs ${p.b}: ${p.explanation}`, 'comparison');
    });
  });
}
