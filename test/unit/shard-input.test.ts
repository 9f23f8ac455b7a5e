// `npm run bench -- --shard I/N` (and BENCH_SHARD): bad values are exit 2 naming the flag or variable, before anything
// is created; a good one reaches the request and keeps the dry run to the shard's cells.
import { describe, expect, test } from 'vitest';
import { shardOfCell } from '../../harness/shard/shard.ts';
import { accepts, rejects, sandbox } from './bad-input-helpers.ts';

describe('--shard', () => {
  test('malformed or impossible shards are named, with what was expected', () => {
    rejects(sandbox(), [/--shard: got "5\/4": shard 5 of 4 does not exist/], ['--shard', '5/4']);
    rejects(sandbox(), [/--shard: got "2", expected INDEX\/COUNT such as 2\/4/], ['--shard', '2']);
    rejects(sandbox(), [/BENCH_SHARD: got "0\/2"/], [], { BENCH_SHARD: '0/2' });
    rejects(sandbox(), [/--shard: given more than once/], ['--shard', '1/2', '--shard', '2/2']);
  });
  test('with --tune it is refused: the search walks the matrix in one run', () => {
    rejects(sandbox(), [/--shard: splits the matrix between machines; --tune walks it step by step/], ['--shard', '1/2', '--tune', 'interactive']);
  });
  test('a good shard reaches the request, and its selection keeps exactly the cells that hash to it', () => {
    const request = accepts(sandbox(), ['--shard', '2/3']);
    expect(request.shard).toEqual({ index: 2, count: 3 });
    for (const id of ['a Q4_K_M t1 c2048 nice10', 'b Q8_0 t2 c512 nice19', 'c Q2_K t1 c1024 nice10']) expect(request.selection!.keeps(id)).toBe(shardOfCell(id, 3) === 2);
  });
});
