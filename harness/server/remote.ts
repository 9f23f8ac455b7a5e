// remote-llama and remote-openai: a server started elsewhere, at the target URL. Nothing is launched, relaunched or
// signalled: the cell registers what the URL speaks (and its API key) with the client, checks the server answers,
// samples the given pid if there is one, and after the workload asks it again whether it still answers.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerEndpoint } from '../client/endpoints.ts';
import { oneLine } from '../client/limits.ts';
import { targetModels } from '../config/target-schema.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import type { ServerBackend, ServerHandle, ServerOverrides } from './backend.ts';
import { CapabilityError } from './errors.ts';
import { httpGet, type HttpAnswer } from './probe.ts';
import { checkServerProcess, processIdentity, urlPort } from './process-identity.ts';
import { llamaMetrics, parsePrometheus } from './prometheus.ts';
import type { PlannedTarget } from './target.ts';

/** How long a server started elsewhere may take to answer its health check after the workload (several tries). */
export const ANSWER_DEADLINE_MS = 15_000;
const WATCH_MS = 250;

/** Ollama's /api/ps entry for `model`: the memory it says the loaded model takes. */
export function ollamaPs(body: unknown, model: string | null): Record<string, number | null> {
  const models = (body as { models?: unknown } | null)?.models;
  const list = Array.isArray(models) ? (models as Record<string, unknown>[]) : [];
  const entry = list.find((m) => m && (m.name === model || m.model === model)) ?? (model === null ? list[0] : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  const mb = (v: unknown) => (num(v) === null ? null : num(v)! / 1e6);
  return { ollama_size_mb: mb(entry?.size), ollama_vram_mb: mb(entry?.size_vram), ollama_context_length: num(entry?.context_length) };
}

export function remoteBackend(
  plan: Plan & { target: PlannedTarget },
  planned: PlannedCell,
  options: { logFile: string; overrides: ServerOverrides; answerDeadlineMs?: number },
  env: NodeJS.ProcessEnv = process.env,
): ServerBackend {
  const answerDeadlineMs = options.answerDeadlineMs ?? ANSWER_DEADLINE_MS;
  const target = plan.target;
  const baseUrl = target.url!;
  const origin = new URL(baseUrl).origin;
  const facts = target.facts ?? { name: 'server', version: 'unreported', commit: null, reported: 'unreported' };
  const apiKey = target.apiKeyEnv ? env[target.apiKeyEnv] : undefined;
  // The key goes to this origin only (and only in this process's memory).
  const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  // The model the requests name: the cell's, when target.model set it (else the server's own, unnamed).
  const model = targetModels(plan.config.target).includes(planned.cell.model) ? planned.cell.model : null;
  const label = `the ${target.kind} server at ${baseUrl}`;
  const proc = target.process;
  let handle: ServerHandle | null = null;
  let unregister: (() => void) | null = null;

  /** The server's own liveness probe: llama-server's /health, an OpenAI server's model list. */
  const ask = async (): Promise<HttpAnswer | string> => {
    const url = target.kind === 'remote-llama' ? `${baseUrl}/health` : `${baseUrl}/models`;
    try {
      return await httpGet(url, target.kind === 'remote-llama' ? {} : auth);
    } catch (e) {
      return oneLine((e as Error).message);
    }
  };
  const healthPath = target.kind === 'remote-llama' ? '/health' : '/models';

  return {
    kind: target.kind,
    capabilities: new Set(target.capabilities),
    facts,
    label,
    noProcess: proc ? null : (target.noProcess ?? 'no process to sample'),
    processNote: proc ? `sampled ${proc.from} ${proc.pid} (${proc.name}${proc.exe ? `, ${proc.exe}` : ''}), checked to listen on ${proc.listens}: a server this harness did not start` : null,
    async start() {
      writeFileSync(options.logFile, `${label} was started elsewhere: its log is wherever it was started, not here.\n`);
      if (proc) {
        // The pid was checked when the run was planned; a server restarted since then has another.
        const still = checkServerProcess(proc.pid, baseUrl);
        if ('problem' in still) throw new Error(`${proc.from} ${proc.pid} is no longer the server: ${still.problem}`);
      }
      const answer = await ask();
      if (typeof answer === 'string' || answer.status !== 200) {
        throw new Error(`${label} does not answer ${healthPath}: ${typeof answer === 'string' ? answer : `HTTP ${answer.status}`}`);
      }
      unregister = registerEndpoint(baseUrl, { api: target.api, ...(model ? { model } : {}), ...(apiKey ? { apiKey } : {}) });
      handle = { baseUrl, port: urlPort(baseUrl), pid: proc?.pid ?? null, logFile: options.logFile, loadMs: null };
      return handle;
    },
    current: () => handle,
    relaunch() {
      return Promise.reject(new CapabilityError(`${label} was started elsewhere: it cannot be relaunched with other settings`));
    },
    async stop() {
      unregister?.();
      unregister = null;
      handle = null;
      return null;
    },
    watch(onLost) {
      if (!proc) return { release: () => {} };
      // Only an exit can be seen from here; the process is never signalled (it is not ours).
      const timer = setInterval(() => {
        if (processIdentity(proc.pid)) return;
        clearInterval(timer);
        onLost(`${label}: its process ${proc.pid} (${proc.name}, ${proc.from}) exited during the cell`);
      }, WATCH_MS);
      timer.unref();
      return { release: () => clearInterval(timer) };
    },
    async checkAnswers() {
      const until = performance.now() + answerDeadlineMs;
      let last = '';
      for (;;) {
        if (proc && !processIdentity(proc.pid)) return `${label}: its process ${proc.pid} (${proc.name}) is gone at the end of the cell`;
        const answer = await ask();
        if (typeof answer !== 'string' && answer.status === 200) return null;
        last = typeof answer === 'string' ? answer : `HTTP ${answer.status}`;
        if (performance.now() >= until) return `${label} did not answer ${healthPath} within ${answerDeadlineMs / 1000} s after the workload (last: ${last})`;
        await sleep(250);
      }
    },
    async serverCounters() {
      try {
        if (target.api === 'ollama') {
          const r = await httpGet(`${origin}/api/ps`, auth);
          return r.status === 200 ? ollamaPs(JSON.parse(r.text), model) : null;
        }
        if (!target.capabilities.includes('metrics')) return null;
        const r = await httpGet(`${origin}/metrics`, auth);
        return r.status === 200 ? llamaMetrics(parsePrometheus(r.text)) : null;
      } catch {
        return null;
      }
    },
    describeReady: () =>
      `${label} (${facts.name} ${facts.reported}) answers; not started here; ` +
      (proc ? `sampling pid ${proc.pid} (${proc.name})` : `CPU and RSS skipped: ${target.noProcess ?? 'no process'}`),
  };
}
