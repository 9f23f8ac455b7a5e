// `npm run bench:harness`: what the harness itself costs, so its own overhead is known, not assumed.
// Figures are ratios within one run on a noisy machine: compare them to each other, not across machines.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Bench } from 'tinybench';
import { CompletionStream } from '../harness/client/stream.ts';
import { Sampler } from '../harness/sampler/sampler.ts';

const TOKENS = 1000;
const event = (i: number) =>
  `data: ${JSON.stringify({ content: ` tok${i}`, tokens: [i], stop: false, id_slot: 0, tokens_predicted: i, tokens_evaluated: 12 })}\n\n`;
const stream = Array.from({ length: TOKENS }, (_, i) => event(i)).join('');
const streamBytes = Buffer.byteLength(stream);
// Split as a network would: 1460-byte segments cut events anywhere.
const segments: string[] = [];
for (let i = 0; i < stream.length; i += 1460) segments.push(stream.slice(i, i + 1460));

const child = spawn(process.execPath, ['-e', 'console.log("go"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'inherit'] });
await once(child.stdout!, 'data');
const sampler = new Sampler(child.pid!, { intervalMs: 1_000_000 });
sampler.tick();

const bench = new Bench({ time: 2000, warmupTime: 300 });
bench
  .add(`SSE parser: ${TOKENS}-token stream (${(streamBytes / 1024).toFixed(0)} KiB)`, () => {
    const s = new CompletionStream();
    for (const seg of segments) s.push(seg, 0);
    if (s.end().tokenCounts.length !== TOKENS) throw new Error('parser lost tokens');
  })
  .add('sampler: one tick (process tree CPU + RSS, /proc/stat, meminfo, PSI, sensors)', () => {
    sampler.tick();
  });
await bench.run();
child.kill('SIGKILL');

const rows = bench.tasks.map((t) => {
  const r = t.result as { state?: string; latency?: { mean: number; p99: number }; throughput?: { mean: number } } | undefined;
  const mean = r?.latency?.mean ?? NaN;
  return { task: t.name, meanMs: mean, p99Ms: r?.latency?.p99 ?? NaN };
});
console.table(rows.map((r) => ({ task: r.task, 'mean (ms)': r.meanMs.toFixed(4), 'p99 (ms)': r.p99Ms.toFixed(4) })));
const parser = rows[0]!;
const tick = rows[1]!;
console.log(`SSE parser throughput: ${((TOKENS / parser.meanMs) * 1000).toFixed(0)} events/s, ${(streamBytes / 1e6 / (parser.meanMs / 1000)).toFixed(1)} MB/s`);
for (const interval of [100, 50]) {
  console.log(`sampler CPU cost at ${interval} ms interval: ${((tick.meanMs / interval) * 100).toFixed(3)} % of one core`);
}
