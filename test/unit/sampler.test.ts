// The sampler against real processes: a CPU burner, a sleeper and a 200 MB allocation, read from the real /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { CLOCK_TICKS_PER_SECOND } from '../../harness/sampler/proc.ts';
import { Sampler, samplesCsv } from '../../harness/sampler/sampler.ts';
import { summarize } from '../../harness/stats/summary.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

async function child(script: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  await once(c.stdout!, 'data'); // the child prints once it has started its work
  return c;
}

async function sample(pid: number, ms: number) {
  const s = new Sampler(pid, { intervalMs: 100 }).start();
  await sleep(ms);
  return s.stop();
}

describe.skipIf(process.platform !== 'linux')('Sampler on real processes', () => {
  test('a busy loop: the CPU time the ticks credit matches what the kernel charged the process, and no tick exceeds the machine', async () => {
    const c = await child('console.log("go"); for (;;) {}');
    // utime + stime (10 ms resolution) is an independent account of the same CPU time; on a loaded machine the
    // busy loop gets less than a core, so the check is against what the kernel charged, not against one core.
    const charged = () => {
      const f = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) / CLOCK_TICKS_PER_SECOND) * 1000;
    };
    const s = new Sampler(c.pid!, { intervalMs: 100 }).start();
    const before = charged();
    await sleep(1500);
    const after = charged();
    const { rows } = s.stop();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const creditedMs = rows.reduce((a, r) => a + (r.cpuCorePct! / 100) * (r.at - r.since), 0);
    // Two 10 ms jiffies of resolution at each end, and the reads are not at the same instants as the ticks.
    expect(Math.abs(creditedMs - (after - before))).toBeLessThan(60 + 0.1 * (after - before));
    expect(creditedMs).toBeGreaterThan(0);
    for (const r of rows) expect(r.cpuMachinePct!).toBeLessThanOrEqual(100);
  });

  test('a sleeping process measures near zero', async () => {
    const c = await child('console.log("go"); setInterval(() => {}, 1000)');
    const { rows } = await sample(c.pid!, 1000);
    const cpu = summarize(rows.map((r) => r.cpuCorePct!))!;
    expect(cpu.mean).toBeLessThan(3);
  });

  test('a 200 MB allocation shows at least 200 MB RSS', async () => {
    const c = await child('const b = Buffer.alloc(200 * 1024 * 1024, 1); console.log("go"); setInterval(() => b[0]++, 1000)');
    const { rows } = await sample(c.pid!, 500);
    const peak = Math.max(...rows.map((r) => r.rssMb!));
    expect(peak).toBeGreaterThanOrEqual(200 * 1.048576);
  });

  test('missing sensors are reported with a reason; CSV leaves them empty', async () => {
    const c = await child('console.log("go"); setInterval(() => {}, 1000)');
    const s = new Sampler(c.pid!, { intervalMs: 50, sys: '/nonexistent-sysfs' }).start();
    await sleep(200);
    const { rows, unavailable } = s.stop();
    expect(unavailable.temperature).toMatch(/no temperature sensor/);
    expect(unavailable.energy).toMatch(/no RAPL/);
    expect(rows.every((r) => r.temperatureC === null && r.energyJ === null)).toBe(true);
    const csv = samplesCsv(rows).split('\n');
    expect(csv[0]).toMatch(/^t_ms,cpu_core_pct,cpu_machine_pct,rss_mb/);
    const header = csv[0]!.split(',');
    const first = csv[1]!.split(',');
    for (const col of ['temperature_c', 'frequency_mhz', 'energy_j']) expect(first[header.indexOf(col)], col).toBe('');
    // The server's VSZ is read like its RSS, and each tick carries its wall-clock time.
    expect(Number(first[header.indexOf('vsz_mb')])).toBeGreaterThan(Number(first[header.indexOf('rss_mb')]));
    expect(Math.abs(Number(first[header.indexOf('epoch_ms')]) - Date.now())).toBeLessThan(60_000);
  });

  test('a process that exits leaves null CPU, not a crash', async () => {
    const c = await child('console.log("go"); setTimeout(() => process.exit(0), 150)');
    const s = new Sampler(c.pid!, { intervalMs: 100 }).start();
    // Wait for the exit itself (reaped: its /proc entry is gone), not a fixed time a loaded machine may not honour.
    if (c.exitCode === null && c.signalCode === null) await once(c, 'exit');
    s.tick();
    const { rows } = s.stop();
    expect(rows.at(-1)!.cpuCorePct).toBeNull();
    expect(rows.at(-1)!.pids).toBe(0);
  });
});
