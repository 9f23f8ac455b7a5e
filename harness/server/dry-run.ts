// The dry run of a server started elsewhere: nothing to download, no model file, no memory to predict. It lists
// the target, its cells and, per profile, whether it runs or is skipped for a capability the target lacks. The
// server is not contacted: what only its answers tell (/metrics, timings through the OpenAI API) counts as absent.
import type { LoadedConfig } from '../config/load.ts';
import { isLoopbackHost, isRemoteTarget } from '../config/target-schema.ts';
import { expandMatrix } from '../matrix/cells.ts';
import { profileNeeds } from '../profiles/define-profile.ts';
import { settingsOf } from '../profiles/mode.ts';
import { profileOf, type ProfileName } from '../profiles/registry.ts';
import { describeMissing, missingCapabilities } from './capabilities.ts';
import { describeTarget, remoteCapabilities } from './target.ts';

export function renderRemoteDryRun(loaded: LoadedConfig, profiles: readonly ProfileName[], keeps?: (cellId: string) => boolean): string[] {
  const t = loaded.config.target;
  if (!isRemoteTarget(t)) throw new Error('renderRemoteDryRun: the target is a launched llama-server');
  const sampled = t.pid !== undefined || t.pid_file !== undefined;
  const caps = remoteCapabilities(t.kind, { name: t.kind === 'remote-llama' ? 'llama-server' : 'unknown', version: '', commit: null, reported: '', model: null, slots: null, ctx: null, metrics: false, notes: [] }, sampled, isLoopbackHost(new URL(t.url).hostname));
  const target = { kind: t.kind, url: t.url } as Parameters<typeof describeTarget>[0];
  const cells = expandMatrix(loaded.config).filter((c) => !keeps || keeps(c.id));
  const lines = [
    `target: ${describeTarget(target)}, started elsewhere (not contacted by the dry run): nothing is built, downloaded or launched`,
    sampled ? `CPU and RSS: sampled from ${t.pid !== undefined ? `pid ${t.pid}` : `the pid in ${t.pid_file}`}` : 'CPU and RSS: skipped (no pid given: target.pid, target.pid_file or --pid)',
    '',
    `cells (${cells.length}):`,
    ...cells.map((c) => `  ${c.id}`),
    '',
    'profiles:',
  ];
  for (const p of profiles) {
    const missing = missingCapabilities(profileNeeds(profileOf(p), settingsOf(loaded.config, p)), caps);
    lines.push(`  ${p}: ${missing.length === 0 ? 'runs' : `skipped: ${describeMissing(p, missing, describeTarget(target))}`}`);
  }
  return lines;
}
