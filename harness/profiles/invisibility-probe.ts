// Runs in its own Node process, like the user's own programs: a fixed CPU-bound task under tinybench, then how late
// 10 ms timers fire. Prints one JSON line. `node --import tsx invisibility-probe.ts <foregroundMs> <latenessMs>`
import { measureForeground, timerLateness } from '../analysis/invisibility.ts';
import { percentile, sortSamples } from '../stats/summary.ts';

const [foregroundMs = '1000', latenessMs = '1000'] = process.argv.slice(2);
const foreground = await measureForeground({ timeMs: Number(foregroundMs) });
const { latenessMs: lateness } = await timerLateness({ intervalMs: 10, durationMs: Number(latenessMs) });
const p99 = lateness.length ? percentile(sortSamples(lateness), 0.99) : null;
const samplesMs = foreground.samplesMs.map((x) => Math.round(x * 1000) / 1000);
process.stdout.write(`${JSON.stringify({ foreground: { ...foreground, samplesMs }, latenessP99Ms: p99, latenessSamples: lateness.length })}\n`);
