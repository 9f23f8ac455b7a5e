import { existsSync, mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateBudget } from '../budgets/budget.ts';
import { metricDefinition, type ProfileMetrics, type ProfileName } from '../budgets/catalogue.ts';
import { resumeStamp } from '../matrix/checkpoint.ts';
import { ok, skipped, withoutSamples, type CellMeasurement, type Metric, type Verdict } from '../measurement/schema.ts';
import { explainWriteError, writeFileAtomic } from '../paths.ts';
import type { Plan, PlannedCell } from '../plan.ts';
import { cellDir } from './cell-dir.ts';
import { Sampler, samplesCsv } from '../sampler/sampler.ts';
import { diskReadDuringLoad } from '../sampler/load-io.ts';
import { CellGuards } from '../sampler/guards.ts';
import { sensorSources, type SensorSources } from '../sampler/sources.ts';
import { resolveGuards } from '../config/guards-schema.ts';
import { powercapRoot } from '../energy/rapl.ts';
import type { BackendFactory, ServerBackend, ServerHandle, ServerOverrides, ServerWatch } from '../server/backend.ts';
import { createBackend } from '../server/create.ts';
import { makeLogger } from '../logging.ts';
import { bootstrapOptions } from './window.ts';

export type { ServerOverrides } from '../server/backend.ts';

export interface WorkloadContext {
  plan: Plan;
  planned: PlannedCell;
  /** The running server; replaced by `relaunch`, so read it after each relaunch rather than destructuring it once. */
  server: ServerHandle;
  /** What serves the cell (a llama-server launched here, or one started elsewhere) and what it can do. */
  backend: Pick<ServerBackend, 'kind' | 'capabilities' | 'facts' | 'label'>;
  /**
   * Stops the server and starts it again with other settings (same model and cell), for profiles that compare
   * server settings within a cell. The sampler follows the new process; rows before the relaunch stay. Only a
   * backend with the `relaunch` capability offers it (profiles that call it declare it in their needs).
   */
  relaunch: (overrides: ServerOverrides) => Promise<ServerHandle>;
  /** Adds a named table to the measurement (see `series` in the measurement schema). */
  addSeries: (name: string, rows: Record<string, number | null>[]) => void;
  sampler: Sampler;
  /**
   * Resolves with the cause when the server is lost mid-cell (it exited, or stayed stopped and was killed); never
   * resolves while it is fine. A workload that waits (idle) races its waits against it; runCell errors the cell.
   */
  serverLost: Promise<string>;
  /**
   * For a workload whose measurement is the loss itself (the sleep race counts crashes): forgets the loss seen so
   * far, so the cell is judged on its figures, and watches afresh (`serverLost` is a new promise). Returns the cause,
   * or null when none was seen. Call it before `relaunch`.
   */
  acceptLoss: () => string | null;
  /** Appends one line to responses.jsonl (model output is untrusted text: it is stored, never interpreted). */
  record: (response: Record<string, unknown>) => void;
  log: (message: string) => void;
}

/** Metrics the workload measured, each declared in the metric registry; the cell runner adds load time. */
export type Workload<P extends ProfileName = ProfileName> = (ctx: WorkloadContext) => Promise<ProfileMetrics<P>>;

/** A metric the registry does not declare is a harness bug: the cell errors and names it, rather than report it unjudged. */
export function undeclaredMetrics(profile: ProfileName, metrics: Record<string, Metric>): string[] {
  return Object.keys(metrics).filter((m) => !metricDefinition(profile, m));
}

export interface CellOutcome {
  measurement: CellMeasurement;
  verdicts: Verdict[];
}


/** The server's own counters (llama-server /metrics, Ollama /api/ps) at a moment of the cell; null when it reports none. */
async function countersAt(backend: ServerBackend, t0: number): Promise<Record<string, number | null> | null> {
  const c = await backend.serverCounters();
  return c ? { at_s: (performance.now() - t0) / 1000, ...c } : null;
}

export interface RunCellOptions {
  /** Server settings the profile sets on top of the cell's own. */
  overrides?: ServerOverrides;
  /** How the cell's server is made: the plan's target by default; the unit tests pass a fake. */
  backend?: BackendFactory<Plan, PlannedCell>;
  /** Where the cell's files go; default cellDir (a repetition of `--repeat` after the first gets its own folder). */
  dir?: string;
  /** Where temperature and swap are read: BENCH_SYSFS_ROOT and BENCH_MEMINFO by default (sampler/sources.ts). */
  sensors?: SensorSources;
}

/**
 * One cell of one profile: start (or reach) the server through its backend, sample its process tree when there is
 * one to sample, run the workload, stop the server, write the cell's files. Failures become data
 * (`state: 'errored'`), so the run goes on to the next cell.
 */
export async function runCell<P extends ProfileName>(plan: Plan, planned: PlannedCell, profile: P, workload: Workload<P>, options: RunCellOptions = {}): Promise<CellOutcome> {
  const overrides = options.overrides ?? {};
  const dir = options.dir ?? cellDir(plan, planned, profile);
  const files = {
    summary: 'summary.json',
    responses: 'responses.jsonl',
    samples: 'metrics_samples.csv',
  };
  // A launched llama-server writes one log per stream; a server started elsewhere leaves a note in server.log.
  const serverLogs = { serverLog: 'server.log', serverStdout: 'server.stdout.log', serverStderr: 'server.stderr.log' };
  const rel = (f: string) => path.relative(plan.runDir, path.join(dir, f));
  const responsesFile = path.join(dir, files.responses);
  try {
    mkdirSync(dir, { recursive: true });
    // Nothing can be written on a full filesystem: say so before launching a server whose results would be lost.
    const fs = statfsSync(dir);
    // root may still write into the blocks reserved for it; everyone else only into the available ones.
    if ((process.getuid?.() === 0 ? fs.bfree : fs.bavail) === 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    writeFileSync(responsesFile, '');
  } catch (e) {
    explainWriteError(responsesFile, e);
  }
  const logAt = makeLogger(plan.config.logging, `[${planned.cell.id} · ${profile}] `);
  const log = (message: string) => logAt('info', message);
  const startedAt = new Date();
  const t0 = performance.now();
  const backend = (options.backend ?? createBackend)(plan, planned, { logFile: path.join(dir, serverLogs.serverLog), overrides });
  let server: ServerHandle | null = null;
  let sampler: Sampler | null = null;
  let metrics: Record<string, Metric> = {};
  const series: Record<string, Record<string, number | null>[]> = {};
  let error: string | undefined;
  // The server's liveness, across relaunches: the first cause wins.
  let lostCause: string | null = null;
  let announceLost: (cause: string) => void = () => {};
  const serverLost = new Promise<string>((resolve) => (announceLost = resolve));
  const onLost = (cause: string) => {
    if (lostCause) return;
    lostCause = cause;
    logAt('error', `${backend.label} lost: ${cause.split('\n')[0]}`);
    announceLost(cause);
  };
  let watch: ServerWatch | null = null;
  // A cell guard's trip (temperature, swap): a loss like a crash, except that it stands (no relaunch, no acceptLoss).
  const guardSettings = resolveGuards(plan.config.guards, (plan.config.profiles[profile] as { guards?: Parameters<typeof resolveGuards>[1] }).guards);
  const sources = options.sensors ?? sensorSources();
  let guards: CellGuards | null = null;
  let abortCause: string | null = null;
  let abortStop: Promise<string | null> | null = null;
  try {
    server = await backend.start();
    watch = backend.watch(onLost);
    const firstLoadMs = server.loadMs;
    const loadRead = diskReadDuringLoad(server.pid, firstLoadMs, backend.noProcess ?? undefined);
    log(backend.describeReady());
    if (backend.processNote) log(backend.processNote);
    sampler = new Sampler(server.pid, {
      intervalMs: plan.config.sampler.interval_ms,
      powercapRoot: powercapRoot(plan.config.energy?.powercap_root ?? null),
      ...sources,
      ...(backend.noProcess ? { noProcess: backend.noProcess } : {}),
    });
    const cellGuards = new CellGuards(guardSettings, sampler.missingSensors().temperature, sources.meminfo ?? '/proc/meminfo', performance.now());
    guards = cellGuards;
    sampler.onSample((row) => {
      const trip = cellGuards.observe(row);
      if (!trip || abortCause) return;
      abortCause = trip.message;
      logAt('error', trip.message);
      if (!lostCause) {
        lostCause = trip.message;
        announceLost(trip.message);
      }
      // Stopped now, so requests in flight fail at once and the workload ends; awaited before the cell returns.
      watch?.release();
      watch = null;
      abortStop = backend.stop();
    });
    sampler.start();
    const counters = [await countersAt(backend, t0)];
    const record = (response: Record<string, unknown>) => {
      try {
        writeFileSync(responsesFile, `${JSON.stringify(response)}\n`, { flag: 'a' });
      } catch (e) {
        explainWriteError(responsesFile, e);
      }
    };
    const ctx: WorkloadContext = {
      plan,
      planned,
      server,
      backend,
      sampler,
      record,
      log,
      serverLost,
      acceptLoss: () => {
        const cause = lostCause;
        // A guard's abort is not the workload's to forget: the cell stays aborted.
        if (cause === null || abortCause !== null) return null;
        lostCause = null;
        ctx.serverLost = new Promise<string>((resolve) => (announceLost = resolve));
        log(`${backend.label} loss recorded by the workload, not held against the cell: ${cause.split('\n')[0]}`);
        return cause;
      },
      addSeries: (name: string, rows: Record<string, number | null>[]) => void (series[name] = rows),
      relaunch: async (o: ServerOverrides) => {
        if (abortCause) throw new Error(abortCause);
        watch?.release();
        watch = null;
        server = null;
        server = await backend.relaunch(o);
        watch = backend.watch(onLost);
        sampler!.follow(server.pid);
        ctx.server = server;
        log(`${backend.label} relaunched (pid ${server.pid}, ${[...(o.extraArgs ?? []), ...(o.parallel ? ['--parallel', String(o.parallel)] : [])].join(' ') || 'cell defaults'})`);
        return server;
      },
    };
    const measured = (await workload(ctx)) as Record<string, Metric>;
    metrics = {
      ...measured,
      load_s: firstLoadMs !== null ? ok(firstLoadMs / 1000, 's') : skipped('s', `${backend.label} was started elsewhere: its load time is not seen here`),
      disk_read_load_mb_s: loadRead,
    };
    // What the server counted itself (tokens, busy slots), before and after the workload: fields it lacks are null.
    counters.push(await countersAt(backend, t0));
    const rows = counters.filter((c): c is Record<string, number | null> => c !== null);
    if (rows.length > 0 && !series.server_counters) series.server_counters = rows;
    const undeclared = undeclaredMetrics(profile, metrics);
    if (undeclared.length > 0) throw new Error(`the ${profile} workload emitted metrics the registry does not declare: ${undeclared.join(', ')} (declare them in harness/budgets/catalogue.ts)`);
    // Whatever the figures say, a server that died, stopped or stopped answering makes the cell errored.
    const cause = lostCause ?? (server ? await backend.checkAnswers() : null);
    if (cause) {
      onLost(cause);
      error = cause;
      logAt('error', `failed: ${cause.split('\n')[0]}`);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // The server's loss explains the workload's failure (a refused request, a missing row), not the other way round.
    error = lostCause && message !== lostCause ? `${lostCause}\n(the workload then failed: ${message.split('\n')[0]})` : message;
    logAt('error', `failed: ${error.split('\n')[0]}`);
  } finally {
    (watch as ServerWatch | null)?.release();
    const samples = sampler?.stop();
    let writeError: unknown;
    try {
      if (samples) writeFileAtomic(path.join(dir, files.samples), samplesCsv(samples.rows));
    } catch (e) {
      writeError = e; // the server is stopped first, whatever the disk says
    }
    const stopped = (await (abortStop as Promise<string | null> | null)) ?? (await backend.stop());
    if (stopped) logAt('warn', stopped);
    if (writeError) throw writeError;
  }
  // The sampler's last tick (at stop) may trip a guard after the workload ended: the cell is aborted all the same.
  if (abortCause !== null && error === undefined) error = abortCause;
  // output.include_logs false drops the server's logs of a cell that went well; a failed cell keeps them as evidence.
  const logs = Object.entries(serverLogs).filter(([, f]) => existsSync(path.join(dir, f)));
  const keepLogs = plan.config.output.include_logs || error !== undefined;
  if (!keepLogs) for (const [, f] of logs) rmSync(path.join(dir, f), { force: true });
  const measurement: CellMeasurement = {
    profile,
    cell: planned.cell,
    state: error === undefined ? 'completed' : 'errored',
    ...(error === undefined ? {} : { error }),
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    modelPath: planned.model.path,
    build: { llamaVersion: plan.llama.version, llamaCommit: plan.llama.commit, modelSha256: planned.model.sha256 },
    serverPort: (server as ServerHandle | null)?.port ?? null,
    // Samples serve the budgets below; the files keep each metric's summary.
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, withoutSamples(m)])),
    ...(Object.keys(series).length > 0 ? { series } : {}),
    files: Object.fromEntries([...Object.entries(files), ...(keepLogs ? logs : [])].map(([k, f]) => [k, rel(f)])),
    ...(guards ? { guards: (guards as CellGuards).report() } : {}),
  };
  // An errored cell judges nothing: figures measured before its server died or hung are not evidence of a pass.
  const verdicts = plan.budgets[profile].map((b) =>
    evaluateBudget(b, error ? { value: null, unit: b.unit, status: 'error', reason: `cell failed: ${error.split('\n')[0]}` } : metrics[b.metric], bootstrapOptions(plan)),
  );
  // The resume key makes this file the cell's checkpoint: `--resume` reuses it only under the same conditions.
  const resume = resumeStamp(plan, planned, profile);
  writeFileAtomic(path.join(dir, files.summary), `${JSON.stringify({ resume, measurement, verdicts }, null, 2)}\n`);
  return { measurement, verdicts };
}
