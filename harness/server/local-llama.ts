// local-llama: one llama-server per cell, launched here on 127.0.0.1 (harness/llama/launch.ts), watched for exits and
// SIGSTOP, asked for /health after the workload, stopped at the end. The behaviour the harness always had.
import { startServer, type RunningServer } from '../llama/launch.ts';
import { checkAnswers, watchServer } from '../llama/liveness.ts';
import { separateLogs } from '../llama/server-log.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import type { ServerBackend, ServerHandle, ServerOverrides } from './backend.ts';
import { CapabilityError } from './errors.ts';
import { llamaMetrics, parsePrometheus } from './prometheus.ts';
import { localCapabilities } from './target.ts';
import { httpGet } from './probe.ts';

function handleOf(s: RunningServer): ServerHandle {
  return { baseUrl: s.baseUrl, port: s.port, pid: s.pid, logFile: s.logFile, loadMs: s.loadMs };
}

export function localLlamaBackend(plan: Plan, planned: PlannedCell, options: { logFile: string; overrides: ServerOverrides }): ServerBackend {
  const { llama } = plan.config;
  let server: RunningServer | null = null;
  const capabilities = new Set(localCapabilities(llama.extra_args));
  const launch = (o: ServerOverrides) =>
    startServer({
      serverPath: plan.llama.serverPath,
      modelPath: planned.model.path,
      threads: planned.cell.threads,
      ctx: planned.cell.ctx,
      priority: planned.cell.priority as never,
      cpuAffinity: llama.cpu_affinity,
      parallel: o.parallel ?? llama.parallel,
      extraArgs: [...llama.extra_args, ...(o.extraArgs ?? [])],
      knobs: planned.cell,
      // server.log → server.stdout.log and server.stderr.log
      logFile: separateLogs(options.logFile),
      loadTimeoutMs: llama.load_timeout_s * 1000,
      stopGraceMs: llama.stop_grace_s * 1000,
    });
  const stopServer = async (): Promise<string | null> => {
    const s = server;
    server = null;
    if (!s) return null;
    const stopped = await s.stop();
    if (stopped.wasStopped) return `llama-server was stopped (SIGSTOP) when the cell ended: continued and ${stopped.killed ? 'killed' : 'terminated'}`;
    if (stopped.killed) return `llama-server ignored SIGTERM for ${llama.stop_grace_s} s and was killed`;
    return null;
  };
  return {
    kind: 'local-llama',
    capabilities,
    facts: { name: 'llama-server', version: plan.llama.version, commit: plan.llama.commit, reported: `${plan.llama.version} (${plan.llama.commit})` },
    label: 'llama-server',
    noProcess: null,
    processNote: null,
    async start() {
      server = await launch(options.overrides);
      return handleOf(server);
    },
    current: () => (server ? handleOf(server) : null),
    async relaunch(o) {
      if (!capabilities.has('relaunch')) throw new CapabilityError('this llama-server cannot be relaunched');
      await stopServer();
      server = await launch({ ...options.overrides, ...o });
      return handleOf(server);
    },
    stop: stopServer,
    watch(onLost) {
      if (!server) return { release: () => {} };
      return watchServer(server, onLost);
    },
    checkAnswers: () => (server ? checkAnswers(server) : Promise.resolve(null)),
    async serverCounters() {
      if (!server || !capabilities.has('metrics')) return null;
      try {
        const r = await httpGet(`${server.baseUrl}/metrics`, {});
        return r.status === 200 ? llamaMetrics(parsePrometheus(r.text)) : null;
      } catch {
        return null;
      }
    },
    describeReady: () => (server ? `llama-server pid ${server.pid} ready on ${server.baseUrl} after ${(server.loadMs / 1000).toFixed(1)} s` : 'llama-server not started'),
  };
}
