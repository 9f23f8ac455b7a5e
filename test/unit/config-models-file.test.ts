import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, EXIT_BAD_INPUT } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';

const MATRIX = `matrix:
  models: [tiny, local]
  quants: [Q4_K_M]
  threads: [1]
  ctx: [1024]
`;

function setup(config: string, models: string | null): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-models-file-'));
  writeFileSync(path.join(dir, 'local.gguf'), 'GGUF');
  if (models !== null) writeFileSync(path.join(dir, 'models.yaml'), models);
  const file = path.join(dir, 'bench.config.yaml');
  writeFileSync(file, config);
  return file;
}

function problemsOf(file: string): ConfigError {
  try {
    loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const LOCAL = `models:
  - name: local
    path: local.gguf
    quant: Q4_K_M
`;

describe('models_file: model definitions in a second YAML file', () => {
  test('its models join the inline ones, after them, with paths relative to the config', () => {
    const file = setup(`models:\n  - name: tiny\n    builtin: tiny\nmodels_file: models.yaml\n${MATRIX}`, LOCAL);
    const { config } = loadConfig(file);
    expect(config.models.map((m) => m.name)).toEqual(['tiny', 'local']);
    expect(config.models_file).toBe('models.yaml');
  });

  test('a config with no inline models at all works from the file alone', () => {
    const file = setup(`models_file: models.yaml\n${MATRIX.replace('[tiny, local]', '[local]')}`, LOCAL);
    expect(loadConfig(file).config.models.map((m) => m.name)).toEqual(['local']);
  });

  test('an invalid definition: exit 2 naming the models file, the YAML path inside it and the line', () => {
    const file = setup(`models_file: models.yaml\n${MATRIX}`, `models:\n  - name: local\n    path: local.gguf\n    quant: Q4_K_M\n  - name: tiny\n    builtin: huge\n`);
    const e = problemsOf(file);
    expect(e.exitCode).toBe(EXIT_BAD_INPUT);
    expect(e.file).toMatch(/models\.yaml$/);
    expect(e.problems).toEqual([expect.objectContaining({ path: 'models.yaml: models[1].builtin', line: 6, message: expect.stringMatching(/huge.*expected one of/) })]);
  });

  test('unknown keys, a missing file, broken YAML: each exits 2 naming the file', () => {
    const unknown = problemsOf(setup(`models_file: models.yaml\n${MATRIX}`, `models:\n  - name: local\n    path: local.gguf\n    quant: Q4_K_M\nmatrix: {}\n`));
    expect(unknown.problems[0]).toMatchObject({ path: 'models.yaml: matrix', line: 5 });
    const missing = problemsOf(setup(`models_file: models.yaml\n${MATRIX}`, null));
    expect(missing.message).toMatch(/models\.yaml/);
    expect(missing.problems[0]!.message).toMatch(/^models_file: /);
    const broken = problemsOf(setup(`models_file: models.yaml\n${MATRIX}`, 'models: [\n'));
    expect(broken.problems[0]!.path).toMatch(/^models\.yaml/);
  });

  test('a later check on a model from the file (a missing local file) points into the models file', () => {
    const file = setup(`models:\n  - name: tiny\n    builtin: tiny\nmodels_file: models.yaml\n${MATRIX}`, LOCAL.replace('local.gguf', 'absent.gguf'));
    const e = problemsOf(file);
    expect(e.problems).toEqual([expect.objectContaining({ path: expect.stringMatching(/^models\.yaml: models\[0\]/), line: expect.any(Number) })]);
  });

  test('a name defined in both files is a problem, named in the models file', () => {
    const e = problemsOf(setup(`models:\n  - name: local\n    builtin: tiny\nmodels_file: models.yaml\n${MATRIX}`, LOCAL));
    expect(e.problems).toEqual([expect.objectContaining({ path: 'models.yaml: models[0].name', line: 2, message: expect.stringMatching(/defined both here and in the config/) })]);
  });

  test('models_file must be a non-empty string', () => {
    const e = problemsOf(setup(`models:\n  - name: tiny\n    builtin: tiny\nmodels_file: 3\n${MATRIX.replace('[tiny, local]', '[tiny]')}`, null));
    expect(e.problems).toEqual([expect.objectContaining({ path: 'models_file', line: 4 })]);
  });
});
