import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { hostname as nodeHostname } from 'node:os';
import si from 'systeminformation';
import { formatAge } from './analysis/roofline.ts';
import { cachedBandwidth } from './bandwidth/cache.ts';
import type { MeasuredBandwidth } from './bandwidth/measure.ts';
import type { Budget } from './budgets/budget.ts';
import type { ProfileName } from './budgets/catalogue.ts';
import { ConfigError } from './config/errors.ts';
import { isRunId, newRunId, runIdProblem } from './run-id.ts';
import { configPathFromEnv, loadConfig } from './config/load.ts';
import { checkData } from './profiles/data-files.ts';
import type { BenchConfig } from './config/schema.ts';
import { quantizerFor, resolveLlama, type LlamaInstall } from './llama/resolve.ts';
import { expandMatrix } from './matrix/cells.ts';
import { orderCells } from './matrix/planner.ts';
import { modeRuns } from './matrix/run-state.ts';
import type { Cell } from './measurement/schema.ts';
import { ensureBuiltinModel, type ModelFile } from './models/builtin.ts';
import { sha256File } from './models/hash.ts';
import { fetchHubModel, isHubModel, modelDirOf } from './models/hub-models.ts';
import { estimateMemory, kvCacheTypes, type MemoryEstimate } from './models/memory.ts';
import { explainWriteError, writeFileAtomic } from './paths.ts';
import { hostCpu } from './sampler/host.ts';
import { readGpuFacts, type GpuFacts } from './sampler/gpu.ts';
import { isRemoteTarget } from './config/target-schema.ts';
import type { PlannedTarget } from './server/target.ts';
import { stderrProgress, type Progress } from './progress.ts';
import { inShard, shardFromEnv, type Shard } from './shard/shard.ts';
import { earlierPlan, reusableBandwidth, reusableModelFile, type Earlier } from './plan-reuse.ts';

export interface Host {
  cpu: string;
  cores: number;
  physicalCores: number;
  memoryGb: number;
  /** RAM available (MemAvailable) when the plan was made, in MB: the planner's memory limit. */
  availableMemoryMb?: number;
  os: string;
  kernel: string;
  arch: string;
  node: string;
  /** The machine's name (os.hostname()), so runs from several machines can be told apart. */
  hostname?: string;
  /** The host's GPUs (PCI display controllers), or `skipped` "no GPU"; the scoreboard carries it as `gpu`. */
  gpu?: GpuFacts;
}

export interface PlannedCell {
  cell: Cell;
  model: ModelFile;
  /** Predicted memory need, from the model's GGUF metadata at the cell's context (else file size × 1.2). */
  memory?: MemoryEstimate | null;
}

/** Everything a profile file needs, provided to the test files by the global setup (plain, serialisable data). */
export interface Plan {
  /** The machine's memory bandwidth for each cell's decode roofline: measured once per run, or kept from an earlier run on this machine (bandwidth/cache.ts, `cachedAgeS`); the reason when it failed. */
  bandwidth?: (MeasuredBandwidth & { error?: undefined }) | { error: string };
  runId: string;
  runDir: string;
  configFile: string;
  configHash: string;
  createdAt: string;
  host: Host;
  /** For a server started elsewhere: its version and commit as it reported them (source `remote`). */
  llama: LlamaInstall;
  /** The server measured; absent: a llama-server launched per cell (plans written before targets existed). */
  target?: PlannedTarget;
  config: BenchConfig;
  budgets: Record<ProfileName, Budget[]>;
  cells: PlannedCell[];
  /** `--shard i/n`: this run holds only the cells whose id hashes to shard i of n (`cellsTotal` of the whole matrix). */
  shard?: Shard & { cellsTotal: number };
}

// Re-exported: vitest.config.ts takes it from run-id.ts, so loading the config does not bundle this module's imports.
export { newRunId };

export function outputDir(config: BenchConfig, configFile: string, env = process.env): string {
  return path.resolve(env.BENCH_OUTPUT_DIR ?? path.resolve(path.dirname(configFile), config.output.dir));
}

export async function readHost(): Promise<Host> {
  const [cpu, mem, os] = await Promise.all([si.cpu(), si.mem(), si.osInfo()]);
  return {
    ...hostCpu(cpu),
    memoryGb: Math.round((mem.total / 2 ** 30) * 10) / 10,
    availableMemoryMb: Math.round(mem.available / 1e6),
    os: `${os.distro} ${os.release}`.trim(),
    kernel: os.kernel,
    arch: os.arch,
    node: process.version,
    hostname: nodeHostname(),
    gpu: readGpuFacts(),
  };
}

async function modelFileFor(config: BenchConfig, cell: Cell, llama: LlamaInstall, progress: Progress): Promise<ModelFile> {
  const model = config.models.find((m) => m.name === cell.model)!;
  const got = model.builtin
    ? await ensureBuiltinModel(model.builtin, cell.quant, quantizerFor(llama, progress), progress)
    : isHubModel(model)
      ? await fetchHubModel(model, cell.quant, { destDir: modelDirOf(config), progress })
      : await localModelFile(model.path ?? model.files![cell.quant]!);
  return { path: got.path, sha256: got.sha256, bytes: got.bytes, metadata: await metadataOf(got.path, got.bytes, progress) };
}

async function localModelFile(file: string): Promise<ModelFile> {
  return { path: file, sha256: await sha256File(file), bytes: statSync(file).size };
}

/** A file that is not GGUF is not bad input here: its cells fail when llama-server refuses it, and the run goes on. */
async function metadataOf(file: string, bytes: number, progress: Progress): Promise<ModelFile['metadata']> {
  try {
    // @huggingface/gguf and @huggingface/tasks (72 modules) load when a plan reads a model, not with every CLI that imports this file.
    const { readGgufMetadata } = await import('./models/metadata.ts');
    return await readGgufMetadata(file, bytes);
  } catch (e) {
    progress(`cannot read the GGUF metadata of ${file}: ${(e as Error).message}`);
    return null;
  }
}

async function measureBandwidth(earlierRun: Earlier | null, progress: Progress): Promise<Plan['bandwidth']> {
  const earlier = reusableBandwidth(earlierRun);
  if (earlier) return earlier;
  try {
    const bw = await cachedBandwidth({ progress });
    const kept = bw.cachedAgeS !== undefined ? `, measured ${formatAge(bw.cachedAgeS * 1000)} ago and kept in the cache` : '';
    progress(`memory bandwidth ${bw.gbPerSec.toFixed(1)} GB/s (${bw.kind === 'native' ? `native STREAM triad, ${bw.threads} thread(s)` : 'JavaScript fallback, one thread: a lower bound'}${kept}), for the decode roofline`);
    return bw;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Validates the input first (the config, and the data files of `profiles`, the profiles that will run): bad input
 * throws a ConfigError before anything exists. Then creates the run directory (checking it is writable), finds or
 * builds llama-server, makes or fetches the models the cells need and measures the memory bandwidth.
 */
export async function preparePlan(options: { configFile?: string; runId?: string; progress?: Progress; profiles?: readonly ProfileName[] } = {}): Promise<Plan> {
  const progress = options.progress ?? stderrProgress;
  const configFile = options.configFile ?? configPathFromEnv();
  const loaded = loadConfig(configFile);
  if (options.profiles) checkData(loaded, options.profiles);
  const runId = options.runId || process.env.BENCH_RUN_ID || newRunId();
  if (!isRunId(runId)) throw new ConfigError(configFile, [{ path: 'BENCH_RUN_ID', source: 'environment', message: runIdProblem(runId) }]);
  const runDir = path.join(outputDir(loaded.config, configFile), runId);
  // A server started elsewhere is checked and asked what it is before anything exists: one that does not answer
  // leaves no run directory behind.
  const remote = isRemoteTarget(loaded.config.target) ? await (await import('./server/prepare.ts')).prepareRemoteTarget(loaded, progress) : null;
  try {
    mkdirSync(runDir, { recursive: true });
    accessSync(runDir, constants.W_OK);
  } catch (e) {
    explainWriteError(path.join(runDir, 'plan.json'), e);
  }
  // A server started elsewhere: nothing to build, no model file to make or fetch, no roofline (its memory system
  // and file are not known here); what the server says it is stands for the llama.cpp build.
  // What every plan records of the run, whatever the server.
  const shard = shardFromEnv();
  const matrix = expandMatrix(loaded.config);
  const run = {
    runId,
    runDir,
    configFile,
    configHash: loaded.hash,
    config: loaded.config,
    budgets: loaded.budgets,
    ...(shard ? { shard: { ...shard, cellsTotal: matrix.length } } : {}),
  };
  // A shard makes (or fetches) only the model files of its own cells.
  const shardCells = matrix.filter((c) => inShard(c.id, shard));
  if (remote) {
    const { target, llama } = remote;
    const plan: Plan = {
      ...run,
      createdAt: new Date().toISOString(),
      bandwidth: { error: `not measured: ${target.url} was not started here, so its decode roofline is not known` },
      host: await readHost(),
      llama,
      target,
      cells: shardCells.map((cell) => ({ cell, model: { path: '', sha256: '', bytes: 0 }, memory: null })),
    };
    return writePlan(plan);
  }
  const [llama, host] = await Promise.all([resolveLlama(loaded.config.llama.server_path, progress), readHost()]);
  const cells = shardCells;
  const planned: PlannedCell[] = [];
  const files = new Map<string, ModelFile>();
  const kvCache = kvCacheTypes(loaded.config.llama.extra_args, process.env);
  const earlier = earlierPlan(runDir);
  for (const cell of cells) {
    // planner.mode quick skips other quantizations: their model files are neither made nor downloaded.
    if (!modeRuns(loaded.config, cell.quant)) {
      planned.push({ cell, model: { path: '', sha256: '', bytes: 0 }, memory: null });
      continue;
    }
    const key = `${cell.model}\0${cell.quant}`;
    if (!files.has(key)) files.set(key, reusableModelFile(earlier, cell, llama, configFile, loaded.config) ?? (await modelFileFor(loaded.config, cell, llama, progress)));
    const model = files.get(key)!;
    planned.push({ cell, model, memory: estimateMemory(model.bytes, model.metadata ?? null, cell.ctx, kvCache) });
  }
  const plan: Plan = {
    ...run,
    bandwidth: await measureBandwidth(earlier, progress),
    createdAt: new Date().toISOString(),
    host,
    llama,
    // The planner's traversal: by quantization (planner.quant_order), smaller models first.
    cells: loaded.config.planner.enabled ? orderCells(planned, loaded.config.planner.quant_order) : planned,
  };
  return writePlan(plan);
}

function writePlan(plan: Plan): Plan {
  writeFileAtomic(path.join(plan.runDir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}
