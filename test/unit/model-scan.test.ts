import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../harness/config/load.ts';
import { scanModels } from '../../harness/models/scan.ts';

const SHA = 'ab'.repeat(32);

/** A config with a local model, two hub models and a model_dir holding one download, a stray GGUF and a .part. */
function fixture() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-scan-'));
  const modelDir = path.join(dir, 'models');
  const hfHome = path.join(dir, 'hf');
  writeFileSync(path.join(dir, 'local.gguf'), `GGUF${'x'.repeat(6)}`); // a GGUF magic: the config checks it
  // Our earlier download of org/a Q4_K_M (with its sidecar), an interrupted Q8_0, and an older revision of it.
  const repoA = path.join(modelDir, 'models--org--a');
  mkdirSync(path.join(repoA, 'main'), { recursive: true });
  mkdirSync(path.join(repoA, 'v0'), { recursive: true });
  writeFileSync(path.join(repoA, 'main', 'a-Q4_K_M.gguf'), 'y'.repeat(20));
  writeFileSync(path.join(repoA, 'main', 'a-Q4_K_M.gguf.sha256'), `${SHA}  a-Q4_K_M.gguf\n`);
  writeFileSync(path.join(repoA, 'main', 'a-Q8_0.gguf.part'), 'z'.repeat(5));
  writeFileSync(path.join(repoA, 'v0', 'a-Q4_K_M.gguf'), 'o'.repeat(7));
  // Something nobody defined.
  mkdirSync(path.join(modelDir, 'models--someone--else', 'main'), { recursive: true });
  writeFileSync(path.join(modelDir, 'models--someone--else', 'main', 'stray.gguf'), 's'.repeat(30));
  // org/b Q4_K_M is in the Hugging Face cache (snapshot symlink to its blob).
  const repoB = path.join(hfHome, 'hub', 'models--org--b');
  mkdirSync(path.join(repoB, 'blobs'), { recursive: true });
  mkdirSync(path.join(repoB, 'refs'));
  mkdirSync(path.join(repoB, 'snapshots', 'c'.repeat(40)), { recursive: true });
  writeFileSync(path.join(repoB, 'blobs', SHA), 'b'.repeat(40));
  writeFileSync(path.join(repoB, 'refs', 'main'), 'c'.repeat(40));
  symlinkSync(path.join('..', '..', 'blobs', SHA), path.join(repoB, 'snapshots', 'c'.repeat(40), 'b-Q4_K_M.gguf'));

  const file = path.join(dir, 'bench.config.yaml');
  writeFileSync(
    file,
    `models:
  - name: local
    path: local.gguf
    quant: Q4_K_M
  - name: a
    repo: org/a
    files: { Q4_K_M: a-Q4_K_M.gguf, Q8_0: a-Q8_0.gguf }
  - name: b
    repo: org/b
    files: { Q4_K_M: b-Q4_K_M.gguf, Q2_K: b-Q2_K.gguf }
model_dir: models
matrix:
  models: [a]
  quants: [Q4_K_M]
  threads: [1]
  ctx: [1024]
`,
  );
  return { config: loadConfig(file).config, dir, modelDir, hfHome, repoA, repoB };
}

describe('scanModels', () => {
  test('reports every definition as present or to download, and GGUFs in model_dir no definition names', async () => {
    const { config, dir, modelDir, hfHome, repoA, repoB } = fixture();
    const scan = await scanModels(config, { hfHome });
    expect(scan.modelDir).toBe(modelDir);
    expect(scan.entries).toEqual([
      { model: 'local', quant: 'Q4_K_M', source: 'local', state: 'present', where: path.join(dir, 'local.gguf'), bytes: 10 },
      { model: 'a', quant: 'Q4_K_M', source: 'hub', state: 'present', where: path.join(repoA, 'main', 'a-Q4_K_M.gguf'), bytes: 20 },
      { model: 'a', quant: 'Q8_0', source: 'hub', state: 'download', where: 'org/a/a-Q8_0.gguf at main', bytes: null },
      { model: 'b', quant: 'Q4_K_M', source: 'hub', state: 'present', where: path.join(repoB, 'snapshots', 'c'.repeat(40), 'b-Q4_K_M.gguf'), bytes: 40 },
      { model: 'b', quant: 'Q2_K', source: 'hub', state: 'download', where: 'org/b/b-Q2_K.gguf at main', bytes: null },
    ]);
    // The older revision of a defined file is still named; the stray file is not.
    expect(scan.unreferenced).toEqual([{ path: path.join(modelDir, 'models--someone--else', 'main', 'stray.gguf'), bytes: 30 }]);
    expect(scan.partial).toEqual([{ path: path.join(repoA, 'main', 'a-Q8_0.gguf.part'), bytes: 5 }]);
  });

  test('a download without its sidecar is not counted as present (it was never verified)', async () => {
    const { config, hfHome, repoA } = fixture();
    const { rmSync } = await import('node:fs');
    rmSync(path.join(repoA, 'main', 'a-Q4_K_M.gguf.sha256'));
    const scan = await scanModels(config, { hfHome });
    expect(scan.entries.find((e) => e.model === 'a' && e.quant === 'Q4_K_M')?.state).toBe('download');
  });

  test('a missing model_dir scans as empty', async () => {
    const { config, hfHome } = fixture();
    const scan = await scanModels({ ...config, model_dir: path.join(os.tmpdir(), 'no-such-model-dir-xyz') }, { hfHome });
    expect(scan.unreferenced).toEqual([]);
    expect(scan.partial).toEqual([]);
    expect(scan.entries.filter((e) => e.model === 'a').map((e) => e.state)).toEqual(['download', 'download']);
  });
});
