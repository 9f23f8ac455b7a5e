// Runs in its own Node process, like the user's own programs, and stays up for the whole cell so every phase is
// measured by the same warmed-up process. For each request line on stdin, `{"foregroundMs":…,"latenessMs":…}`, it
// runs a fixed CPU-bound task under tinybench, then measures how late 10 ms timers fire, and prints one JSON line.
import { createInterface } from 'node:readline';
import { measureForeground, timerLateness } from '../../analysis/invisibility.ts';

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { foregroundMs, latenessMs } = JSON.parse(line) as { foregroundMs: number; latenessMs: number };
  // The share of a core the probe got while its task ran: below 100 % it waited for a CPU; at 100 % a slowdown
  // comes from shared caches and memory bandwidth instead.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const foreground = await measureForeground({ timeMs: foregroundMs });
  const cpu = process.cpuUsage(cpu0);
  const cpuSharePct = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
  const { latenessMs: lateness } = await timerLateness({ intervalMs: 10, durationMs: latenessMs });
  process.stdout.write(`${JSON.stringify({ foregroundMs: round(foreground.samplesMs), latenessMs: round(lateness), cpuSharePct })}\n`);
}
