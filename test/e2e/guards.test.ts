// Cell guards on tiny through a real llama-server, with fake sensors: a thermal zone reading 95 °C (BENCH_SYSFS_ROOT)
// and a meminfo file whose used swap grows by 64 KiB every 50 ms (BENCH_MEMINFO). The idle cell (limit 80 °C) and the
// interactive cell (allow_swap: false, temperature guard off) are each aborted with the reading recorded, no
// llama-server outlives the run, and the report is written. Also checked on the same run: the server's two log files,
// output.formats without csv, and logging.file.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { runVitest, serversTagged, tinyConfig } from './helpers.ts';

const tag = `guards-e2e-${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'guards-e2e-'));
const sys = path.join(dir, 'sys');
const meminfo = path.join(dir, 'meminfo');
const logFile = path.join(dir, 'harness.log');
// 64 KiB more swap used every 50 ms (1.3 MB/s): far from running out over a slow run (SwapFree must stay ≥ 0).
let freeKb = 1_048_576;
function writeMeminfo(): void {
  writeFileSync(`${meminfo}.tmp`, `MemTotal: 24000000 kB\nSwapTotal: 1048576 kB\nSwapFree: ${freeKb} kB\n`);
  renameSync(`${meminfo}.tmp`, meminfo);
  freeKb = Math.max(0, freeKb - 64);
}
let swapTimer: NodeJS.Timeout;

let report: RunReport;
let runDir: string;
let output: string;
let idle: CellReport;
let interactive: CellReport;
let durationMs: number;

beforeAll(async () => {
  mkdirSync(path.join(sys, 'class/thermal/thermal_zone0'), { recursive: true });
  writeFileSync(path.join(sys, 'class/thermal/thermal_zone0/temp'), '95000\n');
  writeMeminfo();
  swapTimer = setInterval(writeMeminfo, 50);
  const { file, outDir } = tinyConfig(
    `llama:\n  extra_args: [--alias, ${tag}]\n  stop_grace_s: 10\nguards:\n  abort_temperature_c: 80\noutput:\n  dir: ${path.join(path.dirname(logFile), 'results')}\n  formats: [json, html]\nlogging:\n  level: info\n  file: ${logFile}\n`,
    // idle would measure for 30 s and interactive send 50 requests: an abort shows as a short cell.
    (t) =>
      t
        .replace('    duration_s: 2\n', '    duration_s: 30\n')
        .replace('    repetitions: 6\n', '    repetitions: 50\n    guards: { abort_temperature_c: null, allow_swap: false }\n')
        .replace(/output:\n {2}dir: .*\n/, ''),
  );
  void outDir;
  const t0 = performance.now();
  const done = await runVitest(['--project', 'idle', '--project', 'interactive'], file, { env: { BENCH_SYSFS_ROOT: sys, BENCH_MEMINFO: meminfo } }).done;
  durationMs = performance.now() - t0;
  output = done.output;
  const results = path.join(dir, 'results');
  const runId = existsSync(results) ? readdirSync(results).find((d) => /^\d{8}-/.test(d)) : undefined;
  if (!runId) throw new Error(`no run directory:\n${output.slice(-3000)}`);
  runDir = path.join(results, runId);
  report = JSON.parse(readFileSync(path.join(runDir, 'scoreboard.json'), 'utf8')) as RunReport;
  const cell = (profile: string) => {
    const c = report.cells.find((x) => x.profile === profile);
    if (!c) throw new Error(`no ${profile} cell:\n${output.slice(-3000)}`);
    return c;
  };
  idle = cell('idle');
  interactive = cell('interactive');
}, 600_000);
afterAll(() => clearInterval(swapTimer));

describe('cell guards on tiny', () => {
  test('idle: the fake 95 °C sensor aborts the cell at once (limit 80 °C), errored with the reading', () => {
    const m = idle.measurement!;
    expect(idle.state).toBe('errored');
    expect(idle.error).toMatch(/^aborted by guards\.abort_temperature_c: CPU temperature 95\.0 °C above the limit of 80 °C/);
    expect(m.guards?.tripped).toMatchObject({ guard: 'temperature', reading: 95, limit: 80, unit: '°C' });
    expect(m.guards?.swap.status).toBe('off');
    // Aborted, not measured for its 30 s: a cell that measured its window takes the window and more (server load,
    // settle), so the window itself is the bound. A flat 25 s left a loaded machine 5 s less for loading and stopping.
    expect(m.durationMs).toBeLessThan(30_000);
    expect(idle.verdicts.length).toBeGreaterThan(0);
    expect(idle.verdicts.every((v) => v.status === 'error')).toBe(true);
  });

  test('interactive: allow_swap false aborts the cell when the fake swap grows, with the figure; its temperature guard is off', () => {
    const m = interactive.measurement!;
    expect(interactive.state).toBe('errored');
    expect(interactive.error).toMatch(/^aborted by guards\.allow_swap false: swap grew by \d+\.\d+ MB \(from \d+\.\d+ to \d+\.\d+ MB used\)/);
    expect(m.guards?.tripped).toMatchObject({ guard: 'swap', limit: 0, unit: 'MB' });
    expect(m.guards!.tripped!.reading).toBeGreaterThan(0);
    expect(m.guards?.temperature.status).toBe('off');
    expect(interactive.verdicts.every((v) => v.status === 'error')).toBe(true);
  });

  test('no llama-server outlives the run', () => {
    expect(serversTagged(tag)).toEqual([]);
  });

  test('the report is written (json and html; output.formats leaves out csv) and names the aborts', () => {
    expect(existsSync(path.join(runDir, 'report.html'))).toBe(true);
    expect(existsSync(path.join(runDir, 'scoreboard.csv'))).toBe(false);
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('aborted by guards.abort_temperature_c');
    expect(html).toContain('aborted by guards.allow_swap false');
  });

  test('the server wrote server.stdout.log and server.stderr.log, listed in the measurement; a crash cause would read them', () => {
    for (const c of [idle, interactive]) {
      const files = c.measurement!.files;
      expect(files.serverStderr, c.profile).toMatch(/server\.stderr\.log$/);
      expect(files.serverStdout, c.profile).toMatch(/server\.stdout\.log$/);
      expect(files.serverLog).toBeUndefined();
      expect(readFileSync(path.join(runDir, files.serverStderr!), 'utf8')).toMatch(/llama|server/i);
    }
  });

  test('logging.file holds the time-stamped cell lines, the guard trips among them', () => {
    const text = readFileSync(logFile, 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\S+Z info \[tiny Q4_K_M t1 c1024 nice10 · idle\] llama-server pid \d+ ready/m);
    expect(text).toMatch(/ error \[tiny Q4_K_M t1 c1024 nice10 · idle\] aborted by guards\.abort_temperature_c/);
    expect(text).toMatch(/ error \[tiny Q4_K_M t1 c1024 nice10 · interactive\] aborted by guards\.allow_swap false/);
    expect(durationMs).toBeGreaterThan(0);
  });
});
