// The invisibility probe on tiny, through real llama-servers: per cell it measures with the server idle and
// decoding, and reports slowdown and timer lateness with their budgets; then one paired session compares the cells
// against each other. The priority presets are checked on real servers through /proc: normal and sched_idle on the
// run's own servers, nice19 on one started here.
import { mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { startServer, type LaunchOptions } from '../../harness/llama/launch.ts';
import { quantizerFor, resolveLlama } from '../../harness/llama/resolve.ts';
import { ensureBuiltinModel } from '../../harness/models/builtin.ts';
import { silentProgress } from '../../harness/progress.ts';
import type { RunReport } from '../../harness/report/model.ts';
import { runVitest, tinyConfig } from './helpers.ts';

/** Scheduling policy and nice value of every thread of a process (/proc/<pid>/task/<tid>/sched and stat). */
function threadsOf(pid: number): { policy: number; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { policy: Number(/^policy\s*:\s*(\d+)/m.exec(sched)![1]), nice: Number(fields[16]) };
  });
}
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

describe.skipIf(process.platform !== 'linux')('priority presets on a real llama-server', () => {
  let options: LaunchOptions;
  beforeAll(async () => {
    const llama = await resolveLlama(null, silentProgress);
    const model = await ensureBuiltinModel('tiny', 'Q4_K_M', quantizerFor(llama, silentProgress), silentProgress);
    const logFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'prio-')), 'server.log');
    options = { serverPath: llama.serverPath, modelPath: model.path, threads: 2, ctx: 512, priority: 'normal', cpuAffinity: null, parallel: 1, extraArgs: [], logFile, loadTimeoutMs: 120_000, stopGraceMs: 5000 };
  });

  // normal and sched_idle are checked on the servers of the profile run below, while they decode.
  test.each([['nice19', SCHED_OTHER, 19]] as const)('%s: every thread runs with policy %i at nice %i', async (priority, policy, nice) => {
    const server = await startServer({ ...options, priority });
    try {
      // Decode once, so the compute threads exist and have applied whatever priority llama.cpp sets itself.
      const r = await fetch(`${server.baseUrl}/completion`, { method: 'POST', body: JSON.stringify({ prompt: 'hello', n_predict: 8 }) });
      expect(r.status).toBe(200);
      await r.text();
      const threads = threadsOf(server.pid);
      expect(threads.length).toBeGreaterThan(1);
      expect(threads).toEqual(threads.map(() => ({ policy, nice })));
    } finally {
      await server.stop();
    }
  }, 1_200_000);
});

test('the invisibility profile reports slowdown and lateness per cell, and a paired comparison of the cells', async () => {
  // Short phases and 8-token background answers: the test checks the figures and the session's structure, not their
  // size, and each active phase ends by waiting for the answer in flight (seconds for a sched_idle server beside a hog).
  const { file, outDir } = tinyConfig('', (t) =>
    t
      .replace('priority: [nice10]', 'priority: [normal, sched_idle]')
      .replace(
        'profiles:\n',
        'profiles:\n  invisibility:\n    foreground_ms: 200\n    lateness_ms: 150\n    max_tokens: 8\n    rounds: 3\n    paired: { min_rounds: 3, max_rounds: 3 }\n',
      ),
  );
  const run = runVitest(['--project', 'invisibility'], file);
  // While the run's servers live (each cell's own, then the paired session's), they are real processes whose log
  // (their stdout) lies in this run's directory and names their priority. Every thread of each, at every look (from
  // start-up through decoding), must run as its preset says: sched_idle is SCHED_IDLE at nice 19, normal SCHED_OTHER at 0.
  const want = { sched_idle: { policy: SCHED_IDLE, nice: 19 }, normal: { policy: SCHED_OTHER, nice: 0 } } as const;
  const seen = new Map<number, { priority: keyof typeof want; looks: number; maxThreads: number; wrong: { policy: number; nice: number }[] }>();
  const poll = setInterval(() => {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'llama-server') continue;
        const log = readlinkSync(`/proc/${pid}/fd/1`);
        if (!log.startsWith(outDir)) continue;
        const priority = log.includes('_sched_idle') ? 'sched_idle' : log.includes('_normal') ? 'normal' : null;
        if (!priority) continue;
        const threads = threadsOf(pid);
        const s = seen.get(pid) ?? { priority, looks: 0, maxThreads: 0, wrong: [] };
        s.looks++;
        s.maxThreads = Math.max(s.maxThreads, threads.length);
        s.wrong.push(...threads.filter((t) => t.policy !== want[priority].policy || t.nice !== want[priority].nice));
        seen.set(pid, s);
      } catch {
        // the process or a thread ended between the listing and the read
      }
    }
  }, 100);
  const finished = await run.done.finally(() => clearInterval(poll));
  console.log(`invisibility e2e: ${[...seen.values()].map((s) => `${s.priority} (${s.looks} looks, up to ${s.maxThreads} threads)`).join(', ')}`);
  for (const priority of ['sched_idle', 'normal'] as const) {
    const servers = [...seen.values()].filter((s) => s.priority === priority);
    expect(servers.length, `${priority} servers seen\n${finished.output.slice(-3000)}`).toBeGreaterThanOrEqual(1);
    for (const s of servers) {
      expect(s.wrong, priority).toEqual([]);
      expect(s.maxThreads, priority).toBeGreaterThan(1);
    }
  }

  const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
  const report = JSON.parse(readFileSync(path.join(outDir, runId, 'scoreboard.json'), 'utf8')) as RunReport;
  const cells = report.cells.filter((c) => c.profile === 'invisibility');
  expect(cells.map((c) => c.cell.id).sort()).toEqual(['tiny Q4_K_M t1 c1024 normal', 'tiny Q4_K_M t1 c1024 sched_idle']);
  for (const cell of cells) {
    expect(cell.state, finished.output).toBe('completed');
    for (const m of ['foreground_slowdown_pct', 'timer_lateness_p99_ms', 'timer_lateness_idle_p99_ms', 'foreground_idle_ms', 'foreground_active_ms']) {
      expect(cell.metrics[m]?.status, m).toBe('ok');
    }
    // three rounds: a t-interval on the logs of the round ratios, at the configured level
    expect(cell.metrics.foreground_slowdown_pct!.ci).toMatchObject({ method: 'student-t-log', level: 0.95 });
    expect(cell.measurement!.series!.invisibility_rounds).toHaveLength(3);
    expect(cell.metrics.background_requests!.value!).toBeGreaterThan(0);
    // The server worked (a sched_idle server beside a CPU hog gets little: 3.9 % once in CI), and the reading is real.
    expect(cell.metrics.cpu_mean_pct).toMatchObject({ status: 'ok' });
    expect(cell.metrics.cpu_mean_pct!.value!).toBeGreaterThan(0);
    expect(cell.verdicts.map((v) => v.metric).sort()).toEqual(['foreground_slowdown_pct', 'timer_lateness_p99_ms']);
  }
  expect(finished.output).toMatch(/round 3\/3: probing/);

  // The paired session: both servers up, alternated against the same idle phases, the pair with its interval.
  const [comparison] = report.pairedComparisons ?? [];
  expect(comparison, finished.output).toBeDefined();
  expect(comparison!.group).toBe('tiny Q4_K_M c1024');
  expect(comparison!.rounds).toBe(3);
  expect(comparison!.cells.map((c) => c.cell).sort()).toEqual(cells.map((c) => c.cell.id).sort());
  const pair = comparison!.pairs[0]!;
  expect(pair).toMatchObject({ a: 'tiny Q4_K_M t1 c1024 sched_idle', b: 'tiny Q4_K_M t1 c1024 normal', axis: 'priority', rounds: 3 });
  expect(pair.differenceCi).toMatchObject({ method: 'student-t-log', level: 0.95 });
  expect(pair.differenceCi!.low).toBeLessThanOrEqual(pair.differencePct!);
  expect(pair.differenceCi!.high).toBeGreaterThanOrEqual(pair.differencePct!);
  expect(pair.explanation).toMatch(/^(resolved|unresolved after 3 rounds)/);
  expect(comparison!.ratios[pair.a]).toHaveLength(3);
  // the servers' CPU while decoding was read from /proc
  expect(comparison!.cells.every((c) => c.serverCpuPct !== null && c.serverCpuPct > 0)).toBe(true);
  const html = readFileSync(path.join(outDir, runId, 'report.html'), 'utf8');
  expect(html).toContain('Paired comparison: tiny Q4_K_M c1024');
  expect(html).toContain(pair.explanation.replace(/&/g, '&amp;').slice(0, 40));
}, 1_200_000);
