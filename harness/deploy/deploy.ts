// `npm run deploy`: a bundle checked, unpacked into <target>/deployments/<id>, started on a free loopback port,
// load-tested against its own budgets, and only when that passes made current (a symlink renamed into place). Every
// attempt leaves a history record; a deployment that is not switched to is removed again (models are large).
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { startServer } from '../llama/launch.ts';
import { withLock } from '../llama/lock.ts';
import { writeFileAtomic } from '../paths.ts';
import { stringify } from 'yaml';
import { openBundle, type OpenBundle } from './bundle.ts';
import { BundleError } from './checksums.ts';
import { unitContext, unitFiles } from './export.ts';
import { currentDeployment, DEPLOYMENTS_DIR, newDeployId, readHistory, rollbackTarget, switchCurrent, whoAmI, writeRecord, type HistoryRecord } from './history.ts';
import { loadTestConfig, runLoadTest } from './load-test.ts';
import { configBudgets } from './manifest.ts';
import { DEFAULT_BUDGETS } from '../budgets/defaults.ts';
import { specFromManifest } from './serve-spec.ts';
import { installText } from './units.ts';

export interface DeployOptions {
  bundle: string;
  target: string;
  dryRun: boolean;
  serverPath: string;
  repoRoot: string;
  nodePath: string;
  modelCacheDir: string;
  loadTimeoutMs: number;
  stopGraceMs: number;
  echo: (line: string) => void;
  /** Set by a Ctrl+C: the load test is stopped and the attempt recorded as an error. */
  onChild?: (kill: () => void) => void;
  now?: Date;
  /** The longest wait for another deploy or rollback on the same target (default 30 minutes). */
  lockWaitMs?: number;
}

/** A load test takes minutes; a second deploy to the same target waits for the first rather than fail. */
export const TARGET_LOCK_WAIT_MS = 30 * 60_000;
/** The lock one target's deploys and rollbacks take: without it two of them read the same `current`, both load-test,
 * and the second switch silently undoes the first (and its history record names the wrong previous deployment). */
export const targetLock = (target: string): string => path.join(path.resolve(target), '.deploy.lock');

function lockedOn<T>(target: string, what: string, echo: (line: string) => void, waitMs: number | undefined, fn: () => Promise<T>): Promise<T> {
  return withLock(targetLock(target), what, echo, fn, { maxWaitMs: waitMs ?? TARGET_LOCK_WAIT_MS, progressEveryMs: 30_000, pollMs: 200 });
}

export interface Outcome {
  record: HistoryRecord;
  /** 0 switched (or a dry run that passed), 1 the load test failed or errored, 2 the bundle was rejected. */
  exitCode: number;
}

const isArchive = (p: string) => /\.(tar\.gz|tgz)$/.test(p);

/** Unpacks an archive (plain files and folders only; absolute paths and ".." are refused) or copies a directory. */
async function unpack(bundle: string, into: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  if (statSync(bundle).isDirectory()) {
    // Symlinks are copied as links, and the checksum walk refuses them.
    cpSync(bundle, into, { recursive: true, verbatimSymlinks: true });
    return;
  }
  const refused: string[] = [];
  await tar.extract({
    file: bundle,
    cwd: into,
    strict: true,
    preservePaths: false,
    filter: (p, entry) => {
      const type = 'type' in entry ? entry.type : 'File';
      const ok = type === 'File' || type === 'OldFile' || type === 'Directory';
      if (!ok) refused.push(`${p} (${type})`);
      return ok;
    },
  });
  if (refused.length > 0) throw new BundleError(`the archive holds entries that are not plain files or folders: ${refused.join(', ')}`);
}

/** The gate the autobench timer reruns: the deployed cell launched from <target>/current, with the bundle's budgets. */
export function autobenchConfig(b: OpenBundle, target: string, repoRoot: string): Record<string, unknown> {
  const m = b.manifest;
  const modelPath = m.model.file ? path.join(target, 'current', m.model.file) : b.modelPath;
  // The load test's config without its remote target: here the harness launches the server itself, as in the run.
  const { target: _remote, ...local } = loadTestConfig({ manifest: m, modelPath, url: 'http://127.0.0.1', pid: 1, dir: target, repoRoot });
  const profiles = local.profiles as Record<string, Record<string, unknown>>;
  if (m.budgets.idle) profiles.idle = { budgets: configBudgets(m.budgets.idle, DEFAULT_BUDGETS.idle) };
  return { ...local, output: { dir: path.join(target, 'autobench-results') } };
}

export type ServiceFileOptions = Pick<DeployOptions, 'target' | 'nodePath' | 'repoRoot' | 'serverPath'>;

/** <target>/systemd/* and <target>/autobench.config.yaml for the deployment `current` points at. */
function writeServiceFiles(b: OpenBundle, o: ServiceFileOptions): void {
  const ctx = unitContext(b.manifest, o.target, o.nodePath, o.repoRoot);
  ctx.serverPath = o.serverPath;
  for (const [rel, text] of Object.entries(unitFiles(ctx))) writeFileAtomic(path.join(o.target, rel), text);
  writeFileAtomic(path.join(o.target, 'systemd', 'INSTALL.txt'), installText(o.target).replace(/systemd\//g, `${o.target}/systemd/`));
  writeFileAtomic(path.join(o.target, 'autobench.config.yaml'), stringify(autobenchConfig(b, o.target, o.repoRoot)));
}

export function deploy(o: DeployOptions): Promise<Outcome> {
  return lockedOn(o.target, `deploying to ${path.resolve(o.target)}`, o.echo, o.lockWaitMs, () => deployLocked(o));
}

async function deployLocked(o: DeployOptions): Promise<Outcome> {
  const now = o.now ?? new Date();
  const id = newDeployId(now);
  const target = path.resolve(o.target);
  const deployments = path.join(target, DEPLOYMENTS_DIR);
  const staging = path.join(deployments, `.staging-${id}`);
  const final = path.join(deployments, id);
  const previous = currentDeployment(target);
  const base: HistoryRecord = {
    id, action: 'deploy', at: now.toISOString(), by: whoAmI(), dryRun: o.dryRun,
    bundle: { name: path.basename(o.bundle).replace(/\.(tar\.gz|tgz)$/, ''), hash: null, source: path.resolve(o.bundle) },
    runId: null, cellId: null, verdict: 'rejected', reason: null, switched: false, previous, current: previous, deployment: id, loadTest: null,
  };
  const finish = (record: HistoryRecord, exitCode: number): Outcome => {
    writeRecord(target, record);
    return { record, exitCode };
  };

  let bundle: OpenBundle;
  try {
    o.echo(`deploy ${id}: ${isArchive(o.bundle) ? 'unpacking' : 'copying'} ${o.bundle} and verifying every checksum`);
    await unpack(o.bundle, staging);
    const opened = await openBundle(staging, { modelCacheDir: o.modelCacheDir, progress: o.echo });
    renameSync(staging, final);
    // The model's path moved with the directory when the bundle carries it.
    bundle = { ...opened, dir: final, modelPath: opened.manifest.model.file ? path.join(final, opened.manifest.model.file) : opened.modelPath };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    // Whatever stops a bundle from opening (a checksum, the archive, the manifest, the model) refuses it, with the cause.
    return finish({ ...base, deployment: null, reason: `bundle refused: ${(e as Error).message}` }, 2);
  }
  const m = bundle.manifest;
  const known = { ...base, bundle: { ...base.bundle!, name: m.name, hash: bundle.hash }, runId: m.run.id, cellId: m.cell.id };

  const workDir = path.join(target, 'loadtest', id);
  mkdirSync(workDir, { recursive: true });
  o.echo(`deploy ${id}: starting ${m.cell.id} from the bundle on 127.0.0.1 for the load test`);
  let record: HistoryRecord;
  try {
    const server = await startServer({ ...specFromManifest(m, bundle.modelPath, o.serverPath, {}), logFile: path.join(workDir, 'server.log'), loadTimeoutMs: o.loadTimeoutMs, stopGraceMs: o.stopGraceMs });
    try {
      o.echo(`deploy ${id}: llama-server pid ${server.pid} on ${server.baseUrl}; load test: interactive (quick) against the bundle's budgets`);
      const result = await runLoadTest({ manifest: m, modelPath: bundle.modelPath, url: server.baseUrl, pid: server.pid, dir: workDir, repoRoot: o.repoRoot }, o.echo, o.onChild);
      record = { ...known, verdict: result.verdict, reason: result.reason, loadTest: { exitCode: result.exitCode, resultsDir: result.resultsDir, failed: result.failed } };
    } finally {
      const stopped = await server.stop();
      o.echo(`deploy ${id}: load-test server stopped${stopped.killed ? ' (killed after the grace period)' : ''}`);
    }
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'ServerStartError') throw e;
    record = { ...known, verdict: 'error', reason: `the bundle's server did not start: ${e.message.split('\n')[0]}` };
  }

  if (record.verdict === 'pass' && !o.dryRun) {
    switchCurrent(target, id);
    writeServiceFiles(bundle, { ...o, target });
    return finish({ ...record, switched: true, current: id }, 0);
  }
  rmSync(final, { recursive: true, force: true });
  return finish(record, record.verdict === 'pass' ? 0 : 1);
}

/** Switches `current` back to the deployment before it (the last passing one still on disk), with a record. */
export function rollback(o: ServiceFileOptions & { modelCacheDir: string; lockWaitMs?: number }, echo: (line: string) => void, now = new Date()): Promise<Outcome> {
  return lockedOn(o.target, `rolling back ${path.resolve(o.target)}`, echo, o.lockWaitMs, () => rollbackLocked(o, echo, now));
}

async function rollbackLocked(o: ServiceFileOptions & { modelCacheDir: string }, echo: (line: string) => void, now: Date): Promise<Outcome> {
  const target = path.resolve(o.target);
  const { records } = readHistory(target);
  const current = currentDeployment(target);
  const to = rollbackTarget(records, current, (id) => existsSync(path.join(target, DEPLOYMENTS_DIR, id)));
  const id = newDeployId(now);
  const base: HistoryRecord = {
    id, action: 'rollback', at: now.toISOString(), by: whoAmI(), dryRun: false, bundle: null, runId: null, cellId: null,
    verdict: 'error', reason: null, switched: false, previous: current, current, deployment: to, loadTest: null,
  };
  if (to === null) {
    const record = { ...base, reason: `no earlier passing deployment to go back to (current: ${current ?? 'none'})` };
    writeRecord(target, record);
    return { record, exitCode: 1 };
  }
  const from = records.find((r) => r.deployment === to && r.action === 'deploy');
  // Checked again: a deployment that changed on disk since its deploy is not one to go back to.
  let bundle: OpenBundle;
  try {
    bundle = await openBundle(path.join(target, DEPLOYMENTS_DIR, to), { modelCacheDir: o.modelCacheDir, progress: echo });
  } catch (e) {
    const record = { ...base, reason: `deployment ${to} no longer passes its checks: ${(e as Error).message}` };
    writeRecord(target, record);
    return { record, exitCode: 1 };
  }
  switchCurrent(target, to);
  writeServiceFiles(bundle, { ...o, target });
  echo(`rollback: current now points at ${to}${from ? ` (${from.bundle?.name}, deployed ${from.at})` : ''}, was ${current ?? 'none'}`);
  const record: HistoryRecord = { ...base, verdict: 'pass', switched: true, current: to, bundle: from?.bundle ?? null, runId: from?.runId ?? null, cellId: from?.cellId ?? null };
  writeRecord(target, record);
  return { record, exitCode: 0 };
}
