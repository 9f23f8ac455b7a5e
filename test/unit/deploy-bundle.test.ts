// The pieces of deploy that need no server: SHA256SUMS (a changed, added or missing file is named), deploy ids,
// the atomic `current` switch, where --rollback goes, the model registry behind `report --best`, and the free-disk
// check of `download` with a fake statfs.
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BundleError, parseChecksums, verifyChecksums, writeChecksums } from '../../harness/deploy/checksums.ts';
import { currentDeployment, DEPLOY_ID, newDeployId, rollbackTarget, switchCurrent, type HistoryRecord } from '../../harness/deploy/history.ts';
import { bestFor, mergeRun } from '../../harness/deploy/registry.ts';
import { diskSpaceProblem, freeSpace, MARGIN_BYTES, marginFor } from '../../harness/download/disk-space.ts';
import { fixtureRun, T1 } from './deploy-fixtures.ts';

const temp = () => mkdtempSync(path.join(os.tmpdir(), 'deploy-unit-'));

function bundleDir(): string {
  const dir = temp();
  mkdirSync(path.join(dir, 'model'));
  writeFileSync(path.join(dir, 'model', 'm.gguf'), Buffer.from('GGUF model bytes'));
  writeFileSync(path.join(dir, 'manifest.json'), '{}\n');
  mkdirSync(path.join(dir, 'systemd'));
  writeFileSync(path.join(dir, 'systemd', 'llm-budget-bench@.timer'), '[Timer]\n');
  return dir;
}

describe('SHA256SUMS', () => {
  test('covers every file, in the format sha256sum -c reads, and verifies', async () => {
    const dir = bundleDir();
    const sums = await writeChecksums(dir);
    expect([...sums.keys()]).toEqual(['manifest.json', 'model/m.gguf', 'systemd/llm-budget-bench@.timer']);
    expect(readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}manifest\.json\n[0-9a-f]{64} {2}model\/m\.gguf\n/);
    await expect(verifyChecksums(dir)).resolves.toEqual(sums);
  });
  test('one changed byte of the model aborts, naming the file', async () => {
    const dir = bundleDir();
    await writeChecksums(dir);
    const file = path.join(dir, 'model', 'm.gguf');
    const bytes = readFileSync(file);
    bytes[3] = bytes[3]! ^ 1;
    writeFileSync(file, bytes);
    await expect(verifyChecksums(dir)).rejects.toThrow(/checksum mismatch for model\/m\.gguf/);
  });
  test('an added file, a missing file and a missing SHA256SUMS are refused', async () => {
    const added = bundleDir();
    await writeChecksums(added);
    writeFileSync(path.join(added, 'extra.sh'), 'rm -rf ~\n');
    await expect(verifyChecksums(added)).rejects.toThrow(/extra\.sh is in the bundle but not in SHA256SUMS/);
    const missing = bundleDir();
    await writeChecksums(missing);
    writeFileSync(path.join(missing, 'SHA256SUMS'), `${readFileSync(path.join(missing, 'SHA256SUMS'), 'utf8')}${'0'.repeat(64)}  gone.txt\n`);
    await expect(verifyChecksums(missing)).rejects.toThrow(/gone\.txt is listed in SHA256SUMS but missing/);
    await expect(verifyChecksums(bundleDir())).rejects.toThrow(BundleError);
  });
  test('a symlink in the bundle is refused, not followed', async () => {
    const dir = bundleDir();
    symlinkSync('/etc/passwd', path.join(dir, 'model', 'link'));
    await expect(writeChecksums(dir)).rejects.toThrow(/model\/link is not a regular file/);
  });
  test('lines that climb out, are malformed or name a file twice are refused', () => {
    const h = 'a'.repeat(64);
    expect(() => parseChecksums(`${h}  ../x\n`)).toThrow(/line 1/);
    expect(() => parseChecksums(`${h}  /etc/passwd\n`)).toThrow(/line 1/);
    expect(() => parseChecksums(`${h}  ok\nnot a line\n`)).toThrow(/line 2/);
    expect(() => parseChecksums(`${h}  a\n${h}  a\n`)).toThrow(/names a twice/);
    expect(parseChecksums(`${h} *bin.gguf\n`).get('bin.gguf')).toBe(h);
  });
});

describe('deploy ids and the current switch', () => {
  test('two deploys in the same millisecond get different ids, sortable by time', () => {
    const at = new Date('2026-12-01T13:04:05.678Z');
    const a = newDeployId(at);
    const b = newDeployId(at);
    expect(a).not.toBe(b);
    expect(a).toMatch(DEPLOY_ID);
    expect(a.slice(0, 19)).toBe('20261201-130405-678');
    expect(newDeployId(new Date('2026-12-01T13:04:05.679Z'), () => '000000') > newDeployId(at, () => 'ffffff')).toBe(true);
  });
  test('current is a relative symlink replaced whole; a real directory there is refused', () => {
    const target = temp();
    expect(currentDeployment(target)).toBeNull();
    switchCurrent(target, 'A');
    expect(readlinkSync(path.join(target, 'current'))).toBe('deployments/A');
    switchCurrent(target, 'B');
    expect(currentDeployment(target)).toBe('B');
    const other = temp();
    mkdirSync(path.join(other, 'current'));
    expect(() => switchCurrent(other, 'A')).toThrow(/is not a symlink/);
  });
});

describe('rollback goes to the passing deployment before the current one', () => {
  const rec = (deployment: string, verdict: HistoryRecord['verdict'], switched: boolean, action: HistoryRecord['action'] = 'deploy') =>
    ({ deployment, verdict, switched, action }) as HistoryRecord;
  const all = () => true;
  test('skips failed attempts and dry runs, and deployments no longer on disk', () => {
    const history = [rec('A', 'pass', true), rec('X', 'fail', false), rec('B', 'pass', true), rec('D', 'pass', false), rec('C', 'pass', true)];
    expect(rollbackTarget(history, 'C', all)).toBe('B');
    expect(rollbackTarget(history, 'C', (id) => id !== 'B')).toBe('A');
    expect(rollbackTarget(history, 'B', all)).toBe('A');
    expect(rollbackTarget(history, 'A', all)).toBeNull();
    expect(rollbackTarget([], null, all)).toBeNull();
  });
});

describe('the model registry', () => {
  test('records the run, the date and the picks per model; --best finds the pick for a use case', () => {
    const { report } = fixtureRun();
    const registry = mergeRun({ schemaVersion: 1, models: [] }, report);
    expect(registry.models).toHaveLength(1);
    expect(registry.models[0]).toMatchObject({ model: 'tiny', quant: 'Q4_K_M', lastTestedAt: report.finishedAt, lastRunId: report.runId, recommended: true, cells: ['tiny Q4_K_M t1', 'tiny Q4_K_M t2'] });
    expect(bestFor(registry, 'background')).toMatchObject({ entry: { model: 'tiny' }, pick: { cellId: T1.id, status: 'recommended' } });
    expect(bestFor(registry, 'accuracy')).toBeNull();
  });
  test('a later run that picks nothing clears the flag; an older run re-rendered later does not overwrite it', () => {
    const good = fixtureRun().report;
    const bad = { ...fixtureRun({ t1CpuMean: 45 }).report, runId: '20261202-120000-000000', finishedAt: '2026-12-02T12:05:00.000Z' };
    const after = mergeRun(mergeRun({ schemaVersion: 1, models: [] }, good), bad);
    expect(after.models[0]).toMatchObject({ recommended: false, lastRunId: bad.runId, recommendedFor: {} });
    expect(bestFor(after, 'background')).toBeNull();
    expect(mergeRun(after, good).models[0]!.lastRunId).toBe(bad.runId);
  });
});

describe('free disk space before a download', () => {
  test('the file and a margin of max(512 MiB, 5 %) must fit', () => {
    expect(marginFor(1000)).toBe(MARGIN_BYTES);
    expect(marginFor(20 * 2 ** 30)).toBe(2 ** 30);
    expect(diskSpaceProblem(2 ** 30, 2 ** 30 + MARGIN_BYTES, '/d')).toBeNull();
    expect(diskSpaceProblem(2 ** 30, 2 ** 30 + MARGIN_BYTES - 1, '/d')).toBe(
      'not enough free disk space in /d: the download needs 1.0 GiB plus a margin of 512 MiB (= 1.5 GiB), and 1.5 GiB is free; free 1 bytes there or choose another --output-dir',
    );
  });
  test('statfs is asked about the nearest existing directory, with bigint or number fields', () => {
    const dir = temp();
    const asked: string[] = [];
    const got = freeSpace(path.join(dir, 'not', 'yet'), (d) => {
      asked.push(d);
      return { bavail: 10n, bsize: 4096n };
    });
    expect(asked).toEqual([dir]);
    expect(got).toEqual({ dir, free: 40960 });
  });
});
