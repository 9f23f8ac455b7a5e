// `npm run bench:planner`: the planner against the exhaustive matrix, as a wall-time A/B of real runs of
// `npm run bench` on the default model ladder (tiny and small × six quantizations × 1 and 2 threads; idle and
// interactive). The budgets split the ladder by memory: every cell is held to a peak RSS of 100 MB, and both arms get
// the same config, planner.memory_cap_mb included; only planner.enabled differs. The load on a shared machine drifts,
// so the arms run in at least 3 pairs (--pairs N) whose order alternates (exhaustive first, then planner first, …),
// and the saving is reported per pair, with its median and range. The figures are printed and written to
// results/bench-planner.json (or --out FILE). --quants Q4_K_M,Q8_0 runs a shorter ladder.
// Exit 1 when the worst pair saves less than 40 % of the exhaustive wall time or any pair's two runs recommend
// different cells.
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
import { commandArgs } from '../harness/cli/launcher.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODELS = ['tiny', 'small'] as const;
const ALL_QUANTS = ['Q8_0', 'Q6_K', 'Q5_K_M', 'Q4_K_M', 'Q3_K_M', 'Q2_K'];
/** The memory budget both arms are held to, and planner.memory_cap_mb in both configs. tiny peaks at about 45-60 MB, small at 110 MB or more. */
const MEMORY_MB = 100;
/** Acceptance: the planner's wall time is at least this much shorter than the exhaustive run's. */
const REQUIRED_SAVING = 0.4;

/** Fewer pairs cannot tell a planner effect from a drift of the machine's load between two runs. */
const MIN_PAIRS = 3;

const SCENARIO = [
  `Scenario: a machine where the LLM may use at most ${MEMORY_MB} MB. Both runs get the same config: every cell held to`,
  `rss_peak_mb <= ${MEMORY_MB} (idle and interactive) and planner.memory_cap_mb: ${MEMORY_MB}, which only an enabled planner reads;`,
  `the arms differ in planner.enabled alone. The planner's memory pre-check compares each cell's estimate`,
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

function configText(plannerEnabled: boolean, outDir: string, quants: readonly string[]): string {
  const budget = `"<= ${MEMORY_MB}"`;
  return `# written by npm run bench:planner (${plannerEnabled ? 'planner' : 'exhaustive'} arm)
models:
  - name: tiny
    builtin: tiny
  - name: small
    builtin: small
matrix:
  models: [${MODELS.join(', ')}]
  quants: [${quants.join(', ')}]
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
  memory_cap_mb: ${MEMORY_MB}
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
async function prepareModels(quants: readonly string[]): Promise<void> {
  const llama = await resolveLlama(null, stderrProgress);
  for (const m of MODELS) for (const q of quants) await ensureBuiltinModel(m, q, quantizerFor(llama, stderrProgress), stderrProgress);
}

async function runArm(name: Arm['name'], workDir: string, quants: readonly string[]): Promise<Arm> {
  const outDir = path.join(workDir, name);
  mkdirSync(outDir, { recursive: true });
  const configFile = path.join(workDir, `${name}.config.yaml`);
  writeFileSync(configFile, configText(name === 'planner', outDir, quants));
  const runId = newRunId();
  const log = path.join(workDir, `${name}.log`);
  const sink = createWriteStream(log);
  stderrProgress(`${name}: npm run bench -- --config ${configFile} --profile idle,interactive (run ${runId}, log ${log})`);
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RUN_ID: runId, FORCE_COLOR: '0' };
  delete env.BENCH_RESUME;
  delete env.BENCH_CONFIG;
  const loadStart = os.loadavg()[0]!;
  const started = performance.now();
  const child = spawn(process.execPath, commandArgs('bench', ['--config', configFile, '--profile', 'idle,interactive']), {
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

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Pair {
  pair: number;
  /** Which arm ran first: alternating, so a load that drifts over the benchmark does not favour one arm. */
  order: Arm['name'][];
  exhaustive: Arm;
  planner: Arm;
  savingPct: number;
  picksMatch: boolean;
  sameMetEveryBudget: boolean;
  /** Cells that met every budget in the exhaustive run but the planner never measured: the planner's real error, noise aside. */
  plannerSkippedPassingCells: string[];
}

const argv = process.argv.slice(2);
const outFile = option(argv, '--out') ? path.resolve(option(argv, '--out')!) : path.join(ROOT, 'results', 'bench-planner.json');
const pairs = Number(option(argv, '--pairs') ?? MIN_PAIRS);
const quants = option(argv, '--quants')?.split(',').filter(Boolean) ?? ALL_QUANTS;
if (!Number.isInteger(pairs) || pairs < MIN_PAIRS) {
  console.error(`--pairs: expected an integer ≥ ${MIN_PAIRS}, got ${option(argv, '--pairs')}`);
  process.exit(2);
}
const unknown = quants.filter((q) => !ALL_QUANTS.includes(q));
if (quants.length === 0 || unknown.length > 0) {
  console.error(`--quants: expected some of ${ALL_QUANTS.join(', ')}, got ${option(argv, '--quants')}`);
  process.exit(2);
}
const workDir = path.join(path.dirname(outFile), 'bench-planner');
mkdirSync(workDir, { recursive: true });
const benchStarted = performance.now();
console.log(SCENARIO);
await prepareModels(quants);

const results: Pair[] = [];
for (let i = 0; i < pairs; i++) {
  const order: Arm['name'][] = i % 2 === 0 ? ['exhaustive', 'planner'] : ['planner', 'exhaustive'];
  const arms: Partial<Record<Arm['name'], Arm>> = {};
  for (const name of order) arms[name] = await runArm(name, path.join(workDir, `pair-${i + 1}`), quants);
  const exhaustive = arms.exhaustive!;
  const planner = arms.planner!;
  results.push({
    pair: i + 1,
    order,
    exhaustive,
    planner,
    savingPct: Number(((1 - planner.wallS / exhaustive.wallS) * 100).toFixed(1)),
    picksMatch: exhaustive.pick !== null && exhaustive.pick === planner.pick,
    sameMetEveryBudget: JSON.stringify(exhaustive.metEveryBudget) === JSON.stringify(planner.metEveryBudget),
    plannerSkippedPassingCells: exhaustive.metEveryBudget.filter((id) => !planner.cellsMeasured.includes(id)),
  });
  stderrProgress(`pair ${i + 1}/${pairs} (${order.join(' then ')}): exhaustive ${exhaustive.wallS.toFixed(1)} s, planner ${planner.wallS.toFixed(1)} s, saving ${results.at(-1)!.savingPct} %`);
}

const savings = results.map((r) => r.savingPct);
const worst = results.reduce((a, b) => (b.savingPct < a.savingPct ? b : a));
const cellsPerArm = results[0]!.exhaustive.results.total;
const result = {
  scenario: SCENARIO,
  matrix: { models: MODELS, quants, threads: [1, 2], ctx: [1024], profiles: ['idle', 'interactive'], cellProfileResults: cellsPerArm },
  memoryBudgetMb: MEMORY_MB,
  pairs: results,
  savingPct: { median: Number(median(savings).toFixed(1)), min: Math.min(...savings), max: Math.max(...savings) },
  requiredSavingPct: REQUIRED_SAVING * 100,
  /** The gate: the worst pair, not the median, must save the required share, and every pair must pick the same cell. */
  worstPair: worst.pair,
  picksMatchInEveryPair: results.every((r) => r.picksMatch),
  pass: worst.savingPct >= REQUIRED_SAVING * 100 && results.every((r) => r.picksMatch),
  totalWallS: Number(((performance.now() - benchStarted) / 1000).toFixed(1)),
};
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);

const row = (a: Arm) =>
  `  ${a.name.padEnd(10)}  ${a.wallS.toFixed(1).padStart(7)} s  measured ${String(a.results.measured).padStart(2)}  skipped ${String(a.results.skipped).padStart(2)}` +
  `${a.results.other ? `  other ${a.results.other}` : ''}  servers ${String(a.serverLaunches).padStart(2)}  load ${a.loadAverage.start}→${a.loadAverage.end}` +
  `  met every budget ${a.metEveryBudget.length}  pick: ${a.pick ?? `none (${a.pickStatus})`}${a.runnerUp ? ` (runner-up ${a.runnerUp})` : ''}`;
console.log(`\nplanner benchmark: ${cellsPerArm} cell × profile results per run (${MODELS.length} models × ${quants.length} quants × 2 thread counts × 2 profiles), ${pairs} pairs`);
for (const r of results) {
  console.log(`pair ${r.pair} (${r.order.join(' first, then ')}): saving ${r.savingPct} %, same pick: ${r.picksMatch ? 'yes' : 'no'}, same "met every budget" list: ${r.sameMetEveryBudget ? 'yes' : 'no'}`);
  console.log(row(r.exhaustive));
  console.log(row(r.planner));
  console.log(`  planner skips by rule: ${Object.entries(r.planner.skipsByRule).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}; passing cells it did not measure: ${r.plannerSkippedPassingCells.join(', ') || 'none'}`);
}
console.log(
  `wall-time saving: median ${result.savingPct.median} %, range ${result.savingPct.min}–${result.savingPct.max} %; gate on the worst pair (${worst.pair}): ` +
    `${worst.savingPct} % (required ≥ ${REQUIRED_SAVING * 100} %); same overall pick in every pair: ${result.picksMatchInEveryPair ? 'yes' : 'no'}`,
);
console.log(`written: ${outFile}`);
process.exit(result.pass ? 0 : 1);
