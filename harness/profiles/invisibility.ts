import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { execa } from 'execa';
import { invisibilityFigures, slowdownCi } from '../analysis/invisibility.ts';
import { streamCompletion } from '../client/completion.ts';
import { failed, ok, type Metric } from '../measurement/schema.ts';
import { loadPrompts } from './prompts.ts';
import type { Workload } from './run-cell.ts';
import { bootstrapOptions, resourceMetrics, rowsIn } from './window.ts';

const PROBE = fileURLToPath(new URL('./invisibility-probe.ts', import.meta.url));

interface ProbeResult {
  foreground: { meanMs: number; p50Ms: number; p99Ms: number; samples: number; samplesMs: number[] };
  latenessP99Ms: number | null;
  latenessSamples: number;
}

async function probe(foregroundMs: number, latenessMs: number): Promise<ProbeResult> {
  const r = await execa(process.execPath, ['--import', 'tsx', PROBE, String(foregroundMs), String(latenessMs)], {
    cwd: path.resolve(path.dirname(PROBE), '../..'),
    timeout: (foregroundMs + latenessMs) * 4 + 30_000,
  });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ProbeResult;
}

/**
 * The person at the machine: a foreground task and timer lateness measured in a separate process, first with the
 * server loaded and idle, then while it decodes the interactive prompts back to back. The difference is what a
 * person would notice; nice levels, thread counts and affinity show their worth here.
 */
export const invisibilityWorkload: Workload = async ({ plan, server, sampler, log }) => {
  const settings = plan.config.profiles.invisibility;
  const prompts = loadPrompts(path.resolve(path.dirname(plan.configFile), plan.config.profiles.interactive.prompts));
  // Right after /health the server may still be touching its weights: let it settle, as the idle profile does.
  await new Promise((r) => setTimeout(r, plan.config.profiles.idle.settle_s * 1000));
  log(`probing with the server idle (${settings.foreground_ms} ms task, ${settings.lateness_ms} ms timers)`);
  const idle = await probe(settings.foreground_ms, settings.lateness_ms);

  let running = true;
  let requests = 0;
  let firstError: string | null = null;
  const load = (async () => {
    while (running) {
      const prompt = prompts[requests % prompts.length]!;
      const r = await streamCompletion(server.baseUrl, {
        prompt: prompt.prompt,
        maxTokens: settings.max_tokens,
        seed: plan.config.llama.seed,
        ignoreEos: true,
        timeoutMs: plan.config.profiles.interactive.request_timeout_s * 1000,
      });
      requests++;
      if (!r.ok) {
        firstError ??= r.error;
        break;
      }
    }
  })();
  // Let decoding get going before the probe starts.
  await new Promise((r) => setTimeout(r, 300));
  const from = performance.now();
  log('probing while the server decodes');
  const active = await probe(settings.foreground_ms, settings.lateness_ms);
  const to = performance.now();
  running = false;
  await load;
  sampler.tick();
  const rows = sampler.snapshot();
  const resources = resourceMetrics(rowsIn(rows, from, to), rows, sampler.missingSensors(), bootstrapOptions(plan));
  if (firstError) {
    const why = `the background load failed: ${firstError}`;
    return { ...resources, foreground_slowdown_pct: failed('%', why), timer_lateness_p99_ms: failed('ms', why) };
  }
  const metrics: Record<string, Metric> = { ...resources, background_requests: ok(requests, 'requests') };
  metrics.foreground_idle_ms = ok(idle.foreground.meanMs, 'ms');
  metrics.foreground_active_ms = ok(active.foreground.meanMs, 'ms');
  if (idle.latenessP99Ms === null || active.latenessP99Ms === null) {
    metrics.timer_lateness_p99_ms = failed('ms', 'the timer probe recorded no samples');
  }
  const figures = invisibilityFigures(
    // The mean, not the median: a share of runs slowed by the model is exactly what a person notices.
    { taskMs: idle.foreground.meanMs, latenessP99Ms: idle.latenessP99Ms ?? 0 },
    { taskMs: active.foreground.meanMs, latenessP99Ms: active.latenessP99Ms ?? 0 },
  );
  metrics.foreground_slowdown_pct = ok(figures.slowdownPct, '%', undefined, slowdownCi(idle.foreground.samplesMs, active.foreground.samplesMs, bootstrapOptions(plan)));
  if (!metrics.timer_lateness_p99_ms) {
    metrics.timer_lateness_p99_ms = ok(figures.latenessP99Ms, 'ms');
    metrics.timer_lateness_idle_p99_ms = ok(idle.latenessP99Ms!, 'ms');
  }
  log(`foreground slowdown ${figures.slowdownPct.toFixed(1)} %, timer lateness p99 ${figures.latenessP99Ms.toFixed(1)} ms (idle ${idle.latenessP99Ms?.toFixed(1)} ms)`);
  return metrics;
};
