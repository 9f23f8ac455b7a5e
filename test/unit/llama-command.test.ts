import { describe, expect, test } from 'vitest';
import { knobArgs, serverCommand, type ServerSpec } from '../../harness/llama/command.ts';
import { checkBuildToolchain } from '../../harness/llama/toolchain.ts';
import { encodeEntry, GgmlType, GgufType, readGgufHeader, writeGguf } from '../../harness/models/gguf.ts';
import { toHalf } from '../../harness/models/generate.ts';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const spec: ServerSpec = {
  serverPath: '/bin/llama-server', modelPath: '/m.gguf', threads: 2, ctx: 2048, priority: 'nice10', cpuAffinity: null, parallel: 1, extraArgs: [],
};
const linux = { os: 'linux' as const, has: () => true };

describe('serverCommand', () => {
  test('wrappers exec into llama-server, bound to loopback', () => {
    const c = serverCommand(spec, 8080, linux);
    expect([c.command, ...c.args].slice(0, 11)).toEqual(['setpriv', '--pdeathsig', 'KILL', '--', 'nice', '-n', '10', 'ionice', '-c', '2', '-n']);
    expect(c.args).toEqual(expect.arrayContaining(['/bin/llama-server', '--host', '127.0.0.1', '--port', '8080', '--threads', '2', '--ctx-size', '2048', '--prio', '0']));
  });
  test('normal priority and affinity; macOS disables Metal', () => {
    const c = serverCommand({ ...spec, priority: 'normal', cpuAffinity: '1' }, 1, linux);
    expect(c.args.slice(0, 6)).toEqual(['--pdeathsig', 'KILL', '--', 'taskset', '-c', '1']);
    const mac = serverCommand(spec, 1, { os: 'darwin', has: () => false });
    expect(mac.command).toBe('nice');
    expect(mac.env.GGML_METAL_DISABLE).toBe('1');
  });
  test('sched_idle wraps llama-server in chrt --idle 0 after nice 19 and ionice idle, and leaves --prio at 0', () => {
    const c = serverCommand({ ...spec, priority: 'sched_idle' }, 1, linux);
    const line = [c.command, ...c.args].join(' ');
    expect(line).toContain('nice -n 19 ionice -c 3 chrt --idle 0 /bin/llama-server ');
    expect(line).toContain('--prio 0');
    // no chrt, or not Linux: the cell fails rather than run at another priority under this one's name
    expect(() => serverCommand({ ...spec, priority: 'sched_idle' }, 1, { os: 'linux', has: (cmd) => cmd !== 'chrt' })).toThrow(/needs chrt/);
    expect(() => serverCommand({ ...spec, priority: 'sched_idle' }, 1, { os: 'darwin', has: () => true })).toThrow(/needs Linux/);
    for (const p of ['normal', 'nice10', 'nice19'] as const) expect(serverCommand({ ...spec, priority: p }, 1, linux).args).not.toContain('chrt');
  });
  test('nice19 keeps its inherited nice value: --prio 0, not -1 (llama.cpp would setpriority(5) and undo nice 19)', () => {
    const c = serverCommand({ ...spec, priority: 'nice19' }, 1, linux);
    const line = [c.command, ...c.args].join(' ');
    expect(line).toContain('nice -n 19 ionice -c 3 /bin/llama-server ');
    expect(c.args[c.args.indexOf('--prio') + 1]).toBe('0');
  });
  test('matrix knobs become llama-server flags; the affinity knob overrides llama.cpu_affinity', () => {
    const c = serverCommand({ ...spec, cpuAffinity: '0', knobs: { poll: 0, ubatch_size: 128, threads_batch: 1, flash_attn: 'off', mmap: false, affinity: '1' } }, 1, linux);
    const args = c.args.join(' ');
    expect(args).toContain('taskset -c 1 ');
    expect(args).not.toContain('taskset -c 0');
    expect(args).toContain('--threads-batch 1');
    expect(args).toContain('--poll 0 --ubatch-size 128 --flash-attn off --load-mode none');
    expect(knobArgs({ mlock: true })).toEqual(['--load-mode', 'mmap+mlock']);
    expect(knobArgs({ mlock: true, mmap: false })).toEqual(['--load-mode', 'mlock']);
    expect(knobArgs({ mmap: true })).toEqual(['--load-mode', 'mmap']);
    expect(knobArgs({})).toEqual([]);
  });
});

describe('toolchain check', () => {
  test('names every missing tool with how to install it', () => {
    expect(() => checkBuildToolchain((c) => c === 'git' || c === 'tar')).toThrow(/cmake .*apt-get install -y cmake[\s\S]*C\+\+ compiler .*g\+\+/);
    expect(() => checkBuildToolchain(() => true)).not.toThrow();
  });
});

describe('GGUF', () => {
  test('write then read back entries', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gguf-')), 'x.gguf');
    writeGguf(file, [encodeEntry('general.architecture', GgufType.STRING, 'llama'), encodeEntry('llama.block_count', GgufType.UINT32, 4)], [
      { name: 't', dims: [4], type: GgmlType.F32, fill: () => new Uint8Array(16) },
    ]);
    const h = readGgufHeader(file);
    expect(h.tensorCount).toBe(1n);
    expect(h.entries.map((e) => [e.key, e.value])).toEqual([['general.architecture', 'llama'], ['llama.block_count', 4]]);
  });
  test('half-precision conversion', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(0.5)).toBe(0x3800);
    expect(toHalf(0)).toBe(0);
  });
});
