import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig, modelQuants } from '../../harness/config/load.ts';
import { defaultModelDir, hubFileFor } from '../../harness/models/hub-models.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-config-models-'));
const HUB = `models:
  - name: qwen
    size_class: small
    repo: Qwen/Qwen2.5-1.5B-Instruct-GGUF
    revision: v1.0
    files:
      Q4_K_M: qwen2.5-1.5b-instruct-q4_k_m.gguf
      Q8_0: sub/qwen2.5-1.5b-instruct-q8_0.gguf
    sha256:
      Q4_K_M: ${'ab'.repeat(32)}
matrix:
  models: [qwen]
  quants: [Q4_K_M]
  threads: [2]
  ctx: [1024]
`;

let n = 0;
function load(text: string, name = `c${n++}.yaml`) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return loadConfig(file);
}
function problems(text: string): ConfigError {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('hub models in the config', () => {
  test('a hub model needs no local file, offers its files’ quantizations and names its repo file per quant', () => {
    const { config } = load(HUB);
    const qwen = config.models[0]!;
    expect(modelQuants(qwen)).toEqual(['Q4_K_M', 'Q8_0']);
    // Repo-relative, not resolved against the config's folder.
    expect(qwen.files!.Q8_0).toBe('sub/qwen2.5-1.5b-instruct-q8_0.gguf');
    expect(hubFileFor(qwen, 'Q8_0')).toEqual({ repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF', file: 'sub/qwen2.5-1.5b-instruct-q8_0.gguf', revision: 'v1.0' });
    expect(hubFileFor(qwen, 'Q2_K')).toBeNull();
    expect(hubFileFor({ ...qwen, revision: undefined }, 'Q4_K_M')?.revision).toBe('main');
  });

  test('model_dir defaults to <cache dir>/models/hub and a relative one is relative to the config file', () => {
    expect(load(HUB).config.model_dir).toBe(defaultModelDir());
    expect(defaultModelDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/llm-budget-bench/models/hub');
    expect(load(`model_dir: ./models\n${HUB}`).config.model_dir).toBe(path.join(dir, 'models'));
  });

  test('repo without files, with a path, or malformed: exit 2 naming the YAML path and line', () => {
    const noFiles = problems(HUB.replace(/ {4}files:\n.*\n.*\n/, ''));
    expect(noFiles.exitCode).toBe(2);
    expect(noFiles.message).toMatch(/models\[0\]\.files \(line 2\): missing; expected the repo's files per quantization/);
    // (sha256 then names a quant with no file: reported too.)
    expect(noFiles.message).toMatch(/models\[0\]\.sha256\.Q4_K_M \(line 7\): .*no file for Q4_K_M under files/);

    expect(problems(HUB.replace('repo: Qwen/Qwen2.5-1.5B-Instruct-GGUF', 'repo: just-a-name')).message).toMatch(
      /models\[0\]\.repo \(line 4\): got "just-a-name", expected a Hugging Face repo id such as "org\/name"/,
    );
    expect(problems(HUB.replace('    revision: v1.0\n', '    revision: v1.0\n    path: /x.gguf\n')).message).toMatch(
      /models\[0\] \(line 2\): expected exactly one of builtin, path or files/,
    );
    expect(problems(HUB.replace('Q8_0: sub/', 'Q8_0: ../')).message).toMatch(
      /models\[0\]\.files\.Q8_0 \(line 8\): got "\.\.\/qwen.*", expected a path inside the repo/,
    );
    expect(problems(HUB.replace('Q8_0: sub/', 'Q8_0: /abs/')).message).toMatch(/models\[0\]\.files\.Q8_0 \(line 8\)/);
    expect(problems(HUB.replace('ab'.repeat(32), 'abc')).message).toMatch(/models\[0\]\.sha256\.Q4_K_M \(line 10\): got "abc", expected a SHA-256/);
    expect(problems(HUB.replace('size_class: small', 'size_class: huge')).message).toMatch(
      /models\[0\]\.size_class \(line 3\): got "huge", expected one of: tiny, small, medium, large/,
    );
  });

  test('revision and sha256 belong to hub models only', () => {
    const local = `models:
  - name: tiny
    builtin: tiny
    revision: main
matrix:
  models: [tiny]
  quants: [Q4_K_M]
  threads: [1]
  ctx: [1024]
`;
    expect(problems(local).message).toMatch(/models\[0\]\.revision \(line 4\): got "main", revision applies to hub models only; expected repo: org\/name beside it/);
  });

  test('a matrix quant no hub file offers is reported as before', () => {
    expect(problems(HUB.replace('quants: [Q4_K_M]', 'quants: [Q2_K]')).message).toMatch(/model "qwen" offers Q4_K_M, Q8_0, none of which is in matrix\.quants/);
  });
});
