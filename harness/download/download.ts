// `npm run download`: one hub file through the harness's downloader (HF cache reuse, resume, SHA-256 before it is put
// in place, size caps and deadlines), after a free-disk check made from the hub's announced size.
import { existsSync, statSync } from 'node:fs';
import { destPaths } from '../models/hub-cache.ts';
import { DownloadError, downloadHubFile, planDownloads, type DownloadOptions, type Downloaded, type HubFile } from '../models/hub.ts';
import { diskSpaceProblem, freeSpace, type StatFs } from './disk-space.ts';

/** The download would not fit: nothing was fetched. */
export class DiskSpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiskSpaceError';
  }
}

export async function downloadChecked(file: HubFile, opts: DownloadOptions, statfs?: StatFs): Promise<Downloaded & { plannedBytes: number | null }> {
  const [plan] = await planDownloads([file], opts);
  if (plan!.error) throw plan!.error;
  if (plan!.needed && plan!.bytes !== null) {
    const part = destPaths(opts.destDir, { repo: file.repo, file: file.file, revision: file.revision ?? 'main' }).part;
    const have = existsSync(part) ? Math.min(statSync(part).size, plan!.bytes) : 0;
    const { dir, free } = freeSpace(opts.destDir, statfs);
    const problem = diskSpaceProblem(plan!.bytes - have, free, dir);
    if (problem) throw new DiskSpaceError(problem);
  }
  const got = await downloadHubFile(file, opts);
  return { ...got, plannedBytes: plan!.bytes };
}

export { DownloadError };
