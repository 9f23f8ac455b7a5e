// Cell-level sharding. Vitest's own `--shard i/n` splits by test file, and every profile is one file, so it cannot
// split a profile's cells: each cell goes to the shard chosen by a hash of its id alone. A cell's shard therefore
// never changes when other cells are added to or removed from the matrix (a position-based split would move them).
import { createHash } from 'node:crypto';

export interface Shard {
  /** 1-based, as Vitest writes it: `--shard 2/4` is the second of four. */
  index: number;
  count: number;
}

/** At most this many shards: more than a matrix has cells is pointless, and ids stay readable. */
export const MAX_SHARDS = 1000;

export const SHARD_VAR = 'BENCH_SHARD';

/** `"2/4"` → `{ index: 2, count: 4 }`, or the problem with it in words. */
export function parseShard(text: string): Shard | { problem: string } {
  const m = /^([1-9]\d{0,3})\/([1-9]\d{0,3})$/.exec(text.trim());
  if (!m) return { problem: `got "${text}", expected INDEX/COUNT such as 2/4 (whole numbers, 1 ≤ INDEX ≤ COUNT ≤ ${MAX_SHARDS})` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count > MAX_SHARDS) return { problem: `got "${text}", expected at most ${MAX_SHARDS} shards` };
  if (index > count) return { problem: `got "${text}": shard ${index} of ${count} does not exist, expected 1 ≤ INDEX ≤ ${count}` };
  return { index, count };
}

export function isShard(x: Shard | { problem: string }): x is Shard {
  return 'index' in x;
}

/** The shard (1-based) a cell id belongs to out of `count`: the first 48 bits of SHA-256 of the id, modulo count. */
export function shardOfCell(cellId: string, count: number): number {
  const digest = createHash('sha256').update(cellId, 'utf8').digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}

export function inShard(cellId: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOfCell(cellId, shard.count) === shard.index;
}

/** The shard named by BENCH_SHARD (set by `npm run bench -- --shard i/n`), if any; a malformed value throws. */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  const text = env[SHARD_VAR];
  if (!text) return undefined;
  const parsed = parseShard(text);
  if (!isShard(parsed)) throw new Error(`${SHARD_VAR}: ${parsed.problem}`);
  return parsed;
}

export const shardLabel = (s: Shard): string => `${s.index}/${s.count}`;

/**
 * What sharding does to the planner's cross-cell rules, said in every sharded and merged report: each shard plans
 * alone, so a rule learned from a cell in one shard does not reach the cells of another.
 */
export const SHARD_PLANNER_NOTE =
  'The planner\'s cross-cell rules (skip heavier quantizations after a failure on the quant path, skip larger models after a load failure or a too-slow cell, the memory trend) applied within each shard only: a cell another shard would have skipped was measured here, so a merged run can hold measured cells an unsharded run would have skipped, and a skip reason names only a cell of the same shard.';
