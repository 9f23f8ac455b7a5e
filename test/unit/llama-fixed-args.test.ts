// The harness's own llama-server arguments win, even over an extra argument that slipped past the config's
// refusals: llama.cpp keeps the last value of a flag, so the fixed arguments come last. And the refusal list covers
// every flag of the pinned llama.cpp that fetches from a URL, opens the server up or re-binds it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixedArgs, serverCommand, type ServerSpec } from '../../harness/llama/command.ts';
import { llamaCacheRoot } from '../../harness/llama/build.ts';
import { normaliseFlag, refusedEnvVar, refusedExtraArg } from '../../harness/config/extra-args.ts';

const spec: ServerSpec = {
  serverPath: '/bin/llama-server', modelPath: '/m.gguf', threads: 2, ctx: 2048, priority: 'nice10', cpuAffinity: null, parallel: 1, extraArgs: [],
};
const linux = { os: 'linux' as const, has: () => true };

/** What llama.cpp would end up with: the last value of each flag (its parser overwrites), negations included. */
function lastValue(args: string[], names: string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) if (names.includes(normaliseFlag(args[i]!))) value = args[i + 1];
  return value;
}
function lastOf(args: string[], flags: string[]): string | undefined {
  return args.filter((a) => flags.includes(normaliseFlag(a))).at(-1);
}

describe('fixed llama-server arguments come last', () => {
  // As if every refusal had been bypassed: the worst llama.extra_args an attacker could write.
  const hostile = ['--host', '0.0.0.0', '--port', '80', '--webui', '--ui', '-m', '/evil.gguf', '--threads', '64', '-c', '999999', '-np', '64', '--prio', '3', '-hf', 'org/evil'];
  const c = serverCommand({ ...spec, extraArgs: hostile, knobs: { poll: 0 } }, 8080, linux);
  const server = c.args.slice(c.args.indexOf('/bin/llama-server') + 1);

  test('the command line ends with the fixed arguments, after the extra ones', () => {
    const fixed = fixedArgs({ ...spec, extraArgs: hostile }, 8080, 0);
    expect(server.slice(-fixed.length)).toEqual(fixed);
    expect(server.indexOf('--poll')).toBeLessThan(server.indexOf('0.0.0.0'));
  });
  test('loopback on the chosen port, the web UI off, the cell’s model, threads, context and slots', () => {
    expect(lastValue(server, ['--host'])).toBe('127.0.0.1');
    expect(lastValue(server, ['--port'])).toBe('8080');
    expect(lastOf(server, ['--ui', '--webui', '--no-ui', '--no-webui'])).toBe('--no-webui');
    expect(lastValue(server, ['-m', '--model'])).toBe('/m.gguf');
    expect(lastValue(server, ['-t', '--threads'])).toBe('2');
    expect(lastValue(server, ['-c', '--ctx-size'])).toBe('2048');
    expect(lastValue(server, ['-np', '--parallel'])).toBe('1');
    expect(lastValue(server, ['--prio'])).toBe('0');
  });
  test('offline: llama.cpp downloads nothing, whatever else it was told', () => {
    expect(server.indexOf('--offline')).toBeGreaterThan(server.indexOf('-hf'));
  });
  test("a profile's own extra arguments still override the cell's knobs (wake's --poll levels)", () => {
    const wake = serverCommand({ ...spec, extraArgs: ['--poll', '100'], knobs: { poll: 0 } }, 1, linux).args;
    expect(lastValue(wake, ['--poll'])).toBe('100');
  });
});

describe('the refusals cover the pinned llama.cpp', () => {
  const argCpp = path.join(llamaCacheRoot(), 'src', 'common', 'arg.cpp');
  /** Every flag spelling of the pinned llama.cpp's common/arg.cpp, positive and negated. */
  function pinnedFlags(): string[] {
    const src = readFileSync(argCpp, 'utf8');
    const out = new Set<string>();
    for (const m of src.matchAll(/common_arg\(\s*(\{[^{}]*\})\s*,\s*(\{[^{}]*\})?/g)) {
      for (const group of [m[1], m[2]]) for (const f of (group ?? '').matchAll(/"(-[^"]+)"/g)) out.add(f[1]!);
    }
    return [...out];
  }
  // Harmless despite their names: a device buffer option, web UI settings (the UI is off), turning things off, a
  // speculative-decoding preset that downloads nothing.
  const HARMLESS = new Set(['--no-host', '--ui-config', '--webui-config', '--ui-config-file', '--webui-config-file', '--no-ui-mcp-proxy', '--no-webui-mcp-proxy', '--no-agent', '-no-ag', '--no-cors-credentials', '--spec-default']);
  const RISKY = /url|hf|docker|host|port|api-key|webui|^--(no-)?ui$|log-file|tools|agent|mcp|rpc|models-(dir|preset)|ssl|cors|^--path$|slot-save|^--props$|-default$/;

  test.skipIf(!existsSync(argCpp))('every flag that fetches, exposes or re-binds is refused', () => {
    const flags = pinnedFlags();
    expect(flags.length).toBeGreaterThan(300);
    const risky = flags.filter((f) => RISKY.test(f) && !HARMLESS.has(f));
    expect(risky.length).toBeGreaterThan(30);
    expect(risky.filter((f) => refusedExtraArg(f) === null)).toEqual([]);
  });
  test.skipIf(!existsSync(argCpp))('every refused flag exists in the pinned llama.cpp', () => {
    const flags = new Set(pinnedFlags());
    for (const f of ['--host', '--port', '--webui', '--no-webui', '--api-key', '--api-key-file', '--log-file', '-mu', '-hf', '-hfr', '--hf-repo', '-dr', '--docker-repo', '--tools', '--rpc']) {
      expect(flags.has(f), f).toBe(true);
    }
  });
  /** Each option's flag spellings and its environment variable, if it has one. */
  function pinnedEnv(): { flags: string[]; env: string }[] {
    const src = readFileSync(argCpp, 'utf8');
    const starts = [...src.matchAll(/add_opt\(common_arg\(/g)].map((m) => m.index);
    return starts.flatMap((start, i) => {
      const body = src.slice(start, starts[i + 1] ?? src.length);
      const env = /set_env\("([A-Z_]+)"\)/.exec(body)?.[1];
      const flags = [.../^add_opt\(common_arg\(\s*\{([^{}]*)\}/.exec(body)?.[1]?.matchAll(/"(-[^"]+)"/g) ?? []].map((m) => m[1]!);
      return env ? [{ flags, env }] : [];
    });
  }
  // The fixed arguments override these variables; HF_TOKEN is the harness's own hub token.
  const OVERRIDDEN = new Set(['LLAMA_ARG_HOST', 'LLAMA_ARG_PORT', 'LLAMA_ARG_UI', 'LLAMA_ARG_MODEL', 'LLAMA_ARG_THREADS', 'LLAMA_ARG_CTX_SIZE', 'LLAMA_ARG_N_PARALLEL', 'LLAMA_ARG_ENDPOINT_METRICS', 'HF_TOKEN']);

  test.skipIf(!existsSync(argCpp))('the environment variables of refused flags are refused too, unless a fixed argument overrides them', () => {
    const options = pinnedEnv();
    expect(options.length).toBeGreaterThan(100);
    const missed = options.filter((o) => o.flags.some((f) => refusedExtraArg(f) !== null) && !OVERRIDDEN.has(o.env) && refusedEnvVar(o.env) === null);
    expect(missed).toEqual([]);
    expect(refusedEnvVar('LLAMA_ARG_REPACK')).toBeNull();
  });

  test('flags that only tune the server are allowed', () => {
    for (const f of ['--alias', '-a', '--cache-ram', '--sleep-idle-seconds', '--no-mmproj', '--temp', '-ngl', '--offline', '--seed']) expect(refusedExtraArg(f), f).toBeNull();
    expect(refusedExtraArg('some-value')).toBeNull();
  });
});
