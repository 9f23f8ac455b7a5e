// llama-server gets no credential: a hub token in the harness's environment would otherwise reach a process that
// can be told to download from any URL. Checked on a real server, in its /proc/<pid>/environ.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { isCredentialVariable, serverEnvironment } from '../../harness/llama/env.ts';
import { startServer } from '../../harness/llama/launch.ts';
import { quantizerFor, resolveLlama } from '../../harness/llama/resolve.ts';
import { ensureBuiltinModel } from '../../harness/models/builtin.ts';
import { silentProgress } from '../../harness/progress.ts';

const SECRETS = {
  HF_TOKEN: 'hf_secret_token_value',
  HUGGING_FACE_HUB_TOKEN: 'hf_secret_hub_token',
  HF_TOKEN_PATH: '/secret/token/path',
  HF_API_TOKEN: 'hf_secret_api',
  LLAMA_ARG_HF_TOKEN: 'hf_secret_llama_arg',
  LLAMA_API_KEY: 'secret-api-key',
  AWS_SECRET_ACCESS_KEY: 'secret-aws',
  GITHUB_TOKEN: 'ghp_secret',
};

afterEach(() => {
  vi.unstubAllEnvs();
});

test('credential variables are recognised; ordinary ones are not', () => {
  for (const name of Object.keys(SECRETS)) expect(isCredentialVariable(name), name).toBe(true);
  for (const name of ['PATH', 'HOME', 'LD_LIBRARY_PATH', 'HF_HOME', 'HF_ENDPOINT', 'GGML_METAL_DISABLE', 'LLAMA_ARG_THREADS', 'OMP_NUM_THREADS', 'LANG', 'TMPDIR']) {
    expect(isCredentialVariable(name), name).toBe(false);
  }
  expect(serverEnvironment({ PATH: '/bin', HF_TOKEN: 'x', UNSET: undefined })).toEqual({ PATH: '/bin' });
});

test('a real llama-server started with HF_TOKEN and friends set has none of them in /proc/<pid>/environ', async () => {
  const llama = await resolveLlama(null, silentProgress);
  const model = await ensureBuiltinModel('tiny', 'Q4_K_M', quantizerFor(llama, silentProgress), silentProgress);
  for (const [k, v] of Object.entries(SECRETS)) vi.stubEnv(k, v);
  vi.stubEnv('BENCH_HARMLESS_MARKER', 'kept');
  const server = await startServer({
    serverPath: llama.serverPath,
    modelPath: model.path,
    threads: 1,
    ctx: 512,
    priority: 'nice10',
    cpuAffinity: null,
    parallel: 1,
    extraArgs: [],
    logFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'server-env-')), 'server.log'),
    loadTimeoutMs: 120_000,
    stopGraceMs: 5000,
  });
  try {
    // /health answered, so the pid (through setpriv, nice and ionice, which exec in place) is llama-server itself
    expect(readFileSync(`/proc/${server.pid}/comm`, 'utf8').trim()).toBe('llama-server');
    const environ = readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const names = environ.map((e) => e.slice(0, e.indexOf('=')));
    for (const name of Object.keys(SECRETS)) expect(names).not.toContain(name);
    for (const value of Object.values(SECRETS)) expect(environ.join('\n')).not.toContain(value);
    expect(environ).toContain('BENCH_HARMLESS_MARKER=kept');
    expect(names).toContain('PATH');
  } finally {
    await server.stop();
  }
});
