import { PRIORITY_PRESETS, type PriorityName } from '../config/schema.ts';
import type { Knobs } from '../measurement/schema.ts';

export interface ServerSpec {
  serverPath: string;
  modelPath: string;
  threads: number;
  ctx: number;
  priority: PriorityName;
  cpuAffinity: string | null;
  parallel: number;
  extraArgs: readonly string[];
  /** Matrix knobs of the cell; an absent knob leaves llama-server's default. */
  knobs?: Knobs;
}

/** llama-server flags for the cell's knobs (mlock and mmap together choose its --load-mode). */
export function knobArgs(knobs: Knobs): string[] {
  const args: string[] = [];
  if (knobs.poll !== undefined) args.push('--poll', String(knobs.poll));
  if (knobs.batch_size !== undefined) args.push('--batch-size', String(knobs.batch_size));
  if (knobs.ubatch_size !== undefined) args.push('--ubatch-size', String(knobs.ubatch_size));
  if (knobs.flash_attn !== undefined) args.push('--flash-attn', knobs.flash_attn);
  if (knobs.mlock !== undefined || knobs.mmap !== undefined) {
    const mmap = knobs.mmap ?? true;
    const mlock = knobs.mlock ?? false;
    args.push('--load-mode', mlock ? (mmap ? 'mmap+mlock' : 'mlock') : mmap ? 'mmap' : 'none');
  }
  return args;
}

/**
 * What the harness sets for every server: the cell's model, threads, context, slots and priority, loopback only on
 * the chosen port, no web UI, metrics on, and offline (llama.cpp downloads nothing, whatever else it was told).
 */
export function fixedArgs(spec: ServerSpec, port: number, llamaPrio: number): string[] {
  return [
    '--model', spec.modelPath,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--threads', String(spec.threads),
    '--threads-batch', String(spec.knobs?.threads_batch ?? spec.threads),
    '--ctx-size', String(spec.ctx),
    '--parallel', String(spec.parallel),
    '--prio', String(llamaPrio),
    '--no-webui',
    '--metrics',
    '--offline',
  ];
}

export interface Platform {
  os: NodeJS.Platform;
  /** Commands available for wrapping: setpriv, nice, ionice, chrt, taskset. */
  has: (command: string) => boolean;
}

export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The full command line for one cell. Wrappers exec into each other, so the final pid is llama-server itself,
 * with its niceness, I/O class, scheduling policy, affinity and parent-death signal already set (threads inherit them).
 */
export function serverCommand(spec: ServerSpec, port: number, platform: Platform): ServerCommand {
  const preset = PRIORITY_PRESETS[spec.priority];
  const wrap: string[] = [];
  if (platform.os === 'linux' && platform.has('setpriv')) wrap.push('setpriv', '--pdeathsig', 'KILL', '--');
  if (preset.nice !== 0) wrap.push('nice', '-n', String(preset.nice));
  if (preset.ionice && platform.os === 'linux' && platform.has('ionice')) {
    wrap.push('ionice', '-c', String(preset.ionice.class));
    if (preset.ionice.level !== null) wrap.push('-n', String(preset.ionice.level));
  }
  // SCHED_IDLE is the point of this priority: without chrt the cell would silently run as another one.
  if (preset.schedIdle) {
    if (platform.os !== 'linux') throw new Error(`priority ${spec.priority} needs Linux (SCHED_IDLE); this is ${platform.os}`);
    if (!platform.has('chrt')) throw new Error(`priority ${spec.priority} needs chrt (util-linux) to set SCHED_IDLE; it is not on PATH`);
    wrap.push('chrt', '--idle', '0');
  }
  const affinity = spec.knobs?.affinity ?? spec.cpuAffinity;
  if (affinity && platform.os === 'linux' && platform.has('taskset')) wrap.push('taskset', '-c', affinity);
  // llama.cpp keeps the last value of a flag given twice, so the fixed arguments come last: even an extra argument
  // that slipped past the config's refusals (llama.extra_args) cannot re-bind the server, re-enable the web UI or
  // make it fetch a model. A profile's own extra arguments (wake's --poll) come after the cell's knobs.
  const serverArgs = [...knobArgs(spec.knobs ?? {}), ...spec.extraArgs, ...fixedArgs(spec, port, preset.llamaPrio)];
  const env: Record<string, string> = {};
  // Metal initialisation can hang on a Mac when no layers go to the GPU.
  if (platform.os === 'darwin' && !spec.extraArgs.some((a) => a === '-ngl' || a === '--n-gpu-layers' || a === '--gpu-layers')) {
    env.GGML_METAL_DISABLE = '1';
  }
  const [command, ...rest] = [...wrap, spec.serverPath, ...serverArgs];
  return { command: command!, args: rest, env };
}
