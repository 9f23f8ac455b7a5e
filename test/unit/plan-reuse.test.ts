// A later preparation in the same run directory keeps the model facts (SHA-256, size, GGUF metadata) of the earlier
// plan only while they are still true: the same file, unchanged since, declared the same way, for the same build.
import { mkdtempSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { earlierPlan, reusableModelFile, type Earlier } from '../../harness/plan-reuse.ts';

const SHA = 'a'.repeat(64);
const LLAMA = { serverPath: '/opt/llama/bin/llama-server', commit: 'de3ff81' };
const CONFIG_FILE = '/work/bench.config.yaml';
const MODELS = [{ name: 'mine', path: 'models/mine.gguf' }, { name: 'tiny', builtin: 'tiny' }];

/** A model file written an hour ago, and a plan.json written now that prepared it. */
function setUp(overrides: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-reuse-'));
  const model = path.join(dir, 'mine-Q4_K_M.gguf');
  writeFileSync(model, 'GGUF0123456789');
  const anHourAgo = Date.now() / 1000 - 3600;
  utimesSync(model, anHourAgo, anHourAgo);
  // utimes sets the file's ctime to now: the plan is written a little later, as it is after a model is prepared.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  const plan = {
    configFile: CONFIG_FILE,
    llama: LLAMA,
    config: { models: MODELS, model_dir: null },
    cells: [{ cell: { model: 'mine', quant: 'Q4_K_M' }, model: { path: model, sha256: SHA, bytes: 14, metadata: { architecture: 'llama' } } }],
    ...overrides,
  };
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  return { dir, model };
}

const reuse = (earlier: Earlier | null, quant = 'Q4_K_M', llama = LLAMA, configFile = CONFIG_FILE, models: { name: string }[] = MODELS, modelDir: unknown = null) =>
  reusableModelFile(earlier, { model: 'mine', quant }, llama, configFile, { models, model_dir: modelDir });

describe('reusableModelFile', () => {
  test('an unchanged file of the same model, quantization, config and build: its facts, metadata included', () => {
    const { dir, model } = setUp();
    expect(reuse(earlierPlan(dir))).toEqual({ path: model, sha256: SHA, bytes: 14, metadata: { architecture: 'llama' } });
  });

  test('no plan, an unreadable one, or one without cells: nothing to reuse', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'plan-reuse-'));
    expect(earlierPlan(empty)).toBeNull();
    writeFileSync(path.join(empty, 'plan.json'), '{"cells": [');
    expect(earlierPlan(empty)).toBeNull();
    writeFileSync(path.join(empty, 'plan.json'), 'null');
    expect(earlierPlan(empty)).toBeNull();
    const { dir } = setUp({ cells: 'many' });
    expect(reuse(earlierPlan(dir))).toBeNull();
  });

  test('the file was rewritten after the plan (mtime), replaced by a rename or touched (ctime), or changed size', () => {
    const rewritten = setUp();
    const later = Date.now() / 1000 + 60;
    utimesSync(rewritten.model, later, later);
    expect(reuse(earlierPlan(rewritten.dir))).toBeNull();

    // A replacement with an old mtime (cp -p, tar, rsync -t) still gets a new ctime when it is moved into place.
    const replaced = setUp();
    const earlier = earlierPlan(replaced.dir);
    const other = `${replaced.model}.new`;
    writeFileSync(other, 'GGUF9876543210');
    const old = Date.now() / 1000 - 7200;
    utimesSync(other, old, old);
    renameSync(other, replaced.model);
    expect(reuse(earlier)).toBeNull();

    const grown = setUp();
    const plan = earlierPlan(grown.dir)!;
    plan.plan.cells![0]!.model!.bytes = 13;
    expect(reuse(plan)).toBeNull();
  });

  test('the same instant as the plan counts as a change (a coarse clock must not hide one)', () => {
    const { dir, model } = setUp();
    const earlier = earlierPlan(dir)!;
    const at = earlier.writtenMs / 1000;
    utimesSync(model, at, at);
    // utimes sets the mtime to the plan's; the ctime is now, after it
    expect(reuse(earlier)).toBeNull();
    expect(reuse({ ...earlier, writtenMs: Date.now() + 60_000 })).not.toBeNull();
  });

  test('a missing file, a directory at its path, or a path that was never prepared', () => {
    const gone = setUp();
    const earlier = earlierPlan(gone.dir)!;
    renameSync(gone.model, `${gone.model}.moved`);
    expect(reuse(earlier)).toBeNull();
    const dirAtPath = setUp({ cells: [{ cell: { model: 'mine', quant: 'Q4_K_M' }, model: { path: os.tmpdir(), sha256: SHA, bytes: 14 } }] });
    expect(reuse(earlierPlan(dirAtPath.dir))).toBeNull();
    // planner.mode quick leaves other quantizations unprepared: an empty path
    const unprepared = setUp({ cells: [{ cell: { model: 'mine', quant: 'Q4_K_M' }, model: { path: '', sha256: '', bytes: 0 } }] });
    expect(reuse(earlierPlan(unprepared.dir))).toBeNull();
  });

  test('another quantization or model, another build or server, another config file, entry or model_dir', () => {
    const { dir } = setUp();
    const earlier = earlierPlan(dir);
    expect(reuse(earlier, 'Q8_0')).toBeNull();
    expect(reusableModelFile(earlier, { model: 'tiny', quant: 'Q4_K_M' }, LLAMA, CONFIG_FILE, { models: MODELS })).toBeNull();
    expect(reuse(earlier, 'Q4_K_M', { ...LLAMA, commit: 'b6db82a' })).toBeNull();
    expect(reuse(earlier, 'Q4_K_M', { ...LLAMA, serverPath: '/usr/bin/llama-server' })).toBeNull();
    expect(reuse(earlier, 'Q4_K_M', LLAMA, '/elsewhere/bench.config.yaml')).toBeNull();
    expect(reuse(earlier, 'Q4_K_M', LLAMA, CONFIG_FILE, [{ name: 'mine', path: 'models/other.gguf' } as { name: string }, MODELS[1]!])).toBeNull();
    expect(reuse(earlier, 'Q4_K_M', LLAMA, CONFIG_FILE, [MODELS[1]!])).toBeNull();
    expect(reuse(earlier, 'Q4_K_M', LLAMA, CONFIG_FILE, MODELS, '/models')).toBeNull();
  });

  test('a malformed entry is not trusted: a SHA-256 that is not one, a size that is not a number', () => {
    const badSha = setUp();
    const a = earlierPlan(badSha.dir)!;
    a.plan.cells![0]!.model!.sha256 = 'not-a-hash';
    expect(reuse(a)).toBeNull();
    const b = earlierPlan(badSha.dir)!;
    (b.plan.cells![0]!.model as { bytes: unknown }).bytes = '14';
    expect(reuse(b)).toBeNull();
  });
});
