// What `serve` starts: llama-server settings from a bundle's manifest, a run's recommended cell, or a model path with
// the config's first matrix values; flags override each. Pure: the sources come in as data.
import os from 'node:os';
import { PRIORITY_PRESETS, type BenchConfig, type PriorityName } from '../config/schema.ts';
import type { ServerSpec } from '../llama/command.ts';
import type { Knobs } from '../measurement/schema.ts';
import type { Manifest } from './manifest.ts';

export interface ServeOverrides {
  threads?: number;
  ctx?: number;
  priority?: PriorityName;
  poll?: number;
  sleepIdleSeconds?: number;
}

/** Threads when nothing says: half the CPUs (at least one), so the server leaves room for everything else. */
export function autoThreads(cpus = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cpus / 2));
}

export const DEFAULT_CTX = 4096;
/** The low-priority default: nice 10 and best-effort I/O at its lowest level. */
export const DEFAULT_PRIORITY: PriorityName = 'nice10';

function finish(base: Omit<ServerSpec, 'serverPath'>, o: ServeOverrides, serverPath: string): ServerSpec {
  const knobs: Knobs = { ...(base.knobs ?? {}), ...(o.poll !== undefined ? { poll: o.poll } : {}) };
  // llama-server keeps the last value of a flag given twice, so the flag's value wins over the config's.
  const extraArgs = [...base.extraArgs, ...(o.sleepIdleSeconds !== undefined ? ['--sleep-idle-seconds', String(o.sleepIdleSeconds)] : [])];
  return {
    ...base,
    serverPath,
    threads: o.threads ?? base.threads,
    ctx: o.ctx ?? base.ctx,
    priority: o.priority ?? base.priority,
    extraArgs,
    knobs,
  };
}

export function specFromManifest(m: Manifest, modelPath: string, serverPath: string, o: ServeOverrides): ServerSpec {
  if (!(m.server.priority in PRIORITY_PRESETS)) throw new Error(`the manifest's priority "${m.server.priority}" is not one of: ${Object.keys(PRIORITY_PRESETS).join(', ')}`);
  const { id: _id, slug: _slug, model: _model, quant: _quant, threads: _t, ctx: _c, priority: _p, ...knobs } = m.cell;
  return finish(
    {
      modelPath,
      threads: m.server.threads,
      ctx: m.server.ctx,
      priority: m.server.priority as PriorityName,
      cpuAffinity: m.server.cpuAffinity,
      parallel: m.server.parallel,
      extraArgs: m.server.extraArgs,
      knobs,
    },
    o,
    serverPath,
  );
}

/** A model path alone: the config's first threads, context, priority and --poll when there is a config, else defaults. */
export function specFromModel(modelPath: string, config: BenchConfig | null, serverPath: string, o: ServeOverrides): ServerSpec {
  const matrix = config?.matrix;
  return finish(
    {
      modelPath,
      threads: matrix?.threads?.[0] ?? config?.llama.default_threads ?? autoThreads(),
      ctx: matrix?.ctx?.[0] ?? config?.llama.default_ctx_size ?? DEFAULT_CTX,
      priority: (matrix?.priority[0] as PriorityName | undefined) ?? DEFAULT_PRIORITY,
      cpuAffinity: config?.llama.cpu_affinity ?? null,
      parallel: config?.llama.parallel ?? 1,
      extraArgs: config?.llama.extra_args ?? [],
      knobs: matrix?.poll ? { poll: matrix.poll[0]! } : {},
    },
    o,
    serverPath,
  );
}
