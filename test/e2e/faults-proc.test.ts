// Host facts where /proc hides the CPU (/proc/cpuinfo and /proc/stat bind-mounted to /dev/null in a private mount
// namespace): the report never says "0 cores" or an empty CPU name. Root with unshare only; skipped elsewhere.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './helpers.ts';

const canUnshare = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;

describe.skipIf(!canUnshare)('/proc hides the CPU', () => {
  test('readHost: cores from the scheduler, a CPU name that says it is unknown', () => {
    const script = `const { readHost } = await import(${JSON.stringify(path.join(ROOT, 'harness/plan.ts'))}); console.log(JSON.stringify(await readHost()));`;
    const hide = 'mount --bind /dev/null /proc/cpuinfo && mount --bind /dev/null /proc/stat';
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `${hide} && test ! -s /proc/cpuinfo && exec "$0" --import tsx --input-type=module -e "$1"`, process.execPath, script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const host = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { cpu: string; cores: number };
    expect(host.cores).toBe(os.availableParallelism());
    expect(host.cpu).toBe('unknown CPU (/proc/cpuinfo unreadable)');
  }, 1_200_000);
});
