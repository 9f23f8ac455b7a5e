// The llama-server lifecycle on its own: ready, stopped, a busy port, a load timeout. Real server, tiny model.
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ServerStartError, healthy, startServer, type LaunchOptions } from '../../harness/llama/launch.ts';
import { isStopped } from '../../harness/llama/proc-state.ts';
import { quantizerFor, resolveLlama, type LlamaInstall } from '../../harness/llama/resolve.ts';
import { ensureBuiltinModel } from '../../harness/models/builtin.ts';
import { silentProgress } from '../../harness/progress.ts';
import { waitFor } from './helpers.ts';

let options: LaunchOptions;
let llama: LlamaInstall;

beforeAll(async () => {
  llama = await resolveLlama(null, silentProgress);
  const model = await ensureBuiltinModel('tiny', 'Q4_K_M', quantizerFor(llama, silentProgress), silentProgress);
  options = {
    serverPath: llama.serverPath,
    modelPath: model.path,
    threads: 1,
    ctx: 512,
    priority: 'nice10',
    cpuAffinity: null,
    parallel: 1,
    extraArgs: [],
    logFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'server-')), 'server.log'),
    // Both bound a hang only: two tests assert the server left on SIGTERM (killed: false), which a nice-10 server
    // beside a CPU hog may take seconds of wall time to do, so the grace is far above it, not a measure of it.
    loadTimeoutMs: 120_000,
    stopGraceMs: 30_000,
  };
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('llama-server lifecycle', () => {
  test('starts on loopback, answers /health, stops on SIGTERM', async () => {
    const server = await startServer(options);
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await healthy(server.baseUrl)).toBe(true);
    expect(server.commandLine).toEqual(expect.arrayContaining(['--host', '127.0.0.1']));
    const stopped = await server.stop();
    expect(stopped.killed).toBe(false);
    expect(alive(server.pid)).toBe(false);
  });

  test('a stopped (SIGSTOP) server is continued so it can act on SIGTERM: not killed, and never left behind', async () => {
    const server = await startServer(options);
    process.kill(server.pid, 'SIGSTOP');
    await waitFor('the server to show as stopped', 10_000, () => isStopped(server.pid));
    const stopped = await server.stop();
    expect(stopped).toMatchObject({ wasStopped: true, killed: false, signal: null, exitCode: 0 });
    expect(alive(server.pid)).toBe(false);
  });

  test('a busy port is a clear error and leaves no process', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const error = await startServer(options, port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerStartError);
      expect((error as ServerStartError).shortMessage).toMatch(/exited while loading/);
      expect((error as ServerStartError).details.logTail).toMatch(/bind|address/i);
    } finally {
      blocker.close();
    }
  });

  test('a load timeout kills the server and says so', async () => {
    const error = (await startServer({ ...options, loadTimeoutMs: 1 }).catch((e: unknown) => e)) as ServerStartError;
    expect(error).toBeInstanceOf(ServerStartError);
    expect(error.details.timedOut).toBe(true);
    expect(error.shortMessage).toMatch(/did not become ready within 0.001 s/);
  });
});
