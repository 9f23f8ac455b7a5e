// Reads each quality cell's responses.jsonl into the per-item grade evidence the report shows (files at the edge;
// the renderer in html/evidence.ts takes plain data).
import { readFileSync } from 'node:fs';
import { smallCellFile } from './cell-file.ts';
import type { GradedItem } from './html/evidence.ts';
import type { RunReport } from './model.ts';

/** Longest model output kept per item in the page; the whole text stays in responses.jsonl. */
const OUTPUT_CHARS = 4000;
/** A quality cell's responses.jsonl larger than this is not read for evidence (100 graded items take a few hundred kB). */
const MAX_RESPONSES_BYTES = 64 * 1024 * 1024;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function gradedItem(line: Record<string, unknown>): GradedItem | null {
  if (line.kind !== 'golden' && line.kind !== 'cove') return null;
  const evidence = (line.evidence ?? null) as { extracted?: unknown; rule?: unknown } | null;
  const output = str(line.output) ?? '';
  const score = typeof line.score === 'number' ? line.score : typeof line.final_score === 'number' ? line.final_score : null;
  return {
    kind: line.kind,
    mode: line.mode === 'constrained' ? 'constrained' : 'free',
    id: str(line.id) ?? '?',
    set: str(line.set) ?? str(line.kind) ?? '',
    state: line.state === 'error' || line.state === 'not-applicable' ? line.state : 'graded',
    score,
    extracted: evidence ? str(evidence.extracted) : null,
    rule: evidence ? str(evidence.rule) : null,
    expected: str(line.expected),
    detail: str(line.detail) ?? str(line.reason),
    error: str(line.error),
    output: output.length > OUTPUT_CHARS ? `${output.slice(0, OUTPUT_CHARS)}…` : output,
    truncated: output.length > OUTPUT_CHARS,
  };
}

/** Graded items per `slug/profile` of every quality cell that wrote responses (unreadable files: no evidence). */
export function readGradedItems(runDir: string, report: RunReport): Map<string, GradedItem[]> {
  const out = new Map<string, GradedItem[]>();
  for (const c of report.cells) {
    // Only a file inside the run: the path comes from the scoreboard.
    const file = c.profile === 'quality' ? smallCellFile(runDir, c.measurement?.files.responses, MAX_RESPONSES_BYTES) : null;
    if (!file) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const items: GradedItem[] = [];
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      try {
        const item = gradedItem(JSON.parse(raw) as Record<string, unknown>);
        if (item) items.push(item);
      } catch {
        // a torn last line of an interrupted run: the items before it still show
      }
    }
    if (items.length) out.set(`${c.cell.slug}/${c.profile}`, items);
  }
  return out;
}
