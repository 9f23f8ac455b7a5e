// `npm run bench:planner`: the planner against the exhaustive matrix, as a wall-time A/B of two real runs of
// `npm run bench` on the default model ladder (tiny and small × six quantizations × 1 and 2 threads; idle and
// interactive). The budgets split the ladder by memory: every cell is held to a peak RSS of 100 MB, and the planner
// gets the same figure as planner.memory_cap_mb, so it can skip what would miss it. Both arms run back to back in
// this process; the figures are printed and written to results/bench-planner.json (or --out FILE).
// Exit 1 when the planner saves less than 40 % of the exhaustive wall time or the two runs recommend different cells.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { quantizerFor, resolveLlama } from '../harness/llama/resolve.ts';
import type { RunState } from '../harness/matrix/planner.ts';
import { ensureBuiltinModel } from '../harness/models/builtin.ts';
import { newRunId } from '../harness/plan.ts';
import { stderrProgress } from '../harness/progress.ts';
import { standings, type RunReport } from '../harness/report/model.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODELS = ['tiny', 'small'] as const;
const QUANTS = ['Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q3_K_M', 'Q2_K'];
/** The memory budget both arms are held to, and the planner's cap. tiny peaks at about 45-60 MB, small at 110 MB or more. */
const MEMORY_MB = 100;
/** Acceptance: the planner's wall time is at least this much shorter than the exhaustive run's. */
const REQUIRED_SAVING = 0.4;

const SCENARIO = [
  `Scenario: a machine where the LLM may use at most ${MEMORY_MB} MB. Both runs hold every cell to rss_peak_mb <= ${MEMORY_MB} (idle and`,
  `interactive); the planner run also gets planner.memory_cap_mb: ${MEMORY_MB}. Its memory pre-check compares each cell's estimate`,
  `(GGUF weights x 1.2 + KV cache before anything ran; then the RSS measured for the same file, or the least-squares`,
  `memory trend over the cells measured so far) with the cap. small (106M parameters) needs more than ${MEMORY_MB} MB at every`,
  `quantization, tiny (20M) needs about half, so the exhaustive run measures small's cells only to see them miss the budget.`,
  `CPU mean and p99 budgets are off: on 2 cores one decoding thread is already half the machine, so every cell would`,
  `miss them and no cell could be recommended in either run. The overall pick (the report's first recommendation) weighs`,
  `peak RSS (3 interactive, 1 idle) and interactive CPU p99 (1): the least memory, then the lowest CPU peak, figures that`,
  `repeat from run to run (RSS to 0.1 MB; one thread's p99 stays near half the machine, two threads go beyond). A first`,
  `version weighed interactive CPU *mean*, which varied 25-48 % between the tiny t1 cells under load, and the two runs`,
  `picked different tiny cells: a coin toss among cells both runs measured, not a planner effect.`,
].join('\n');

function configText(plannerEnabled: boolean, outDir: string): string {
  const budget = `"<= ${MEMORY_MB}"`;
  return `# written by npm run bench:planner (${plannerEnabled ? 'planner' : 'exhaustive'} arm)
models:
  - name: tiny
    builtin: tiny
  - name: small
    builtin: small
matrix:
  models: [${MODELS.join(', ')}]
  quants: [${QUANTS.join(', ')}]
  threads: [1, 2]
  ctx: [1024]
  priority: [nice10]
profiles:
  idle:
    settle_s: 0.5
    duration_s: 2
    budgets: { cpu_mean_pct: "<= 2", rss_peak_mb: ${budget}, swap_growth_mb: "<= 0" }
  interactive:
    prompts: ${path.join(ROOT, 'prompts/interactive.jsonl')}
    warmup: 1
    repetitions: 4
    max_tokens: 48
    budgets:
      rss_peak_mb: ${budget}
      latency_p95_s: "<= 2.5"
      ttft_p95_s: "<= 30"
      decode_tps_mean: ">= 2"
      swap_growth_mb: "<= 0"
      cpu_mean_pct: "off"
      cpu_p99_pct: "off"
      latency_p99_over_p50: "off"
selection:
  weights: { interactive.rss_peak_mb: 3, idle.rss_peak_mb: 1, interactive.cpu_p99_pct: 1 }
planner:
  enabled: ${plannerEnabled}
  memory_cap_mb: ${plannerEnabled ? MEMORY_MB : 'null'}
sampler:
  interval_ms: 100
output:
  dir: ${outDir}
`;
}

interface Arm {
  name: 'exhaustive' | 'planner';
  runId: string;
  exitCode: number | null;
  wallS: number;
  /** cell × profile results: measured (a llama-server ran), skipped (by the planner), other (errored, not run). */
  results: { total: number; measured: number; skipped: number; other: number };
  /** llama-server processes that became ready, from the run's log. */
  serverLaunches: number;
  /** 1-minute load average when the arm started and ended: other work on the machine slows either arm. */
  loadAverage: { start: number; end: number };
  skipsByRule: Record<string, number>;
  cellsMeasured: string[];
  /** The report's overall best (the first recommendation card), and the cells that met every budget. */
  pick: string | null;
  pickStatus: string;
  runnerUp: string | null;
  /** The report's first line: the measured configurations that met every budget in every profile. */
  metEveryBudget: string[];
  runDir: string;
  log: string;
}

/** Makes every model file both arms load, so neither arm pays for generating one. */
async function prepareModels(): Promise<void> {
  const llama = await resolveLlama(null, stderrProgress);
  for (const m of MODELS) for (const q of QUANTS) await ensureBuiltinModel(m, q, quantizerFor(llama, stderrProgress), stderrProgress);
}

async function runArm(name: Arm['name'], workDir: string): Promise<Arm> {
  const outDir = path.join(workDir, name);
  mkdirSync(outDir, { recursive: true });
  const configFile = path.join(workDir, `${name}.config.yaml`);
  writeFileSync(configFile, configText(name === 'planner', outDir));
  const runId = newRunId();
  const log = path.join(workDir, `${name}.log`);
  const sink = createWriteStream(log);
  stderrProgress(`${name}: npm run bench -- --config ${configFile} --profile idle,interactive (run ${runId}, log ${log})`);
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RUN_ID: runId, FORCE_COLOR: '0' };
  delete env.BENCH_RESUME;
  delete env.BENCH_CONFIG;
  const loadStart = os.loadavg()[0]!;
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'harness/cli/bench.ts'), '--config', configFile, '--profile', 'idle,interactive'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(sink, { end: false });
  child.stderr.pipe(sink, { end: false });
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const wallS = (performance.now() - started) / 1000;
  const loadEnd = os.loadavg()[0]!;
  await new Promise((resolve) => sink.end(resolve));
  const runDir = path.join(outDir, runId);
  const boardFile = path.join(runDir, 'scoreboard.json');
  // 0 and 1 are normal outcomes (small misses its memory budget in the exhaustive run); 2 and 3 are not.
  if ((exitCode !== 0 && exitCode !== 1) || !existsSync(boardFile)) {
    throw new Error(`${name} run exited ${exitCode} without a usable scoreboard; see ${log}`);
  }
  const board = JSON.parse(readFileSync(boardFile, 'utf8')) as RunReport;
  const stateFile = path.join(runDir, 'run-state.json');
  const state: RunState = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as RunState) : { version: 1, outcomes: [], skips: [] };
  const skipsByRule: Record<string, number> = {};
  for (const s of state.skips) skipsByRule[s.rule] = (skipsByRule[s.rule] ?? 0) + 1;
  const measured = board.cells.filter((c) => c.state === 'completed');
  const skipped = board.cells.filter((c) => c.state === 'skipped').length;
  const overall = board.decisions?.recommendations.find((r) => r.useCase === 'overall');
  return {
    name,
    runId,
    exitCode,
    wallS,
    results: { total: board.cells.length, measured: measured.length, skipped, other: board.cells.length - measured.length - skipped },
    serverLaunches: (readFileSync(log, 'utf8').match(/llama-server pid \d+ ready/g) ?? []).length,
    loadAverage: { start: Number(loadStart.toFixed(2)), end: Number(loadEnd.toFixed(2)) },
    skipsByRule,
    cellsMeasured: [...new Set(measured.map((c) => c.cell.id))].sort(),
    pick: overall?.cellId ?? null,
    pickStatus: overall?.status ?? 'no recommendation in the scoreboard',
    runnerUp: overall?.runnerUp ?? null,
    metEveryBudget: standings(board.cells)
      .filter((x) => x.measured && !x.errored && x.missed.length === 0)
      .map((x) => x.cellId)
      .sort(),
    runDir,
    log,
  };
}

function parseOut(argv: string[]): string {
  const i = argv.indexOf('--out');
  return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]!) : path.join(ROOT, 'results', 'bench-planner.json');
}

const outFile = parseOut(process.argv.slice(2));
const workDir = path.join(path.dirname(outFile), 'bench-planner');
mkdirSync(workDir, { recursive: true });
const benchStarted = performance.now();
console.log(SCENARIO);
await prepareModels();
const exhaustive = await runArm('exhaustive', workDir);
const planner = await runArm('planner', workDir);

const saving = 1 - planner.wallS / exhaustive.wallS;
const picksMatch = exhaustive.pick !== null && exhaustive.pick === planner.pick;
const cellsPerArm = exhaustive.results.total;
const result = {
  scenario: SCENARIO,
  matrix: { models: MODELS, quants: QUANTS, threads: [1, 2], ctx: [1024], profiles: ['idle', 'interactive'], cellProfileResults: cellsPerArm },
  memoryBudgetMb: MEMORY_MB,
  exhaustive,
  planner,
  savingPct: Number((saving * 100).toFixed(1)),
  requiredSavingPct: REQUIRED_SAVING * 100,
  picksMatch,
  /** Both reports open with the same list of configurations that met every budget (informative: verdicts near a limit are noisy). */
  sameMetEveryBudget: JSON.stringify(exhaustive.metEveryBudget) === JSON.stringify(planner.metEveryBudget),
  /** The exhaustive run's pick was measured by the planner run (the planner did not skip the winner). */
  exhaustivePickMeasuredByPlanner: exhaustive.pick !== null && planner.cellsMeasured.includes(exhaustive.pick),
  /** Cells that met every budget in the exhaustive run but the planner never measured: the planner's real error, noise aside. */
  plannerSkippedPassingCells: exhaustive.metEveryBudget.filter((id) => !planner.cellsMeasured.includes(id)),
  pass: saving >= REQUIRED_SAVING && picksMatch,
  totalWallS: Number(((performance.now() - benchStarted) / 1000).toFixed(1)),
};
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);

const row = (a: Arm) =>
  `${a.name.padEnd(10)}  ${a.wallS.toFixed(1).padStart(7)} s  measured ${String(a.results.measured).padStart(2)}  skipped ${String(a.results.skipped).padStart(2)}` +
  `${a.results.other ? `  other ${a.results.other}` : ''}  servers ${String(a.serverLaunches).padStart(2)}  load ${a.loadAverage.start}→${a.loadAverage.end}` +
  `  met every budget ${a.metEveryBudget.length}  pick: ${a.pick ?? `none (${a.pickStatus})`}${a.runnerUp ? ` (runner-up ${a.runnerUp})` : ''}`;
console.log(`\nplanner benchmark: ${cellsPerArm} cell × profile results per run (${MODELS.length} models × ${QUANTS.length} quants × 2 thread counts × 2 profiles)`);
console.log(row(exhaustive));
console.log(row(planner));
console.log(`planner skips by rule: ${Object.entries(planner.skipsByRule).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`);
console.log(`wall-time saving: ${(saving * 100).toFixed(1)} % (required ≥ ${REQUIRED_SAVING * 100} %); same overall pick: ${picksMatch ? 'yes' : 'no'}; same "met every budget" list: ${result.sameMetEveryBudget ? 'yes' : 'no'}`);
console.log(`cells that met every budget in the exhaustive run but the planner did not measure: ${result.plannerSkippedPassingCells.join(', ') || 'none'}`);
console.log(`reports: ${exhaustive.runDir}/report.html, ${planner.runDir}/report.html\nwritten: ${outFile}`);
process.exit(result.pass ? 0 : 1);
