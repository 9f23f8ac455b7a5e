// `npm run bench -- --url URL [--pid PID]`: the shortcut for a server started elsewhere. Bad input exits 2 naming
// the flag; nothing is contacted, created or started by the validation. The resume key of a remote target uses the
// version the server reported, not a llama.cpp build.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keyParts } from '../../harness/matrix/checkpoint.ts';
import type { Plan } from '../../harness/plan.ts';
import { renderRemoteDryRun } from '../../harness/server/dry-run.ts';
import type { PlannedTarget } from '../../harness/server/target.ts';
import { BASE, accepts, rejects, sandbox } from './bad-input-helpers.ts';

let server: Server;
let port: number;
beforeAll(async () => {
  // Something on loopback for --pid to be checked against: this process listens, so it is "the server".
  server = createServer((_q, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

describe('--url and --pid', () => {
  test('--url makes the target a remote-llama at that URL; --pid names its process', () => {
    const r = accepts(sandbox(), ['--url', `http://127.0.0.1:${port}`, '--pid', String(process.pid)]);
    expect(r.loaded.config.target).toMatchObject({ kind: 'remote-llama', url: `http://127.0.0.1:${port}`, pid: process.pid });
    expect(r.target).toEqual({ url: `http://127.0.0.1:${port}`, pid: process.pid });
    // one cell, the server's own model; the axes it does not control are named in a warning
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/matrix.quants, matrix.threads, matrix.ctx, matrix.priority are not applied/);
  });
  test('a URL that is not this machine: exit 2 naming --url, with the opt-in', () => {
    rejects(sandbox(), [/--url: got "http:\/\/192\.0\.2\.7:8080", 192\.0\.2\.7 is not this machine .*target\.allow_remote: true/], ['--url', 'http://192.0.2.7:8080']);
  });
  test('a URL that is not http(s), or holds a password', () => {
    rejects(sandbox(), [/--url: got the scheme "ftp", expected http or https/], ['--url', 'ftp://127.0.0.1:8080']);
    rejects(sandbox(), [/--url: got ".*", holds a user name or password/], ['--url', 'http://u:p@127.0.0.1:8080']);
  });
  test('a --pid that is not a number, and --pid without --url', () => {
    rejects(sandbox(), [/--pid: got "abc", expected the process id of the server at --url/], ['--url', `http://127.0.0.1:${port}`, '--pid', 'abc']);
    rejects(sandbox(), [/--pid: names the process of a server started elsewhere; expected --url with it/], ['--pid', String(process.pid)]);
  });
  test('a --pid with no process, or one that does not listen on the port of --url: exit 2 naming --pid', () => {
    rejects(sandbox(), [/--pid: no process 4194000 is running on this machine/], ['--url', `http://127.0.0.1:${port}`, '--pid', '4194000']);
    rejects(sandbox(), [/--pid: nothing on this machine listens on port 9 /], ['--url', 'http://127.0.0.1:9', '--pid', String(process.pid)]);
  });
  test('--tune and --flow search the matrix of a launched server: refused with a remote target', () => {
    rejects(sandbox(), [/--tune: searches the matrix of a llama-server launched here; the remote-llama target at http:\/\/127\.0\.0\.1:9 was started elsewhere/], ['--url', 'http://127.0.0.1:9', '--tune', 'interactive']);
  });
  test('an API key variable that is not set: exit 2 naming target.api_key_env', () => {
    const yaml = `target:\n  kind: remote-openai\n  url: http://127.0.0.1:${port}/v1\n  model: m\n  api_key_env: BENCH_TEST_KEY_UNSET\n`;
    const withTarget = sandbox(`${BASE}${yaml}`);
    rejects(withTarget, [/target\.api_key_env \(line \d+\): the environment variable BENCH_TEST_KEY_UNSET is not set/]);
  });
});

describe('--dry-run with a remote target', () => {
  test('lists the target and its cell, and which profiles it skips and why, without contacting it', () => {
    const r = accepts(sandbox(), ['--url', 'http://127.0.0.1:9', '--dry-run']);
    const lines = renderRemoteDryRun(r.loaded, r.profiles);
    expect(lines).toContain('  server @127.0.0.1:9');
    expect(lines).toContain('CPU and RSS: skipped (no pid given: target.pid, target.pid_file or --pid)');
    expect(lines).toContain('  interactive: runs');
    expect(lines.find((l) => l.startsWith('  wake: '))).toMatch(/skipped: the wake profile needs relaunch, sleep and process/);
    expect(lines.find((l) => l.startsWith('  idle: '))).toMatch(/skipped: the idle profile needs process/);
  });
});

describe('the resume key of a remote target', () => {
  const target = (reported: string, commit: string | null): PlannedTarget => ({
    kind: 'remote-openai',
    url: 'http://127.0.0.1:11434/v1',
    api: 'openai',
    apiKeyEnv: null,
    facts: { name: 'ollama', version: reported, commit, reported, model: 'm', slots: null, ctx: null, metrics: false, notes: [] },
    capabilities: [],
    process: null,
    noProcess: 'x',
  });
  const plan = (t: PlannedTarget): Plan =>
    ({
      llama: { version: 'unused', commit: 'unused' },
      target: t,
      config: { llama: { server_path: null }, sampler: {}, verdicts: {}, profiles: { idle: {} }, target: { kind: 'remote-openai', url: t.url, model: 'm', allow_remote: false } },
      budgets: { idle: [] },
    }) as unknown as Plan;
  const planned = { cell: { id: 'm @127.0.0.1:11434' }, model: { sha256: '' } } as never;
  test("uses the server's reported version, and names the target among the conditions", () => {
    const parts = keyParts(plan(target('ollama 0.12.3', null)), planned, 'idle');
    expect(parts.llama).toEqual({ version: 'ollama 0.12.3', commit: '' });
    expect(parts.conditions).toMatchObject({ target: { kind: 'remote-openai', url: 'http://127.0.0.1:11434/v1', model: 'm', api: 'openai' } });
    const other = keyParts(plan(target('ollama 0.13.0', null)), planned, 'idle');
    expect(other.llama.version).not.toBe(parts.llama.version);
  });
});
