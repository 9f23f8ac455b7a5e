// A full disk ends the run cleanly: "no space left on …", exit 1 or 2, no llama-server left, no *.tmp file, no
// stale lock, and no hang. The results directory is a 2 MB tmpfs (root only; skipped elsewhere).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withLock } from '../../harness/llama/lock.ts';
import { DiskFullError, writeFileAtomic } from '../../harness/paths.ts';
import { runBench, serversTagged, tinyConfig, waitWhileRunning } from './helpers.ts';

const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'bench-full-'));
const mountTmpfs = () => spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]).status === 0;
/** Root with the right to mount (not every container grants it): probed once, mounted for real in beforeAll. */
const canMount = process.platform === 'linux' && process.getuid?.() === 0 && mountTmpfs() && spawnSync('umount', [mountPoint]).status === 0;

/** Writes zeros into `dir` until the filesystem refuses: it is then full. */
function fill(dir: string): string {
  const file = path.join(dir, `filler-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Every file under `dir`, relative. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [`${prefix}${d.name}/`, ...walk(path.join(dir, d.name), `${prefix}${d.name}/`)] : [`${prefix}${d.name}`]));
}

describe.skipIf(!canMount)('a full disk', () => {
  beforeAll(() => {
    expect(mountTmpfs()).toBe(true);
  });
  afterAll(() => {
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  describe('full from the start', () => {
    let filler: string;
    beforeAll(() => {
      filler = fill(mountPoint);
    });
    afterAll(() => rmSync(filler, { force: true }));

    test('writeFileAtomic throws a DiskFullError naming the file, and leaves no temp file', () => {
      const file = path.join(mountPoint, 'some', 'result.json');
      let error: unknown;
      try {
        writeFileAtomic(file, 'x'.repeat(100_000));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DiskFullError);
      expect((error as Error).message).toMatch(new RegExp(`^no space left on the device holding ${path.dirname(file)} \\(ENOSPC\\) while writing result.json`));
      expect(walk(mountPoint).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    test('a lock whose pid file cannot be written fails at once and leaves no lock behind (nobody waits for it)', async () => {
      const lock = path.join(mountPoint, 'x.lock');
      await expect(withLock(lock, 'testing', () => {}, async () => 'ran', { maxWaitMs: 5000 })).rejects.toThrow(DiskFullError);
      expect(existsSync(lock)).toBe(false);
    });

    test('npm run bench exits 2 with "no space left on", before starting any server', async () => {
      const tag = `e2e-full-start-${process.pid}`;
      const { file } = tinyConfig(`llama:\n  extra_args: [--alias, ${tag}]\n`, (t) => t.replace(/dir: .*results/, `dir: ${path.join(mountPoint, 'runs-a')}`));
      const run = runBench(file, ['--profile', 'idle']);
      const { code, output } = await run.done;
      expect(code, output).toBe(2);
      expect(output).toMatch(/no space left on the device holding .*runs-a/);
      expect(output).not.toMatch(/llama-server pid \d+ ready/);
      expect(output).not.toMatch(/crashed/);
      expect(walk(mountPoint).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }, 1_200_000);
  });

  test('filling up mid-cell ends the run with exit 1 or 2, a stopped server, no temp file and no lock left', async () => {
    const tag = `e2e-full-mid-${process.pid}`;
    const outDir = path.join(mountPoint, 'runs-b');
    // Two cells: the first is measuring when the disk fills; the second must not wait on a lock nobody holds.
    const { file } = tinyConfig(`llama:\n  extra_args: [--alias, ${tag}]\n`, (t) =>
      t.replace(/dir: .*results/, `dir: ${outDir}`).replace('ctx: [1024]', 'ctx: [512, 1024]').replace('duration_s: 2', 'duration_s: 8'),
    );
    const run = runBench(file, ['--profile', 'idle'], { detached: true });
    let filler: string | undefined;
    try {
      await waitWhileRunning(run, 'the first idle measurement', 180_000, () => run.output().includes('measuring idle for 8 s'));
      filler = fill(mountPoint);
      const { code, output } = await run.done;
      expect([1, 2], output).toContain(code);
      // The fill landed while the cell was measuring: its samples could not be written, and the run said why.
      expect(output).toMatch(/no space left on the device holding .*runs-b.* while writing metrics_samples\.csv/);
      expect(output).toMatch(/could not write the scoreboard in .*: no space left on the device/);
      expect(output).not.toMatch(/waiting for another process/);
      expect(output).not.toContain('ignored SIGTERM');
      expect(output.match(/llama-server pid \d+ ready/g)).toHaveLength(1);
      expect(serversTagged(tag)).toEqual([]);
      const left = walk(outDir);
      expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(left.filter((f) => f.includes('.lock'))).toEqual([]);
    } finally {
      if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
      if (filler) rmSync(filler, { force: true });
    }
  }, 1_200_000);
});
