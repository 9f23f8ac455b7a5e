// The Scaphandre path against a local HTTP server serving changing Prometheus text: the server's own pids are
// summed, foreign pids left out, and a scrape failure mid-run makes E_llm fall back to the CPU-time share, saying so.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { energySchema } from '../../harness/config/energy-schema.ts';
import { EnergyRecorder, energySource } from '../../harness/energy/recorder.ts';
import { integrate, parseProcessPower, ScaphandreScraper } from '../../harness/energy/scaphandre.ts';
import type { SampleRow } from '../../harness/sampler/sampler.ts';

const OURS = [4242, 4243];
const FOREIGN = 999;
/** What the exporter serves now: our two pids at `ours` W in total, a foreign one at 50 W; or a failure. */
let state: { ours: number; fail: boolean } = { ours: 6, fail: false };
let server: Server;
let url: string;

function exposition(): string {
  const half = (state.ours / 2) * 1e6;
  return [
    '# HELP scaph_process_power_consumption_microwatts Power consumption due to the process, measured on at the topology level, in microwatts',
    '# TYPE scaph_process_power_consumption_microwatts gauge',
    `scaph_process_power_consumption_microwatts{exe="llama-server",pid="${OURS[0]}",cmdline="llama-server --model x"} ${half}`,
    `scaph_process_power_consumption_microwatts{pid="${OURS[1]}",exe="llama-server"} ${half}`,
    `scaph_process_power_consumption_microwatts{exe="chrome",pid="${FOREIGN}",cmdline="chrome"} 50000000`,
    'scaph_host_power_microwatts 80000000',
    `scaph_process_cpu_usage_percentage{pid="${OURS[0]}"} 97`,
  ].join('\n');
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    if (state.fail) {
      res.writeHead(503).end('exporter down');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(() => server?.close());

describe('parsing', () => {
  test('per-pid power of the process metric only, in µW; junk lines are left out', () => {
    const p = parseProcessPower(`${exposition()}\nscaph_process_power_consumption_microwatts{pid="1"} NaN\nscaph_process_power_consumption_microwatts{exe="x"} 5\nscaph_process_power_consumption_microwatts{pid="7"} -3`);
    expect([...p.entries()].sort()).toEqual([[FOREIGN, 50e6], [OURS[0], 3e6], [OURS[1], 3e6]].sort());
  });
  test('integration: trapezoids, interpolated at the ends; not bracketed is null', () => {
    const s = [{ at: 0, watts: 10 }, { at: 1000, watts: 20 }, { at: 2000, watts: 20 }];
    expect(integrate(s, 0, 2000)).toBeCloseTo(35, 9);
    expect(integrate(s, 500, 1500)).toBeCloseTo(17.5 / 2 + 10, 9); // 15→20 over 0.5 s, then 20 for 0.5 s
    expect(integrate(s, -1, 1000)).toBeNull();
    expect(integrate(s, 0, 2001)).toBeNull();
  });
});

const rows = (from: number, to: number): SampleRow[] => [
  { at: to + 1, since: from - 1, cpuCorePct: 100, cpuMachinePct: 50, rssMb: 1, pids: 2, systemCpuPct: 100, swapUsedMb: 0, psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null },
];

/** Waits on the scraper's progress, not a fixed time: on a loaded machine a scrape may come late. */
async function until(done: () => boolean) {
  while (!done()) await sleep(10);
}

async function requestWindow(recorder: EnergyRecorder, ms: number) {
  const start = recorder.mark();
  await sleep(ms / 4);
  const split = recorder.mark();
  await sleep((3 * ms) / 4);
  const end = recorder.mark();
  return { start, split, end, inputTokens: 10, outputTokens: 100, serverActiveMs: ms };
}

describe('E_llm from the exporter', () => {
  test("the server's pids only: 6 W over about 1 s, not the foreign 50 W", async () => {
    state = { ours: 6, fail: false };
    const recorder = new EnergyRecorder(energySource(energySchema.parse({}), '/tmp/x.yaml', null, { BENCH_POWERCAP_ROOT: '/nonexistent' }));
    const scraper = new ScaphandreScraper(url, () => new Set(OURS), 50).start();
    recorder.scaphandre = scraper;
    await until(() => scraper.samples.length > 0);
    const r = await requestWindow(recorder, 1000);
    await until(() => scraper.samples.some((x) => x.at >= r.end.at!));
    await scraper.stop();
    const m = recorder.finish({ requests: [r], baseline: null, baselineS: 0, window: { from: r.start, to: r.end }, rows: rows(r.start.at, r.end.at!), noProcess: null, grid: { gPerKwh: 480, source: 'x' } });
    const seconds = (r.end.at - r.start.at) / 1000;
    expect(m.e_llm_wh).toMatchObject({ status: 'ok', method: 'attributed' });
    expect(m.e_llm_wh!.value! * 3600).toBeCloseTo(6 * seconds, 6);
    expect(m.e_llm_wh!.reason).toMatch(/Scaphandre exporter at http:\/\/127\.0\.0\.1:\d+\/metrics: .*process tree only/);
    // the gross figures stay what they were: an estimate here (no RAPL), labelled so
    expect(m.total_wh!.method).toBe('estimated');
  });

  test('the power changes between scrapes: the integral follows it', async () => {
    state = { ours: 4, fail: false };
    const recorder = new EnergyRecorder(energySource(energySchema.parse({}), '/tmp/x.yaml', null, { BENCH_POWERCAP_ROOT: '/nonexistent' }));
    const scraper = new ScaphandreScraper(url, () => new Set(OURS), 25).start();
    recorder.scaphandre = scraper;
    await until(() => scraper.samples.length > 0);
    const start = recorder.mark();
    await sleep(500);
    state = { ours: 20, fail: false };
    const switchAt = performance.now();
    await sleep(500);
    const end = recorder.mark();
    await until(() => scraper.samples.some((x) => x.at >= end.at!));
    await scraper.stop();
    const m = recorder.finish({ requests: [{ start, split: start, end, inputTokens: 1, outputTokens: 10 }], baseline: null, baselineS: 0, window: { from: start, to: end }, rows: rows(start.at, end.at), noProcess: null, grid: { gPerKwh: 480, source: 'x' } });
    const j = m.e_llm_wh!.value! * 3600;
    // 4 W until the switch, 20 W after it; the trapezoid between the two scrapes around the switch can be off by at
    // most 16 W × their gap (a loaded machine may space scrapes wider than asked).
    const expected = (4 * (switchAt - start.at) + 20 * (end.at - switchAt)) / 1000;
    const before = scraper.samples.filter((x) => x.at <= switchAt).at(-1)!;
    const after = scraper.samples.find((x) => x.at > switchAt)!;
    expect(Math.abs(j - expected)).toBeLessThanOrEqual((16 * (after.at - before.at)) / 1000 + 1e-9);
    expect(scraper.samples.some((x) => x.watts === 4) && scraper.samples.some((x) => x.watts === 20)).toBe(true);
  });

  test('a scrape failure mid-run: E_llm falls back to the CPU-time share and says so', async () => {
    state = { ours: 6, fail: false };
    const recorder = new EnergyRecorder(energySource(energySchema.parse({}), '/tmp/x.yaml', null, { BENCH_POWERCAP_ROOT: '/nonexistent' }));
    const scraper = new ScaphandreScraper(url, () => new Set(OURS), 50).start();
    recorder.scaphandre = scraper;
    await sleep(200);
    const first = await requestWindow(recorder, 400);
    state = { ours: 6, fail: true };
    const second = await requestWindow(recorder, 400);
    await scraper.stop();
    expect(scraper.failure?.message).toMatch(/HTTP 503/);
    const m = recorder.finish({ requests: [first, second], baseline: null, baselineS: 0, window: { from: first.start, to: second.end }, rows: rows(first.start.at, second.end.at), noProcess: null, grid: { gPerKwh: 480, source: 'x' } });
    expect(m.e_llm_wh!.status).toBe('ok');
    expect(m.e_llm_wh!.reason).toMatch(/Scaphandre exporter at .* failed mid-run \(HTTP 503\): fell back from Scaphandre to the CPU-time share/);
    // the fallback is the estimate × the share (50 % of a fully busy machine), for both requests: never a mix
    expect(m.e_llm_wh!.method).toBe('estimated');
    expect(m.e_llm_wh!.stats!.n).toBe(2);
    expect(m.e_llm_wh!.value! * 3600).toBeCloseTo(((m.total_wh!.value! * 3600) * 0.5), 9);
  });

  test('an exporter with no line for the server is a failure, named', async () => {
    const scraper = new ScaphandreScraper(url, () => new Set([1]), 50);
    state = { ours: 6, fail: false };
    await scraper.scrape();
    expect(scraper.failure?.message).toMatch(/no scaph_process_power_consumption_microwatts line for the server's processes \(1\)/);
  });
});
