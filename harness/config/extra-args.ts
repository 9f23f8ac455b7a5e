// `llama.extra_args` may tune llama-server, but not undo what the harness fixes for every cell, nor set a matrix
// axis behind the matrix's back, nor open the server to the network or make it fetch from a URL. Flag names are
// those of the pinned llama.cpp (common/arg.cpp and tools/server); `--a_b` is read as `--a-b`, as llama.cpp does.

interface Refusal {
  flags: string[];
  why: string;
}

const REFUSED: Refusal[] = [
  { flags: ['--host', '--port', '--reuse-port'], why: 'the harness binds every llama-server to 127.0.0.1 on a free port of its choosing' },
  { flags: ['--ui', '--webui', '--no-ui', '--no-webui'], why: 'the harness runs llama-server with its web UI off (--no-webui)' },
  { flags: ['--api-key', '--api-key-file'], why: 'the harness talks to the server without a key (an API key in the config would also be a secret in plain text)' },
  { flags: ['--ssl-key-file', '--ssl-cert-file', '--api-prefix'], why: 'the harness speaks plain HTTP to the standard endpoints' },
  { flags: ['--log-file', '--log-disable'], why: 'the harness captures the server log (server.stdout.log, server.stderr.log) and reads it' },
  { flags: ['--metrics'], why: 'the harness always passes it' },
  { flags: ['-m', '--model'], why: 'the model comes from the cell; define it under models' },
  { flags: ['-t', '--threads'], why: 'threads are a matrix axis: use matrix.threads' },
  { flags: ['-tb', '--threads-batch'], why: 'batch threads are a matrix axis: use matrix.threads_batch' },
  { flags: ['-c', '--ctx-size'], why: 'the context size is a matrix axis: use matrix.ctx' },
  { flags: ['-np', '--parallel'], why: 'slots are set by llama.parallel (and by the concurrency profile)' },
  { flags: ['--prio'], why: 'priority is a matrix axis: use matrix.priority' },
  { flags: ['--poll'], why: 'polling is a matrix axis: use matrix.poll' },
  { flags: ['-b', '--batch-size'], why: 'the batch size is a matrix axis: use matrix.batch_size' },
  { flags: ['-ub', '--ubatch-size'], why: 'the micro-batch size is a matrix axis: use matrix.ubatch_size' },
  { flags: ['-fa', '--flash-attn'], why: 'flash attention is a matrix axis: use matrix.flash_attn' },
  { flags: ['-lm', '--load-mode'], why: 'the load mode follows the matrix axes mlock and mmap' },
  { flags: ['-C', '--cpu-mask', '-Cr', '--cpu-range'], why: 'CPU affinity is set with taskset: use matrix.affinity or llama.cpu_affinity' },
  {
    flags: ['-mu', '--model-url', '-mmu', '--mmproj-url', '-hf', '-hfr', '--hf-repo', '-hff', '--hf-file', '-hft', '--hf-token', '-dr', '--docker-repo', '--spec-draft-hf', '-hfd', '-hfrd', '--hf-repo-draft', '--models-preset', '--models-dir'],
    why: 'it makes llama-server fetch a model from a URL or a hub (or load models of its own); the harness downloads hub models itself, verified by SHA-256: define them under models',
  },
  { flags: ['--rpc'], why: 'it sends the work to llama.cpp RPC servers over the network' },
  {
    flags: ['--tools', '--tools-runtime', '-ag', '--agent', '--ui-mcp-proxy', '--webui-mcp-proxy', '--mcp-servers-config', '--mcp-servers-json'],
    why: 'it lets callers of the server run tools or proxy requests to other URLs',
  },
  { flags: ['--path', '--slot-save-path', '--props'], why: 'it lets callers of the server read or write files or change its settings' },
  { flags: ['--cors-origins', '--cors-methods', '--cors-headers', '--cors-credentials'], why: 'it lets web pages in a browser call the server' },
];

const BY_FLAG = new Map(REFUSED.flatMap((r) => r.flags.map((f) => [f, r.why] as const)));
/** The presets (`--gpt-oss-20b-default`, `--fim-qwen-7b-spec`, …) download a model from the Hugging Face hub. */
const HUB_PRESET = /^--(?:embd|fim|gpt-oss|vision)-[a-z0-9.-]+-(?:default|spec)$/;

/** How llama.cpp reads a flag: `--a_b` is `--a-b`. */
export function normaliseFlag(arg: string): string {
  return arg.startsWith('--') ? arg.replace(/_/g, '-') : arg;
}

/** Why `arg` is refused in llama.extra_args, or null. Every element is checked, so a flag cannot hide as a value. */
export function refusedExtraArg(arg: string): string | null {
  if (!arg.startsWith('-')) return null;
  const flag = normaliseFlag(arg);
  if (flag.startsWith('--') && flag.includes('=')) {
    const name = flag.slice(0, flag.indexOf('='));
    const inner = refusedExtraArg(name);
    return inner ?? `llama-server does not read "--flag=value"; write the flag and its value as two elements, e.g. [${name}, ${flag.slice(name.length + 1) || 'VALUE'}]`;
  }
  const why = BY_FLAG.get(flag);
  if (why) return `"${arg}" is refused: ${why}`;
  if (HUB_PRESET.test(flag)) return `"${arg}" is refused: this preset downloads a model from the Hugging Face hub; define models under models`;
  return null;
}

export const REFUSED_EXTRA_FLAGS: readonly string[] = [...BY_FLAG.keys()];

/**
 * llama-server also reads its flags from environment variables (common/arg.cpp `set_env`), which the server
 * inherits. The fixed arguments override those of --host, --port, --webui, --model, --threads, --ctx-size,
 * --parallel and --metrics; these others would take effect unseen. (HF_TOKEN, --hf-token's, is the harness's own
 * hub token and is not listed here.)
 */
const REFUSED_ENV: Record<string, string> = {
  LLAMA_ARG_REUSE_PORT: '--reuse-port',
  LLAMA_API_KEY: '--api-key',
  LLAMA_ARG_API_KEY_FILE: '--api-key-file',
  LLAMA_ARG_SSL_KEY_FILE: '--ssl-key-file',
  LLAMA_ARG_SSL_CERT_FILE: '--ssl-cert-file',
  LLAMA_ARG_API_PREFIX: '--api-prefix',
  LLAMA_ARG_LOG_FILE: '--log-file',
  LLAMA_ARG_BATCH: '--batch-size',
  LLAMA_ARG_UBATCH: '--ubatch-size',
  LLAMA_ARG_FLASH_ATTN: '--flash-attn',
  LLAMA_ARG_LOAD_MODE: '--load-mode',
  LLAMA_ARG_MODEL_URL: '--model-url',
  LLAMA_ARG_MMPROJ_URL: '--mmproj-url',
  LLAMA_ARG_HF_REPO: '--hf-repo',
  LLAMA_ARG_HF_FILE: '--hf-file',
  LLAMA_ARG_DOCKER_REPO: '--docker-repo',
  LLAMA_ARG_SPEC_DRAFT_HF_REPO: '--spec-draft-hf',
  LLAMA_ARG_MODELS_PRESET: '--models-preset',
  LLAMA_ARG_MODELS_DIR: '--models-dir',
  LLAMA_ARG_RPC: '--rpc',
  LLAMA_ARG_TOOLS: '--tools',
  LLAMA_ARG_TOOLS_RUNTIME: '--tools-runtime',
  LLAMA_ARG_AGENT: '--agent',
  LLAMA_ARG_UI_MCP_PROXY: '--ui-mcp-proxy',
  LLAMA_ARG_MCP_SERVERS_CONFIG: '--mcp-servers-config',
  LLAMA_ARG_MCP_SERVERS_JSON: '--mcp-servers-json',
  LLAMA_ARG_STATIC_PATH: '--path',
  LLAMA_ARG_ENDPOINT_PROPS: '--props',
  LLAMA_ARG_CORS_ORIGINS: '--cors-origins',
  LLAMA_ARG_CORS_METHODS: '--cors-methods',
  LLAMA_ARG_CORS_HEADERS: '--cors-headers',
  LLAMA_ARG_CORS_CREDENTIALS: '--cors-credentials',
};

/** Why the environment variable `name` must not reach llama-server, or null. */
export function refusedEnvVar(name: string): string | null {
  const flag = REFUSED_ENV[name];
  if (!flag) return null;
  return `llama-server reads it as ${flag}, which is refused: ${BY_FLAG.get(flag)!}; unset it`;
}
