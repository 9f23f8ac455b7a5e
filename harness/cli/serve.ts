#!/usr/bin/env node
// `npm run serve -- --model PATH | --from-run RUN-ID [--use-case NAME | --cell ID] | --bundle DIR [--port N] …`
// (or `MODEL_PATH=… npm run serve`): llama-server on 127.0.0.1 with the project's low-priority defaults, for a model
// file, a run's recommended cell or a deployed bundle. Prints the exact command line and the URL, and on Ctrl+C
// (SIGINT, SIGTERM, SIGHUP) stops the server's whole process group before exiting: no orphan llama-server.
import path from 'node:path';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import { PRIORITY_PRESETS, type PriorityName } from '../config/schema.ts';
import { BundleError } from '../deploy/checksums.ts';
import { openBundle } from '../deploy/bundle.ts';
import { buildManifest } from '../deploy/export.ts';
import { chooseCell, DEFAULT_USE_CASE, readRunFiles, USE_CASE_IDS } from '../deploy/run-files.ts';
import { specFromManifest, specFromModel, type ServeOverrides } from '../deploy/serve-spec.ts';
import { execWord } from '../deploy/units.ts';
import { ServerStartError, startServer, logTail } from '../llama/launch.ts';
import { resolveLlama } from '../llama/resolve.ts';
import { ToolchainError } from '../llama/toolchain.ts';
import { defaultModelDir } from '../models/hub-models.ts';
import { stderrProgress } from '../progress.ts';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { portProblem } from './port.ts';
import { runDirFor, runsDir } from './run-dir.ts';
import { runCommand, type CommandLine } from './run-cli.ts';

const FLAGS = {
  model: { type: 'string', value: 'PATH' },
  'from-run': { type: 'string', value: 'RUN-ID' },
  'use-case': { type: 'string', value: 'NAME' },
  cell: { type: 'string', value: 'CELL-ID' },
  bundle: { type: 'string', value: 'DIR' },
  port: { type: 'string', value: 'PORT' },
  threads: { type: 'string', value: 'N' },
  ctx: { type: 'string', value: 'TOKENS' },
  priority: { type: 'string', value: 'NAME' },
  poll: { type: 'string', value: '0-100' },
  'sleep-idle-seconds': { type: 'string', value: 'S' },
  log: { type: 'string', value: 'FILE' },
  config: { type: 'string', value: 'FILE' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

export const DEFAULT_SERVE_PORT = 8080;
const PRIORITIES = Object.keys(PRIORITY_PRESETS);

const HELP = `usage: npm run serve -- (--model PATH | --from-run RUN-ID [--use-case NAME | --cell ID] | --bundle DIR)
                         [--port PORT] [--threads N] [--ctx TOKENS] [--priority NAME] [--poll 0-100]
                         [--sleep-idle-seconds S] [--log FILE] [--config FILE]
       MODEL_PATH=FILE npm run serve

  --model PATH      a GGUF file; threads, context, priority and --poll from the config's first matrix values
                    (threads: half the CPUs, context ${4096}, priority nice10 without a config); also MODEL_PATH
  --from-run ID     the recommended cell of a run (--use-case: ${USE_CASE_IDS.join(', ')}; default ${DEFAULT_USE_CASE})
  --cell ID         with --from-run: this cell of the run instead of the recommendation
  --bundle DIR      a bundle directory (an export, or <target>/current after npm run deploy); checksums verified
  --port PORT       on 127.0.0.1 (default ${DEFAULT_SERVE_PORT}; 0: any free port)
  --threads N, --ctx TOKENS, --priority ${PRIORITIES.join('|')}, --poll 0-100, --sleep-idle-seconds S
                    override the settings the source gives
  --log FILE        llama-server's output (default: <output.dir>/serve/serve-<time>.log)
  --config FILE     for llama.server_path, output.dir and the --model defaults (default: $BENCH_CONFIG, else ./bench.config.yaml)

Stops on Ctrl+C (SIGINT), SIGTERM or SIGHUP with the server's whole process group.
Exit codes: 0 stopped on request, 1 the server exited by itself or failed to start, 2 bad input, 3 crash.`;


function intFlag(flag: string, text: string | undefined, min: number, max: number, problems: ConfigProblem[]): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    problems.push(cl(flag, `got "${text}", expected a whole number from ${min} to ${max}`));
    return undefined;
  }
  return n;
}

async function main({ values: v, problems }: CommandLine<typeof FLAGS>): Promise<number> {
  const envModel = process.env.MODEL_PATH;
  const modelArg = v.model ?? (v['from-run'] === undefined && v.bundle === undefined && envModel ? envModel : undefined);
  const modelFlag = v.model !== undefined ? '--model' : 'MODEL_PATH';
  const sources = [modelArg !== undefined, v['from-run'] !== undefined, v.bundle !== undefined].filter(Boolean).length;
  if (sources === 0) problems.push(cl('--model', 'what to serve is missing; expected one of --model PATH (or MODEL_PATH), --from-run RUN-ID, --bundle DIR'));
  if (sources > 1) problems.push(cl(v.bundle !== undefined ? '--bundle' : '--from-run', 'expected one of --model, --from-run, --bundle, not several'));
  if ((v['use-case'] !== undefined || v.cell !== undefined) && v['from-run'] === undefined) problems.push(cl(v.cell !== undefined ? '--cell' : '--use-case', 'applies to --from-run only'));
  if (v['use-case'] !== undefined && v.cell !== undefined) problems.push(cl('--cell', 'expected --use-case or --cell, not both'));
  if (v['use-case'] !== undefined && !USE_CASE_IDS.includes(v['use-case'])) problems.push(cl('--use-case', `got "${v['use-case']}", expected one of: ${USE_CASE_IDS.join(', ')}`));
  if (v.priority !== undefined && !PRIORITIES.includes(v.priority)) problems.push(cl('--priority', `got "${v.priority}", expected one of: ${PRIORITIES.join(', ')}`));
  if (v.port !== undefined) {
    const why = portProblem(v.port, true);
    if (why) problems.push(cl('--port', why));
  }
  const overrides: ServeOverrides = {};
  const threads = intFlag('--threads', v.threads, 1, 512, problems);
  const ctx = intFlag('--ctx', v.ctx, 1, 2 ** 31 - 1, problems);
  const poll = intFlag('--poll', v.poll, 0, 100, problems);
  const sleepIdle = intFlag('--sleep-idle-seconds', v['sleep-idle-seconds'], 1, 2 ** 31 - 1, problems);
  if (threads !== undefined) overrides.threads = threads;
  if (ctx !== undefined) overrides.ctx = ctx;
  if (poll !== undefined) overrides.poll = poll;
  if (sleepIdle !== undefined) overrides.sleepIdleSeconds = sleepIdle;
  if (v.priority !== undefined && PRIORITIES.includes(v.priority)) overrides.priority = v.priority as PriorityName;
  if (modelArg !== undefined && !(existsSync(modelArg) && statSync(modelArg).isFile())) problems.push(cl(modelFlag, `${modelArg} is not a file; expected a GGUF model file`));
  if (v.bundle !== undefined && !(existsSync(v.bundle) && statSync(v.bundle).isDirectory())) problems.push(cl('--bundle', `${v.bundle} is not a directory; expected a bundle directory (npm run export) or <target>/current`));
  const runs = runsDir(v.config, problems);
  const runDir = v['from-run'] !== undefined && !problems.some((p) => p.source !== 'command line') ? runDirFor('--from-run', v['from-run'], runs.dir, problems) : null;
  let run = null;
  if (runDir && problems.length === 0) {
    try {
      run = readRunFiles(runDir);
      chooseCell(run, v['use-case'] ?? DEFAULT_USE_CASE, v.cell ?? null);
    } catch (e) {
      problems.push(cl(v.cell !== undefined ? '--cell' : '--from-run', (e as Error).message));
    }
  }
  let bundle = null;
  if (v.bundle !== undefined && problems.length === 0) {
    try {
      // The deployment itself, not <target>/current: a later switch must not change the files under a running server.
      bundle = await openBundle(realpathSync(v.bundle), { modelCacheDir: runs.loaded?.config.model_dir ?? defaultModelDir(), progress: stderrProgress });
    } catch (e) {
      if (!(e instanceof BundleError)) throw e;
      problems.push(cl('--bundle', e.message));
    }
  }
  if (problems.length > 0) throw new ConfigError(runs.configFile, problems);

  const config = runs.loaded?.config ?? null;
  const llama = await resolveLlama(config?.llama.server_path ?? null, stderrProgress);
  let spec;
  let what: string;
  if (bundle) {
    spec = specFromManifest(bundle.manifest, bundle.modelPath, llama.serverPath, overrides);
    what = `bundle ${bundle.manifest.name} (cell ${bundle.manifest.cell.id})`;
  } else if (run) {
    const m = buildManifest(run, { useCase: v['use-case'] ?? DEFAULT_USE_CASE, cellId: v.cell ?? null, noModel: true, port: 1 }, new Date());
    spec = specFromManifest(m, m.model.sourcePath, llama.serverPath, overrides);
    what = `${m.selection === 'chosen' ? 'cell' : `the ${m.selection} cell for ${m.useCase}:`} ${m.cell.id} of run ${m.run.id}`;
  } else {
    spec = specFromModel(path.resolve(modelArg!), config, llama.serverPath, overrides);
    what = path.resolve(modelArg!);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logFile = path.resolve(v.log ?? path.join(runs.dir, 'serve', `serve-${stamp}.log`));
  const port = v.port === undefined ? DEFAULT_SERVE_PORT : Number(v.port);
  stderrProgress(`starting llama-server ${llama.version} (${llama.commit}) for ${what}`);
  let stopping = false;
  let server;
  try {
    server = await startServer(
      { ...spec, logFile, loadTimeoutMs: (config?.llama.load_timeout_s ?? 300) * 1000, stopGraceMs: (config?.llama.stop_grace_s ?? 5) * 1000 },
      port === 0 ? undefined : port,
    );
  } catch (e) {
    if (!(e instanceof ServerStartError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 1;
  }
  const s = server;
  // The handlers go in before the announcement: a caller that stops serve as soon as it reads "serving on" must find
  // them (announcing first lost that race 2 times in 3 on 2 cores: serve died of the default SIGTERM action).
  const stopped = new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal}: stopping llama-server (pid ${s.pid})\n`);
      void s.stop().then((r) => {
        process.stderr.write(`llama-server stopped${r.killed ? ' (killed after the grace period)' : ''}\n`);
        resolve(0);
      });
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
    void s.exited.then((e) => {
      if (stopping) return;
      process.stderr.write(`llama-server exited by itself (exit code ${e.exitCode}, signal ${e.signal}); last lines of ${logFile}:\n${logTail(logFile)}\n`);
      resolve(1);
    });
  });
  process.stdout.write(
    [`command: ${s.commandLine.map(execWord).join(' ')}`, `log:     ${logFile}`, `pid:     ${s.pid}`, `serving on ${s.baseUrl} (Ctrl+C stops it)`, ''].join('\n'),
  );
  return stopped;
}

runCommand('serve', { flags: FLAGS, help: HELP, errors: { badInput: [ToolchainError] } }, main);
