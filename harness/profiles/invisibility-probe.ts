// Runs in its own Node process, like the user's own programs, and stays up for the whole cell so every phase is
// measured by the same warmed-up process. For each request line on stdin, `{"foregroundMs":…,"latenessMs":…}`, it
// runs a fixed CPU-bound task under tinybench, then measures how late 10 ms timers fire, and prints one JSON line.
import { createInterface } from 'node:readline';
import { measureForeground, timerLateness } from '../analysis/invisibility.ts';

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { foregroundMs, latenessMs } = JSON.parse(line) as { foregroundMs: number; latenessMs: number };
  const foreground = await measureForeground({ timeMs: foregroundMs });
  const { latenessMs: lateness } = await timerLateness({ intervalMs: 10, durationMs: latenessMs });
  process.stdout.write(`${JSON.stringify({ foregroundMs: round(foreground.samplesMs), latenessMs: round(lateness) })}\n`);
}
