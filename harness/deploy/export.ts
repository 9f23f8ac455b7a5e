// `npm run export`: a finished run's chosen cell as a bundle directory and a .tar.gz. Everything is written into a
// temporary directory beside the destination and renamed into place whole, so a bundle is either complete (with
// its SHA256SUMS) or absent; the archive likewise.
import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { countVerdicts } from '../report/model.ts';
import { writeFileAtomic } from '../paths.ts';
import { listFiles, writeChecksums, bundleHash } from './checksums.ts';
import { resourceLimits } from './limits.ts';
import { budgetsBlock, MANIFEST_FILE, MODEL_DIR, type Manifest } from './manifest.ts';
import { registryEntry } from './registry.ts';
import { chooseCell, type RunFiles, type RunPlan } from './run-files.ts';
import { AUTOBENCH_SERVICE, AUTOBENCH_TIMER, autobenchService, autobenchTimer, DEFAULT_TARGET, execWord, installText, SERVER_UNIT, serverArgs, serverUnit, type UnitContext } from './units.ts';

export const DEFAULT_PORT = 8080;

export interface ExportOptions {
  useCase: string;
  cellId: string | null;
  noModel: boolean;
  outDir: string;
  port: number;
  nodePath: string;
  repoRoot: string;
  now?: Date;
}

export interface Exported {
  dir: string;
  archive: string;
  manifest: Manifest;
  hash: string;
}

/** The manifest for the chosen cell: pure over the run's files. */
export function buildManifest(run: RunFiles, options: Pick<ExportOptions, 'useCase' | 'cellId' | 'noModel' | 'port'>, now: Date): Manifest {
  const chosen = chooseCell(run, options.useCase, options.cellId);
  const { plan, report } = run;
  const planned = plan.cells.find((c) => c.cell.id === chosen.cellId);
  if (!planned) throw new Error(`plan.json of run ${report.runId} has no cell "${chosen.cellId}"`);
  const model = plan.config.models.find((m) => m.name === planned.cell.model);
  const hubFile = model?.repo ? model.files?.[planned.cell.quant] : undefined;
  const hub = model?.repo && hubFile ? { repo: model.repo, file: hubFile, revision: model.revision ?? 'main' } : null;
  const profiles = chosen.reports.map((r) => r.profile).sort();
  const interactive = plan.config.profiles.interactive;
  return {
    schemaVersion: 1,
    name: `${planned.cell.slug}-${report.runId}`,
    createdAt: now.toISOString(),
    run: { id: report.runId, createdAt: report.createdAt, configFile: plan.configFile, configHash: plan.configHash },
    useCase: chosen.useCase,
    selection: chosen.selection,
    score: chosen.score,
    reasons: chosen.reasons,
    cell: planned.cell,
    model: {
      name: planned.cell.model,
      quant: planned.cell.quant,
      file: options.noModel ? null : `${MODEL_DIR}/${path.basename(planned.model.path)}`,
      sha256: planned.model.sha256,
      bytes: planned.model.bytes,
      sourcePath: planned.model.path,
      hub,
    },
    server: {
      threads: planned.cell.threads,
      ctx: planned.cell.ctx,
      priority: planned.cell.priority,
      parallel: plan.config.llama.parallel,
      extraArgs: [...plan.config.llama.extra_args],
      cpuAffinity: plan.config.llama.cpu_affinity,
      port: options.port,
    },
    budgets: Object.fromEntries(profiles.map((p) => [p, budgetsBlock(plan.budgets[p] ?? [])])),
    evidence: Object.fromEntries(chosen.reports.map((r) => [r.profile, r.verdicts])),
    loadTest: { warmup: interactive.warmup, repetitions: interactive.repetitions, max_tokens: interactive.max_tokens, request_timeout_s: interactive.request_timeout_s },
    llama: { version: plan.llama.version, commit: plan.llama.commit, serverPath: plan.llama.serverPath },
    host: hostFigures(plan.host),
  };
}

/** The manifest keeps the host's figures and names (cores, memory, CPU model, host name), not the GPU facts object. */
function hostFigures(host: RunPlan['host']): Manifest['host'] {
  return Object.fromEntries(Object.entries(host).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'));
}

export function unitContext(manifest: Manifest, target: string, nodePath: string, repoRoot: string): UnitContext {
  const verdicts = Object.values(manifest.evidence).flat();
  const cores = typeof manifest.host.cores === 'number' ? manifest.host.cores : 1;
  return { manifest, limits: resourceLimits(verdicts, manifest.server.priority, cores), serverPath: manifest.llama.serverPath, target, nodePath, repoRoot };
}

/** The unit files for `target`, by bundle-relative path. */
export function unitFiles(ctx: UnitContext): Record<string, string> {
  return {
    [`systemd/${SERVER_UNIT}`]: serverUnit(ctx),
    [`systemd/${AUTOBENCH_SERVICE}`]: autobenchService(ctx),
    [`systemd/${AUTOBENCH_TIMER}`]: autobenchTimer(),
  };
}

/** The llama-server command line of the bundle, run from the bundle's directory (model path relative to it). */
export function commandText(m: Manifest): string {
  const modelPath = m.model.file ?? m.model.sourcePath;
  return `${[m.llama.serverPath, ...serverArgs(m, modelPath)].map(execWord).join(' ')}\n`;
}

export async function exportBundle(run: RunFiles, options: ExportOptions): Promise<Exported> {
  const now = options.now ?? new Date();
  const manifest = buildManifest(run, options, now);
  mkdirSync(options.outDir, { recursive: true });
  const dir = path.join(options.outDir, manifest.name);
  const archive = `${dir}.tar.gz`;
  if (existsSync(dir) || existsSync(archive)) throw new Error(`${existsSync(dir) ? dir : archive} already exists: a bundle of this cell and run was exported before (remove it to export again)`);
  const staging = mkdtempSync(path.join(options.outDir, `.${manifest.name}.tmp-`));
  try {
    const write = (rel: string, text: string) => writeFileAtomic(path.join(staging, rel), text);
    write(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    if (manifest.model.file) {
      mkdirSync(path.join(staging, MODEL_DIR), { recursive: true });
      // A reflink where the filesystem offers one (a model can be gigabytes), else a plain copy.
      copyFileSync(manifest.model.sourcePath, path.join(staging, manifest.model.file), constants.COPYFILE_FICLONE);
    }
    write('llama-server.command', commandText(manifest));
    write('registry_entry.json', `${JSON.stringify(registryEntry(manifest, run.report.finishedAt), null, 2)}\n`);
    const { report } = run;
    const summary = {
      runId: report.runId,
      createdAt: report.createdAt,
      finishedAt: report.finishedAt,
      partial: report.partial,
      counts: countVerdicts(report.cells),
      recommendations: report.decisions?.recommendations ?? [],
      cells: report.cells.filter((c) => c.cell.id === manifest.cell.id),
    };
    write('run-summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    for (const [rel, text] of Object.entries(unitFiles(unitContext(manifest, DEFAULT_TARGET, options.nodePath, options.repoRoot)))) write(rel, text);
    write('INSTALL.txt', installText(DEFAULT_TARGET));
    await writeChecksums(staging);
    chmodSync(staging, 0o755); // mkdtemp made it private; a bundle is as readable as the files in it
    renameSync(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const tmpArchive = `${archive}.${process.pid}.tmp`;
  try {
    await tar.create({ gzip: true, file: tmpArchive, cwd: dir, portable: true }, listFiles(dir));
    renameSync(tmpArchive, archive);
  } catch (e) {
    rmSync(tmpArchive, { force: true });
    throw e;
  }
  return { dir, archive, manifest, hash: bundleHash(dir) };
}
