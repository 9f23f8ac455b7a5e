// The sampler against real processes: a CPU burner, a sleeper and a 200 MB allocation, read from the real /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
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
  test('a busy loop: the sampler counts the CPU time the child itself says it got', async () => {
    // On a loaded machine a busy child may get far less than a core, so the reference is not a fixed share but the
    // child's own account (process.cpuUsage: getrusage), which the sampler must match from /proc schedstat.
    const script = `console.log("ready"); process.stdin.once("data", () => {
      const u0 = process.cpuUsage(); const end = Date.now() + 1500; while (Date.now() < end) {}
      const u = process.cpuUsage(u0); console.log(JSON.stringify({ cpuMs: (u.user + u.system) / 1000 })); setInterval(() => {}, 1000);
    });`;
    const c = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(c);
    const lines = (async function* () {
      let buffer = '';
      for await (const chunk of c.stdout!) {
        buffer += String(chunk);
        let i: number;
        while ((i = buffer.indexOf('\n')) >= 0) {
          yield buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
        }
      }
    })();
    expect((await lines.next()).value).toBe('ready');
    const baselineAt = performance.now();
    const s = new Sampler(c.pid!, { intervalMs: 100 }).start();
    c.stdin!.write('go\n');
    const report = JSON.parse((await lines.next()).value as string) as { cpuMs: number };
    const { rows } = s.stop();
    let sampledMs = 0;
    let prevAt = baselineAt;
    for (const r of rows) {
      sampledMs += ((r.cpuCorePct ?? 0) / 100) * (r.at - prevAt);
      prevAt = r.at;
    }
    expect(rows.every((r) => r.cpuCorePct !== null)).toBe(true);
    // The sampler's window holds the busy span plus a little idle time on either side.
    expect(sampledMs).toBeGreaterThan(report.cpuMs * 0.9 - 20);
    expect(sampledMs).toBeLessThan(report.cpuMs * 1.1 + 50);
    // And never more than one core for a single-threaded loop (its GC threads add a little).
    const cpu = summarize(rows.map((r) => r.cpuCorePct!))!;
    expect(cpu.max).toBeLessThan(130);
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
    expect(csv[1]).toMatch(/,,,$/);
  });

  test('a process that exits leaves null CPU, not a crash', async () => {
    const c = await child('console.log("go"); setTimeout(() => process.exit(0), 150)');
    const { rows } = await sample(c.pid!, 400);
    expect(rows.at(-1)!.cpuCorePct).toBeNull();
    expect(rows.at(-1)!.pids).toBe(0);
  });
});
