// <target>/deployment_history/<id>.json: one record per attempt (deploy, dry run, rollback), written whole, never
// changed. <target>/current is a symlink to deployments/<id>, switched by renaming a new symlink over it, so a reader
// sees the old deployment or the new one, never neither.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../paths.ts';

export const HISTORY_DIR = 'deployment_history';
export const DEPLOYMENTS_DIR = 'deployments';
export const CURRENT = 'current';

export const historyRecordSchema = z.object({
  id: z.string(),
  action: z.enum(['deploy', 'rollback']),
  at: z.string(),
  by: z.string(),
  dryRun: z.boolean(),
  bundle: z.object({ name: z.string(), hash: z.string().nullable(), source: z.string() }).nullable(),
  runId: z.string().nullable(),
  cellId: z.string().nullable(),
  /** `rejected`: the bundle failed its checks (checksums, manifest, model); `fail`: the load test missed a budget. */
  verdict: z.enum(['pass', 'fail', 'error', 'rejected']),
  reason: z.string().nullable(),
  switched: z.boolean(),
  /** The deployment `current` pointed at before this attempt, and after it. */
  previous: z.string().nullable(),
  current: z.string().nullable(),
  /** The deployment this attempt unpacked (removed again unless it was switched to; null when the bundle was refused), or a rollback went to. */
  deployment: z.string().nullable(),
  loadTest: z.object({ exitCode: z.number().nullable(), resultsDir: z.string(), failed: z.array(z.string()) }).nullable(),
});
export type HistoryRecord = z.infer<typeof historyRecordSchema>;

/**
 * `YYYYMMDD-HHMMSS-mmm-<6 hex>` in UTC: sortable by time to the millisecond, and the random part keeps two deploys
 * in the same millisecond apart.
 */
export function newDeployId(now = new Date(), random: () => string = () => randomBytes(3).toString('hex')): string {
  const iso = now.toISOString(); // 2026-12-01T13:04:05.678Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}-${random()}`;
}

export const DEPLOY_ID = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{6}$/;

export function whoAmI(): string {
  let user = process.env.USER ?? process.env.LOGNAME ?? '';
  try {
    user ||= os.userInfo().username;
  } catch {
    user ||= 'unknown';
  }
  return `${user}@${os.hostname()}`;
}

export function writeRecord(target: string, record: HistoryRecord): string {
  const file = path.join(target, HISTORY_DIR, `${record.id}.json`);
  writeFileAtomic(file, `${JSON.stringify(historyRecordSchema.parse(record), null, 2)}\n`);
  return file;
}

/** Every record, oldest first; an unreadable file is skipped (it is reported by --history as such). */
export function readHistory(target: string): { records: HistoryRecord[]; unreadable: string[] } {
  const dir = path.join(target, HISTORY_DIR);
  const records: HistoryRecord[] = [];
  const unreadable: string[] = [];
  if (!existsSync(dir)) return { records, unreadable };
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      records.push(historyRecordSchema.parse(JSON.parse(readFileSync(path.join(dir, name), 'utf8'))));
    } catch {
      unreadable.push(name);
    }
  }
  return { records, unreadable };
}

/** The deployment id `current` points at, or null when there is none yet. */
export function currentDeployment(target: string): string | null {
  const link = path.join(target, CURRENT);
  let st;
  try {
    st = lstatSync(link);
  } catch {
    return null;
  }
  if (!st.isSymbolicLink()) throw new Error(`${link} exists and is not a symlink: move it away (deploy switches a symlink there)`);
  return path.basename(readlinkSync(link));
}

/** Points `current` at deployments/<id> atomically: a new relative symlink, renamed over the old one. */
export function switchCurrent(target: string, id: string): void {
  currentDeployment(target); // refuses a `current` that is not a symlink before anything changes
  const tmp = path.join(target, `.${CURRENT}-${id}-${randomBytes(3).toString('hex')}`);
  symlinkSync(path.join(DEPLOYMENTS_DIR, id), tmp);
  try {
    renameSync(tmp, path.join(target, CURRENT));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Where --rollback goes: among the deployments a passing deploy switched to (in order), the last one before the
 * current one whose directory is still there. Null when there is none.
 */
export function rollbackTarget(records: readonly HistoryRecord[], current: string | null, exists: (id: string) => boolean): string | null {
  const passing = records.filter((r) => r.action === 'deploy' && r.switched && r.verdict === 'pass' && r.deployment).map((r) => r.deployment!);
  const at = current === null ? -1 : passing.lastIndexOf(current);
  const before = at === -1 ? passing : passing.slice(0, at);
  for (const id of [...before].reverse()) if (id !== current && exists(id)) return id;
  return null;
}
