import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DownloadError, downloadHubFile, planDownloads, type DownloadOptions, type HubFile } from '../../harness/models/hub.ts';
import { startFakeHub, type FakeHub, type FakeHubOptions } from '../fixtures/fake-hub.ts';

/** Deterministic pseudo-random bytes (mulberry32), so the "model" is the same on every run without shipping one. */
function seededBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i += 4) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i);
  }
  return out;
}

const MODEL = seededBytes(3 * 1024 * 1024, 42);
const MODEL_SHA256 = createHash('sha256').update(MODEL).digest('hex');
const REPO = 'fake-org/fake-model-GGUF';
const FILE = 'fake-model-Q4_K_M.gguf';
const MODEL_FILE: HubFile = { repo: REPO, file: FILE };

const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** A fake hub serving the model, and options that point only at it and at fresh temp dirs. */
async function setup(hubOptions: FakeHubOptions = {}): Promise<{ hub: FakeHub; opts: DownloadOptions; expectedPath: string }> {
  const hub = await startFakeHub({ [`${REPO}/${FILE}`]: MODEL }, hubOptions);
  const destDir = tempDir('hub-dest-');
  // token '' overrides any HF_TOKEN of this machine: the fake hub must see only what a test gives it.
  const opts: DownloadOptions = { endpoint: hub.url, hfHome: tempDir('hf-home-'), destDir, token: '' };
  return { hub, opts, expectedPath: path.join(destDir, 'models--fake-org--fake-model-GGUF', 'main', FILE) };
}

async function withHub(hubOptions: FakeHubOptions, body: (ctx: Awaited<ReturnType<typeof setup>>) => Promise<void>): Promise<void> {
  const ctx = await setup(hubOptions);
  try {
    await body(ctx);
  } finally {
    await ctx.hub.close();
  }
}

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function rejection(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

describe('downloadHubFile', () => {
  test('a fresh download is verified, put in place with its sidecar, and leaves no .part', () =>
    withHub({}, async ({ hub, opts, expectedPath }) => {
      const got = await downloadHubFile(MODEL_FILE, opts);
      expect(got).toEqual({ path: expectedPath, sha256: MODEL_SHA256, bytes: MODEL.length, source: 'download' });
      expect(sha256Of(expectedPath)).toBe(MODEL_SHA256);
      expect(existsSync(`${expectedPath}.part`)).toBe(false);
      expect(readFileSync(`${expectedPath}.sha256`, 'utf8')).toBe(`${MODEL_SHA256}  ${FILE}\n`);
      // HEAD stops at the hub's redirect (the LFS metadata is there); the GET follows it to the CDN.
      expect(hub.requests.map((r) => `${r.server} ${r.method}`)).toEqual(['hub HEAD', 'hub GET', 'cdn GET']);
    }));

  test('a download cut halfway resumes from the cut with a Range request', () => {
    const cut = MODEL.length / 2;
    return withHub({ cutFirstGetAfter: cut }, async ({ hub, opts, expectedPath }) => {
      const first = await rejection(downloadHubFile(MODEL_FILE, opts));
      expect(first.status).toBeNull();
      expect(first.message).toMatch(/connection lost .*run again to resume/);
      // The hub sends `cut` bytes and drops the connection; how many of them reach the file first is the OS's call
      // (a reset can discard what is still in flight), so the .part holds some of them, never more.
      const kept = statSync(`${expectedPath}.part`).size;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(cut);
      expect(existsSync(expectedPath)).toBe(false);

      const before = hub.requests.length;
      const got = await downloadHubFile(MODEL_FILE, opts);
      expect(got).toMatchObject({ sha256: MODEL_SHA256, bytes: MODEL.length, source: 'resumed' });
      const resumedGets = hub.requests.slice(before).filter((r) => r.method === 'GET');
      expect(resumedGets.map((r) => r.range)).toEqual([`bytes=${kept}-`, `bytes=${kept}-`]);
      expect(sha256Of(expectedPath)).toBe(MODEL_SHA256);
      expect(existsSync(`${expectedPath}.part`)).toBe(false);
    });
  });

  test('a stale .part that resumes into the wrong bytes is replaced by one fresh download', () =>
    withHub({}, async ({ opts, expectedPath }) => {
      mkdirSync(path.dirname(expectedPath), { recursive: true });
      writeFileSync(`${expectedPath}.part`, seededBytes(MODEL.length / 2, 7));
      const got = await downloadHubFile(MODEL_FILE, opts);
      expect(got).toMatchObject({ sha256: MODEL_SHA256, source: 'download' });
    }));

  test('a checksum mismatch is rejected and leaves neither the file nor a .part', () =>
    withHub({ corrupt: true }, async ({ opts, expectedPath }) => {
      const error = await rejection(downloadHubFile(MODEL_FILE, opts));
      expect(error.message).toMatch(new RegExp(`^checksum mismatch: expected ${MODEL_SHA256}, got [0-9a-f]{64}`));
      expect(readdirSync(path.dirname(expectedPath))).toEqual([]);
    }));

  test('a file the hub publishes no SHA-256 for is refused before any byte is fetched', () =>
    withHub({ omitSha256: true, lfsRedirect: false }, async ({ hub, opts }) => {
      const error = await rejection(downloadHubFile(MODEL_FILE, opts));
      expect(error.message).toMatch(/no SHA-256/);
      expect(hub.requests.filter((r) => r.method === 'GET')).toEqual([]);
    }));

  test('an unknown file is a 404 naming the repo, the file and the revision', () =>
    withHub({}, async ({ opts }) => {
      const error = await rejection(downloadHubFile({ repo: REPO, file: 'missing.gguf', revision: 'v1' }, opts));
      expect(error.status).toBe(404);
      expect(error.message).toContain(`not found: ${REPO}/missing.gguf at revision v1`);
    }));

  test('a gated repo answers 401 without a token, mentioning HF_TOKEN, and downloads with one', () =>
    withHub({ requireToken: 'hf_secret_token' }, async ({ hub, opts }) => {
      const withoutToken = await rejection(downloadHubFile(MODEL_FILE, opts));
      expect(withoutToken.status).toBe(401);
      expect(withoutToken.message).toMatch(/HF_TOKEN.*gated/);

      const wrongToken = await rejection(downloadHubFile(MODEL_FILE, { ...opts, token: 'hf_wrong_token' }));
      expect(wrongToken.status).toBe(401);
      expect(wrongToken.message).not.toContain('hf_wrong_token');

      const got = await downloadHubFile(MODEL_FILE, { ...opts, token: 'hf_secret_token' });
      expect(got).toMatchObject({ sha256: MODEL_SHA256, source: 'download' });
      // The token goes to the hub only, never to the CDN the hub redirects to.
      expect(hub.requests.filter((r) => r.server === 'cdn').every((r) => !r.authorized)).toBe(true);
    }));

  test('a file in the Hugging Face cache (snapshot symlink to its blob) is used without any request', () =>
    withHub({}, async ({ hub, opts }) => {
      const hfHome = tempDir('hf-home-');
      const repoDir = path.join(hfHome, 'hub', 'models--fake-org--fake-model-GGUF');
      const commit = 'a'.repeat(40);
      mkdirSync(path.join(repoDir, 'blobs'), { recursive: true });
      mkdirSync(path.join(repoDir, 'refs'));
      mkdirSync(path.join(repoDir, 'snapshots', commit), { recursive: true });
      writeFileSync(path.join(repoDir, 'blobs', MODEL_SHA256), MODEL);
      writeFileSync(path.join(repoDir, 'refs', 'main'), commit);
      const snapshotFile = path.join(repoDir, 'snapshots', commit, FILE);
      symlinkSync(path.join('..', '..', 'blobs', MODEL_SHA256), snapshotFile);

      const got = await downloadHubFile(MODEL_FILE, { ...opts, hfHome });
      expect(got).toEqual({ path: snapshotFile, sha256: MODEL_SHA256, bytes: MODEL.length, source: 'hf-cache' });
      expect(hub.requests).toEqual([]);
    }));

  test('a Hugging Face cache blob whose content does not match its name is not used', () =>
    withHub({}, async ({ opts }) => {
      const hfHome = tempDir('hf-home-');
      const repoDir = path.join(hfHome, 'hub', 'models--fake-org--fake-model-GGUF');
      mkdirSync(path.join(repoDir, 'blobs'), { recursive: true });
      mkdirSync(path.join(repoDir, 'snapshots', 'main'), { recursive: true });
      writeFileSync(path.join(repoDir, 'blobs', MODEL_SHA256), 'truncated');
      symlinkSync(path.join('..', '..', 'blobs', MODEL_SHA256), path.join(repoDir, 'snapshots', 'main', FILE));

      const got = await downloadHubFile(MODEL_FILE, { ...opts, hfHome });
      expect(got).toMatchObject({ sha256: MODEL_SHA256, source: 'download' });
    }));

  test('a second call reuses our verified copy without any request', () =>
    withHub({}, async ({ hub, opts, expectedPath }) => {
      await downloadHubFile(MODEL_FILE, opts);
      const before = hub.requests.length;
      const again = await downloadHubFile(MODEL_FILE, opts);
      expect(again).toEqual({ path: expectedPath, sha256: MODEL_SHA256, bytes: MODEL.length, source: 'dest-cache' });
      expect(hub.requests.length).toBe(before);
    }));

  test('progress is reported with increasing received bytes, ending at the total', () =>
    withHub({ chunkDelayMs: 15 }, async ({ opts }) => {
      const seen: { received: number; total: number | null }[] = [];
      await downloadHubFile(MODEL_FILE, { ...opts, progress: ({ received, total }) => seen.push({ received, total }) });
      expect(seen.length).toBeGreaterThanOrEqual(3);
      const received = seen.map((p) => p.received);
      expect(received).toEqual([...received].sort((a, b) => a - b));
      expect(new Set(received).size).toBe(received.length);
      expect(seen.at(-1)).toEqual({ received: MODEL.length, total: MODEL.length });
    }));
});

describe('downloads are bounded in size and time', () => {
  const BIG = seededBytes(40 * 1024 * 1024, 9);
  const BIG_FILE: HubFile = { repo: REPO, file: 'big.gguf' };
  const MiB = 1024 * 1024;

  async function withBigHub(hubOptions: FakeHubOptions, body: (ctx: { hub: FakeHub; opts: DownloadOptions; expectedPath: string }) => Promise<void>) {
    const hub = await startFakeHub({ [`${REPO}/big.gguf`]: BIG, [`${REPO}/${FILE}`]: MODEL }, hubOptions);
    const destDir = tempDir('hub-dest-');
    try {
      await body({ hub, opts: { endpoint: hub.url, hfHome: tempDir('hf-home-'), destDir, token: '' }, expectedPath: path.join(destDir, 'models--fake-org--fake-model-GGUF', 'main', 'big.gguf') });
    } finally {
      await hub.close();
    }
  }

  test('a server that announces 1,000 bytes and sends 40 MiB with its real Content-Length: refused before a byte is kept', () =>
    withBigHub({ advertiseSize: 1000 }, async ({ hub, opts, expectedPath }) => {
      const error = await rejection(downloadHubFile(BIG_FILE, opts));
      expect(error.message).toBe(
        `the server sent more than the 1000 bytes the hub announced for ${REPO}/big.gguf at revision main (it announced ${BIG.length} bytes): download stopped and its partial file deleted`,
      );
      expect(readdirSync(path.dirname(expectedPath))).toEqual([]);
      expect(hub.bytesSent()).toBeLessThan(BIG.length / 2);
    }));

  test('the same without a Content-Length: stopped at the first bytes past 1,000, never kept', () =>
    withBigHub({ advertiseSize: 1000, chunked: true }, async ({ hub, opts, expectedPath }) => {
      const received: number[] = [];
      const error = await rejection(downloadHubFile(BIG_FILE, { ...opts, progress: (p) => received.push(p.received) }));
      expect(error.message).toMatch(/^the server sent more than the 1000 bytes the hub announced .*\(at least \d+ bytes arrived\): download stopped and its partial file deleted$/);
      expect(Math.max(...received)).toBeLessThanOrEqual(1000);
      expect(readdirSync(path.dirname(expectedPath))).toEqual([]);
      expect(hub.bytesSent()).toBeLessThan(BIG.length / 2);
    }));

  test('a file whose size the hub does not announce is refused before any GET, unless a cap is set', () =>
    withBigHub({ omitSize: true }, async ({ hub, opts }) => {
      const error = await rejection(downloadHubFile(MODEL_FILE, opts));
      expect(error.message).toMatch(/^the hub announces no size for .* so the download is refused/);
      expect(hub.requests.filter((r) => r.method === 'GET')).toEqual([]);
      const [planned] = await planDownloads([MODEL_FILE], opts);
      expect(planned?.error?.message).toBe(error.message);

      const capped = await rejection(downloadHubFile(MODEL_FILE, { ...opts, maxBytes: 1000, destDir: tempDir('hub-dest-') }));
      expect(capped.message).toMatch(/^the server sent more than the 1000-byte cap \(the hub announced no size\)/);
      const got = await downloadHubFile(MODEL_FILE, { ...opts, maxBytes: 2 * MODEL.length });
      expect(got).toMatchObject({ sha256: MODEL_SHA256, bytes: MODEL.length, source: 'download' });
    }));

  test('a body that stalls: an idle deadline ends it, the .part is kept, the next run resumes', () =>
    withBigHub({ stallFirstGetAfter: MiB }, async ({ opts }) => {
      const expectedPath = path.join(opts.destDir, 'models--fake-org--fake-model-GGUF', 'main', FILE);
      // The message names the bytes received, so the deadline must not fire before the whole first MiB is in: 2 s
      // between two chunks, which a starved process on a loaded machine does not reach (0.5 s it could).
      const error = await rejection(downloadHubFile(MODEL_FILE, { ...opts, deadlines: { idleMs: 2000 } }));
      expect(error.message).toBe(`no data from the server for 2 s after ${MiB} of ${MODEL.length} bytes of ${REPO}/${FILE} at revision main; the partial file is kept, run again to resume`);
      expect(statSync(`${expectedPath}.part`).size).toBe(MiB);
      const got = await downloadHubFile(MODEL_FILE, opts);
      expect(got).toMatchObject({ sha256: MODEL_SHA256, source: 'resumed' });
    }));

  test('a hub that never answers: the idle deadline names it', () =>
    withBigHub({ stallHead: true }, async ({ hub, opts }) => {
      const error = await rejection(downloadHubFile(MODEL_FILE, { ...opts, deadlines: { idleMs: 500 } }));
      expect(error.message).toBe(`no answer from ${hub.url}/${REPO}/resolve/main/${FILE} within 0.5 s`);
    }));

  test('a download that keeps moving but too slowly: the overall deadline ends it and keeps the .part', () =>
    withBigHub({ chunkDelayMs: 100 }, async ({ opts }) => {
      const expectedPath = path.join(opts.destDir, 'models--fake-org--fake-model-GGUF', 'main', FILE);
      // 48 chunks 100 ms apart take at least 4.8 s, so a 2 s deadline always ends the download; the 2 s (not 1 s) leave a
      // loaded machine time for the GET, the redirect and a first chunk, which the .part must hold.
      const error = await rejection(downloadHubFile(MODEL_FILE, { ...opts, deadlines: { overallMs: 2000 } }));
      expect(error.message).toMatch(new RegExp(`^the download did not finish within 2 s after \\d+ of ${MODEL.length} bytes of .*; the partial file is kept, run again to resume$`));
      const kept = statSync(`${expectedPath}.part`).size;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(MODEL.length);
    }));
});

describe('a Hugging Face cache file with no hash of its own (a plain copy, no blob link, no .sha256)', () => {
  /** The file as a plain file in the snapshot, as a copied cache or another tool may leave it. */
  function hfHomeWithCopy(bytes: Buffer): { hfHome: string; snapshotFile: string } {
    const hfHome = tempDir('hf-home-');
    const snapshot = path.join(hfHome, 'hub', 'models--fake-org--fake-model-GGUF', 'snapshots', 'main');
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(path.join(snapshot, FILE), bytes);
    return { hfHome, snapshotFile: path.join(snapshot, FILE) };
  }

  test('is used only after it matches the hub\'s SHA-256 (one HEAD request, no download)', () =>
    withHub({}, async ({ hub, opts }) => {
      const { hfHome, snapshotFile } = hfHomeWithCopy(MODEL);
      const got = await downloadHubFile(MODEL_FILE, { ...opts, hfHome });
      expect(got).toEqual({ path: snapshotFile, sha256: MODEL_SHA256, bytes: MODEL.length, source: 'hf-cache' });
      expect(hub.requests.map((r) => `${r.server} ${r.method}`)).toEqual(['hub HEAD']);
      const [planned] = await planDownloads([MODEL_FILE], { ...opts, hfHome });
      expect(planned?.reason).toBe(`in the Hugging Face cache: ${snapshotFile}, no hash of its own: checked against the hub's SHA-256 before use`);
    }));

  test('with other bytes than the hub\'s is not used: the file is downloaded', () =>
    withHub({}, async ({ opts, expectedPath }) => {
      const wrong = seededBytes(MODEL.length, 8);
      const { hfHome, snapshotFile } = hfHomeWithCopy(wrong);
      const got = await downloadHubFile(MODEL_FILE, { ...opts, hfHome });
      expect(got).toMatchObject({ path: expectedPath, sha256: MODEL_SHA256, source: 'download' });
      expect(readFileSync(snapshotFile).equals(wrong)).toBe(true);
    }));

  test('is not used when the hub publishes no SHA-256 to check it against', () =>
    withHub({ omitSha256: true, lfsRedirect: false }, async ({ opts }) => {
      const { hfHome } = hfHomeWithCopy(MODEL);
      const error = await rejection(downloadHubFile(MODEL_FILE, { ...opts, hfHome }));
      expect(error.message).toMatch(/no SHA-256/);
    }));
});

describe('planDownloads', () => {
  test('reports sizes and what is needed from HEAD requests only, downloading nothing', () =>
    withHub({}, async ({ hub, opts, expectedPath }) => {
      const missing: HubFile = { repo: REPO, file: 'missing.gguf' };
      const plan = await planDownloads([MODEL_FILE, missing], opts);
      expect(plan[0]).toMatchObject({ file: MODEL_FILE, bytes: MODEL.length, needed: true, reason: `download ${MODEL.length} bytes` });
      expect(plan[1]).toMatchObject({ file: missing, bytes: null, needed: true });
      expect(plan[1]?.error?.status).toBe(404);
      expect(hub.requests.length).toBeGreaterThan(0);
      expect(hub.requests.every((r) => r.method === 'HEAD')).toBe(true);
      expect(existsSync(path.dirname(expectedPath))).toBe(false);

      await downloadHubFile(MODEL_FILE, opts);
      const [afterDownload] = await planDownloads([MODEL_FILE], opts);
      expect(afterDownload).toMatchObject({ bytes: MODEL.length, needed: false });
      expect(afterDownload?.reason).toContain(expectedPath);
    }));
});
