import { PRIORITY_PRESETS, type PriorityName } from '../config/schema.ts';

export interface ServerSpec {
  serverPath: string;
  modelPath: string;
  threads: number;
  ctx: number;
  priority: PriorityName;
  cpuAffinity: string | null;
  parallel: number;
  extraArgs: readonly string[];
}

export interface Platform {
  os: NodeJS.Platform;
  /** Commands available for wrapping: setpriv, nice, ionice, taskset. */
  has: (command: string) => boolean;
}

export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The full command line for one cell. Wrappers exec into each other, so the final pid is llama-server itself,
 * with its niceness, I/O class, affinity and parent-death signal already set.
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
  if (spec.cpuAffinity && platform.os === 'linux' && platform.has('taskset')) wrap.push('taskset', '-c', spec.cpuAffinity);
  const serverArgs = [
    '--model', spec.modelPath,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--threads', String(spec.threads),
    '--threads-batch', String(spec.threads),
    '--ctx-size', String(spec.ctx),
    '--parallel', String(spec.parallel),
    '--prio', String(preset.llamaPrio),
    '--no-webui',
    '--metrics',
    ...spec.extraArgs,
  ];
  const env: Record<string, string> = {};
  // Metal initialisation can hang on a Mac when no layers go to the GPU.
  if (platform.os === 'darwin' && !spec.extraArgs.some((a) => a === '-ngl' || a === '--n-gpu-layers' || a === '--gpu-layers')) {
    env.GGML_METAL_DISABLE = '1';
  }
  const [command, ...rest] = [...wrap, spec.serverPath, ...serverArgs];
  return { command: command!, args: rest, env };
}
