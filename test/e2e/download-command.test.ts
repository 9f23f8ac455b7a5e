// `npm run download` against a fake hub on 127.0.0.1 (test/fixtures/fake-hub.ts): the free-disk check refuses with
// the numbers before any byte is fetched (statfs is faked), a file that fits is downloaded and verified, and the
// command itself prints where it went and exits 2 on bad input.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DiskSpaceError, downloadChecked } from '../../harness/download/download.ts';
import { MARGIN_BYTES } from '../../harness/download/disk-space.ts';
import { startFakeHub, type FakeHub } from '../fixtures/fake-hub.ts';
import { ROOT } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

const MODEL = randomBytes(2 * 1024 * 1024);
const SHA = createHash('sha256').update(MODEL).digest('hex');
const REPO = 'fake-org/fake-GGUF';
const FILE = 'fake-Q4_K_M.gguf';
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'download-cmd-'));

async function withHub(body: (hub: FakeHub) => Promise<void>): Promise<void> {
  const hub = await startFakeHub({ [`${REPO}/${FILE}`]: MODEL });
  try {
    await body(hub);
  } finally {
    await hub.close();
  }
}

const options = (hub: FakeHub, destDir: string) => ({ endpoint: hub.url, hfHome: tempDir(), destDir, token: '' });

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, commandArgs('download', args), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('download with a free-disk check', () => {
  test('a disk that cannot hold the file and the margin is refused with the numbers, before any GET', () =>
    withHub(async (hub) => {
      const destDir = tempDir();
      const free = MODEL.length + MARGIN_BYTES - 1; // one byte short
      const error = await downloadChecked({ repo: REPO, file: FILE }, options(hub, destDir), () => ({ bavail: BigInt(free), bsize: 1n })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DiskSpaceError);
      expect((error as Error).message).toMatch(/needs 2\.0 MiB plus a margin of 512 MiB \(= 514 MiB\), and 514 MiB is free; free 1 bytes there/);
      expect(hub.requests.map((r) => r.method)).toEqual(['HEAD']);
      expect(readdirSync(destDir)).toEqual([]);
    }));

  test('with room for the file and the margin it downloads and verifies', () =>
    withHub(async (hub) => {
      const destDir = tempDir();
      const got = await downloadChecked({ repo: REPO, file: FILE }, options(hub, destDir), () => ({ bavail: MODEL.length + MARGIN_BYTES, bsize: 1 }));
      expect(got).toMatchObject({ sha256: SHA, bytes: MODEL.length, source: 'download', plannedBytes: MODEL.length });
      expect(createHash('sha256').update(readFileSync(got.path)).digest('hex')).toBe(SHA);
    }));

  test('npm run download: prints the path and the hash; a second run reuses the file', () =>
    withHub(async (hub) => {
      const out = tempDir();
      const env = { HF_ENDPOINT: hub.url, HF_HOME: tempDir(), HF_TOKEN: '' };
      const first = await run(['--repo', REPO, '--file', FILE, '--output-dir', out], env);
      expect(first.code, first.out).toBe(0);
      const file = path.join(out, 'models--fake-org--fake-GGUF', 'main', FILE);
      expect(first.out).toContain(`downloaded: ${file}`);
      expect(first.out).toContain(`sha256 ${SHA}`);
      const second = await run(['--repo', REPO, '--file', FILE, '--output-dir', out], env);
      expect(second.code, second.out).toBe(0);
      expect(second.out).toContain(`already downloaded: ${file}`);
    }));

  test('bad input exits 2 naming each flag, and creates nothing', async () => {
    const out = path.join(tempDir(), 'never');
    const r = await run(['--repo', '../etc', '--file', '../x.gguf', '--output-dir', out, '--revison', 'main'], { HF_ENDPOINT: 'http://127.0.0.1:9' });
    expect(r.code, r.out).toBe(2);
    for (const flag of ['--repo', '--file', '--revison']) expect(r.out).toContain(`  ${flag}`);
    expect(r.out).toContain('did you mean --revision main?');
    expect(existsSync(out)).toBe(false);
  });
});
