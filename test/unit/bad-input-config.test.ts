// Bad input in the config and the files it names: exit 2 with the YAML path and line, every problem at once, before
// anything is prepared, and nothing created or started (see bad-input-helpers.ts). One case per mistake a careful
// user could make; the control cases at the end show the same sandbox accepts good input.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BASE, GGUF_BYTES, accepts, rejects, sandbox, type Sandbox } from './bad-input-helpers.ts';

const profiles = (yaml: string) => `${BASE}profiles:\n${yaml}`;
const local = (p: string, quant = 'Q4_K_M') => BASE.replace('    builtin: tiny', `    path: ${p}\n    quant: ${quant}`).replace('quants: [Q4_K_M]', `quants: [${quant}]`);
const hub = (revision: string) => BASE.replace('    builtin: tiny', `    repo: org/x\n    revision: "${revision}"\n    files: { Q4_K_M: x.gguf }`);
const llama = (yaml: string) => `${BASE}llama:\n${yaml}`;
/** Files some cases point at. */
function withFiles(sb: Sandbox): Sandbox {
  sb.file('folder/inside', 'x');
  sb.file('model.gguf', GGUF_BYTES);
  sb.file('archive.gguf', 'PK\u0003\u0004 a zip, not a model');
  sb.file('empty.gguf', '');
  sb.file('broken.jsonl', '{"id":"a","prompt":"hello"}\nnot json\n');
  return sb;
}

interface Case {
  name: string;
  config: string | Uint8Array;
  expect: RegExp[];
  argv?: string[];
}

const cases: Case[] = [
  // Reading the file
  { name: 'UTF-16 LE with its byte order mark', config: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE, 'utf16le')]), expect: [/\(document\): is UTF-16 LE text \(it starts with the byte order mark FF FE\); expected UTF-8/] },
  { name: 'UTF-16 BE with its byte order mark', config: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(BASE, 'utf16le').swap16()]), expect: [/is UTF-16 BE text/] },
  { name: 'UTF-16 without a byte order mark', config: Buffer.from(BASE, 'utf16le'), expect: [/\(document\) \(line 1\): contains a NUL byte .*UTF-16 text without a byte order mark/] },
  { name: 'Latin-1 text (not UTF-8)', config: Buffer.from(BASE.replace('  - name: tiny', '  - name: tiny # café'), 'latin1'), expect: [/\(document\) \(line 2\): is not valid UTF-8: byte 0xE9 at column 21/] },
  // YAML syntax, each with its line
  { name: 'a duplicate key', config: BASE.replace('  threads: [1]', '  threads: [1]\n  threads: [2]'), expect: [/\(document\) \(line 8\): YAML syntax: Map keys must be unique/] },
  { name: 'a tab as indentation', config: BASE.replace('  ctx: [1024]', '\tctx: [1024]'), expect: [/\(line 8\): YAML syntax: Tabs are not allowed as indentation/] },
  { name: 'a key indented off the others', config: BASE.replace('  ctx: [1024]', '   ctx: [1024]'), expect: [/\(line 8\): YAML syntax: All mapping items must start at the same column/] },
  { name: 'an unclosed quote: the line where it opens', config: BASE.replace('    builtin: tiny', '    builtin: "tiny'), expect: [/\(line 3\): YAML syntax: Missing closing "quote \(the file ends at line 11/] },
  { name: 'two YAML documents', config: `${BASE}---\nmodels: []\n`, expect: [/\(line 11\): YAML syntax: Source contains multiple documents/] },
  { name: 'an unknown YAML tag', config: BASE.replace('builtin: tiny', 'builtin: !tiny tiny'), expect: [/\(line 3\): YAML syntax: Unresolved tag: !tiny/] },
  {
    name: 'an alias bomb is refused in milliseconds',
    config: `${BASE}a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
    expect: [/\(line 12\): YAML aliases expand to too much data .*alias bomb/],
  },
  // Keys and values
  { name: 'an unknown key, at the key, with its spelling', config: BASE.replace('  ctx: [1024]', '  ctx: [1024]\n  treads: [2]'), expect: [/matrix\.treads \(line 9\): unknown key "treads" \(did you mean threads\?\)/] },
  { name: 'an unknown top-level key', config: `modles: []\n${BASE}`, expect: [/modles \(line 1\): unknown key "modles" \(did you mean models\?\)/] },
  { name: 'an unknown key deep in a profile', config: profiles('  idle:\n    duraton_s: 1\n'), expect: [/profiles\.idle\.duraton_s \(line 13\): unknown key "duraton_s" \(did you mean duration_s\?\)/] },
  { name: '.nan is shown as .nan', config: BASE.replace('ctx: [1024]', 'ctx: [.nan]'), expect: [/matrix\.ctx\[0\] \(line 8\): got \.nan, expected a finite number/] },
  { name: '.inf is shown as .inf', config: profiles('  idle:\n    duration_s: .inf\n'), expect: [/profiles\.idle\.duration_s \(line 13\): got \.inf, expected a finite number/] },
  { name: 'a document that is a list', config: '- models\n- matrix\n', expect: [/\(document\) \(line 1\): got \["models","matrix"\], expected object/] },
  // Ranges
  { name: 'a share of the machine over 100 %', config: profiles('  idle:\n    budgets:\n      cpu_mean_pct: "<= 150"\n'), expect: [/profiles\.idle\.budgets\.cpu_mean_pct \(line 14\): got "<= 150": the limit 150 % of machine is out of range/] },
  { name: 'a share of the machine below 0', config: profiles('  interactive:\n    budgets:\n      cpu_p99_pct: "<= -5"\n'), expect: [/profiles\.interactive\.budgets\.cpu_p99_pct \(line 14\): .*-5 % of machine is out of range/] },
  { name: 'a score above 1', config: profiles('  quality:\n    budgets:\n      score_math: ">= 1.5"\n'), expect: [/profiles\.quality\.budgets\.score_math \(line 14\): .*a score from 0 to 1/] },
  { name: 'a limit that is not finite', config: profiles('  idle:\n    budgets:\n      rss_peak_mb: "<= 1e999"\n'), expect: [/profiles\.idle\.budgets\.rss_peak_mb \(line 14\): got "<= 1e999": the limit is too large to be a finite number/] },
  { name: 'a budget that can never be met', config: profiles('  idle:\n    budgets:\n      swap_growth_mb: "< 0"\n'), expect: [/swap_growth_mb \(line 14\): got "< 0": "< 0" can never be met/] },
  { name: 'more threads than llama.cpp runs', config: BASE.replace('threads: [1]', 'threads: [100000]'), expect: [/matrix\.threads\[0\] \(line 7\): got 100000, expected ≤ 512/] },
  { name: 'a context beyond a 32-bit integer', config: BASE.replace('ctx: [1024]', 'ctx: [3000000000]'), expect: [/matrix\.ctx\[0\] \(line 8\): got 3000000000, expected ≤ 2147483647/] },
  { name: 'a duration of three years', config: profiles('  idle:\n    duration_s: 100000000\n'), expect: [/profiles\.idle\.duration_s \(line 13\): got 100000000, expected ≤ 604800 \(a week\)/] },
  { name: 'a soak timeout of three years', config: profiles('  stress:\n    duration_s: 100000000\n'), expect: [/profiles\.stress\.duration_s \(line 13\): .*≤ 604800/] },
  { name: 'ten thousand server slots', config: llama('  parallel: 10000\n'), expect: [/llama\.parallel \(line 12\): got 10000, expected ≤ 256/] },
  { name: 'a CPU range without its end', config: BASE.replace('ctx: [1024]', 'ctx: [1024]\n  affinity: ["0-"]'), expect: [/matrix\.affinity\[0\] \(line 9\): got "0-": "0-" is not a CPU number or a range/] },
  { name: 'a CPU this machine does not have', config: BASE.replace('ctx: [1024]', 'ctx: [1024]\n  affinity: ["7"]'), expect: [/matrix\.affinity\[0\] \(line 9\): got "7", but CPU 7 does not exist for this process; expected CPUs among 0-1/] },
  { name: 'a reversed CPU range', config: BASE.replace('ctx: [1024]', 'ctx: [1024]\n  affinity: ["1-0"]'), expect: [/matrix\.affinity\[0\] \(line 9\): .*runs backwards; expected "0-1"/] },
  { name: 'llama.cpu_affinity on a missing CPU', config: llama('  cpu_affinity: "0,5"\n'), expect: [/llama\.cpu_affinity \(line 12\): got "0,5", but CPU 5 does not exist/] },
  { name: 'a soak interval longer than the soak', config: profiles('  stress:\n    duration_s: 30\n    interval_s: 60\n'), expect: [/profiles\.stress\.interval_s \(line 14\): got 60 s, longer than the soak's duration_s \(30 s\)/] },
  { name: 'a quick soak interval longer than the quick soak', config: profiles('  stress:\n    quick: { duration_s: 10, interval_s: 20 }\n'), expect: [/profiles\.stress\.quick\.interval_s \(line 13\): got 20 s/] },
  { name: 'ubatch_size above batch_size', config: BASE.replace('ctx: [1024]', 'ctx: [1024]\n  batch_size: [512]\n  ubatch_size: [256, 1024]'), expect: [/matrix\.ubatch_size\[1\] \(line 10\): got 1024, larger than matrix\.batch_size 512/] },
  { name: "ubatch_size above llama-server's default batch", config: BASE.replace('ctx: [1024]', 'ctx: [1024]\n  ubatch_size: [4096]'), expect: [/matrix\.ubatch_size\[0\] \(line 9\): got 4096, larger than llama-server's default batch size 2048/] },
  { name: 'an idle window shorter than one sample', config: profiles('  idle:\n    duration_s: 0.05\n'), expect: [/profiles\.idle\.duration_s \(line 13\): got 0\.05 s, shorter than one sampler interval/] },
  { name: 'a selection weight on an unknown metric', config: `${BASE}selection:\n  weights: { interactive.latency_p95: 1 }\n`, expect: [/selection\.weights\.interactive\.latency_p95 \(line 12\): unknown metric "latency_p95" .*did you mean latency_p95_s\?/] },
  { name: 'a selection weight on a metric with no better side', config: `${BASE}selection:\n  weights: { invisibility.background_requests: 1 }\n`, expect: [/selection\.weights\.invisibility\.background_requests \(line 12\): "background_requests" describes the run and has no better side/] },
  // llama.extra_args: matrix axes, fixed arguments, network exposure, URL fetches
  { name: 'extra_args re-binding the server', config: llama('  extra_args: [--alias, ok, --host, 0.0.0.0]\n'), expect: [/llama\.extra_args\[2\] \(line 12\): "--host" is refused: the harness binds every llama-server to 127\.0\.0\.1/] },
  { name: 'extra_args choosing a port, as --flag=value', config: llama('  extra_args: ["--port=8080"]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): "--port" is refused/] },
  { name: 'extra_args re-enabling the web UI', config: llama('  extra_args: [--webui]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): "--webui" is refused: .*web UI off/] },
  { name: 'extra_args setting an API key (underscore spelling)', config: llama('  extra_args: [--api_key, secret]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): "--api_key" is refused/] },
  { name: 'extra_args writing the log elsewhere', config: llama('  extra_args: [--log-file, /tmp/x.log]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): "--log-file" is refused/] },
  { name: 'extra_args fetching a model from the hub', config: llama('  extra_args: [-hf, org/model]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): "-hf" is refused: it makes llama-server fetch a model from a URL/] },
  { name: 'extra_args fetching a model from a URL', config: llama('  extra_args: [-mu, "http://example.com/m.gguf"]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): "-mu" is refused/] },
  { name: 'extra_args with a preset that downloads', config: llama('  extra_args: [--gpt-oss-20b-default]\n'), expect: [/"--gpt-oss-20b-default" is refused: this preset downloads a model/] },
  { name: 'extra_args enabling tools', config: llama('  extra_args: [--tools, all]\n'), expect: [/"--tools" is refused: it lets callers of the server run tools/] },
  { name: 'extra_args overriding a matrix axis', config: llama('  extra_args: [-c, "4096", --threads, "8"]\n'), expect: [/extra_args\[0\] \(line 12\): "-c" is refused: .*matrix\.ctx/, /extra_args\[2\] \(line 12\): "--threads" is refused: .*matrix\.threads/] },
  { name: 'extra_args with a value glued on by "="', config: llama('  extra_args: ["--alias=x"]\n'), expect: [/llama\.extra_args\[0\] \(line 12\): llama-server does not read "--flag=value"; write .*\[--alias, x\]/] },
  // Files and data
  { name: 'a model path that is a directory', config: local('folder'), expect: [/models\[0\]\.path \(line 3\): .*folder is a directory; expected a GGUF model file/] },
  { name: 'a model file that is not GGUF', config: local('archive.gguf'), expect: [/models\[0\]\.path \(line 3\): .*archive\.gguf is not a GGUF file: it starts with bytes 50 4b 03 04, not "GGUF"/] },
  { name: 'an empty model file', config: local('empty.gguf'), expect: [/models\[0\]\.path \(line 3\): .*empty\.gguf is empty/] },
  { name: 'a missing model file', config: local('nowhere.gguf'), expect: [/models\[0\]\.path \(line 3\): model file not found: .*nowhere\.gguf/] },
  { name: 'an unknown quantization label on a local file', config: local('model.gguf', 'Q4_K_X'), expect: [/models\[0\]\.quant \(line 4\): unknown quantization "Q4_K_X" \(did you mean Q4_K_\w\?\)/] },
  { name: 'a files entry that is a directory', config: BASE.replace('    builtin: tiny', '    files:\n      Q4_K_M: folder'), expect: [/models\[0\]\.files\.Q4_K_M \(line 4\): .*folder is a directory/] },
  { name: 'model_dir that is a file', config: `model_dir: model.gguf\n${BASE}`, expect: [/model_dir \(line 1\): .*model\.gguf is a file; expected a folder/] },
  { name: 'model_dir that is the root of the file system', config: `model_dir: /\n${BASE}`, expect: [/model_dir \(line 1\): got "\/", the root of the file system/] },
  { name: 'a hub revision that climbs out of its repo', config: hub('../../main'), expect: [/models\[0\]\.revision \(line 4\): got "\.\.\/\.\.\/main", expected a commit SHA/] },
  { name: 'a hub revision git would refuse', config: hub('main.lock'), expect: [/models\[0\]\.revision \(line 4\): got "main\.lock"/] },
  { name: 'llama.server_path that does not exist', config: llama('  server_path: ./bin/llama-server\n'), expect: [/llama\.server_path \(line 12\): .*bin\/llama-server does not exist/] },
  { name: 'llama.server_path that is not executable', config: llama('  server_path: model.gguf\n'), expect: [/llama\.server_path \(line 12\): .*model\.gguf is not executable/] },
  { name: 'a prompts file that does not exist', config: profiles('  interactive:\n    prompts: nowhere.jsonl\n'), expect: [/profiles\.interactive\.prompts \(line 13\): prompts file not found: .*nowhere\.jsonl/] },
  { name: 'a prompts file with a bad line', config: profiles('  interactive:\n    prompts: broken.jsonl\n'), expect: [/profiles\.interactive\.prompts \(line 13\): prompts file .*broken\.jsonl:2: not JSON/] },
  { name: 'a batch documents file that does not exist', config: profiles('  batch:\n    documents: nowhere.jsonl\n'), expect: [/profiles\.batch\.documents \(line 13\): documents file not found/], argv: ['--profile', 'batch'] },
  { name: 'a budget on a golden category no set grades', config: profiles('  quality:\n    budgets:\n      score_mth: ">= 0.5"\n'), expect: [/profiles\.quality\.budgets\.score_mth \(line 14\): no golden category gives "score_mth" \(did you mean score_math\?\)/] },
  { name: 'an unknown golden set', config: profiles('  quality:\n    sets: [math, mathh]\n'), expect: [/profiles\.quality\.sets\[1\] \(line 13\): unknown golden set "mathh" \(did you mean math\?\)/] },
  { name: 'a golden set name that is a path', config: profiles('  quality:\n    sets: ["../../etc/passwd"]\n'), expect: [/profiles\.quality\.sets\[0\] \(line 13\): unknown golden set "\.\.\/\.\.\/etc\/passwd"/] },
  { name: 'a goldens folder that does not exist', config: profiles('  quality:\n    goldens: nowhere\n'), expect: [/profiles\.quality\.goldens \(line 13\): goldens folder not found/] },
  { name: 'an unknown stress.cell', config: profiles('  stress:\n    cell: "tiny Q4_K_M t2 c1024 nice10"\n'), expect: [/profiles\.stress\.cell \(line 13\): got "tiny Q4_K_M t2 c1024 nice10", which is not a cell of the matrix \(did you mean "tiny Q4_K_M t1 c1024 nice10"\?\)/] },
];

describe('bad config input: exit 2 with the YAML path and line, nothing created or started', () => {
  test.each(cases)('$name', (c) => {
    rejects(withFiles(sandbox(c.config)), c.expect, c.argv ?? []);
  });

  test('the config path is a directory', () => {
    const sb = sandbox();
    const dir = path.join(sb.dir, 'configs');
    mkdirSync(dir);
    rejects(sb, [/invalid config .*configs: 1 problem\n {2}\(document\): is a directory; expected a YAML file/], ['--config', dir], {}, false);
  });
  test('the config file does not exist (BENCH_CONFIG)', () => {
    rejects(sandbox(), [/\(document\): file not found/], [], { BENCH_CONFIG: 'nowhere.yaml' }, false);
  });
  test('every problem of a config comes in one report', () => {
    const e = rejects(withFiles(sandbox(local('archive.gguf').replace('threads: [1]', 'threads: [0]') + llama('  extra_args: [--host, 0.0.0.0]\n').slice(BASE.length))), []);
    expect(e.problems.map((p) => p.path)).toEqual(['matrix.threads[0]']);
    // Schema problems come first; once the shape is right, the file and consistency checks report together.
    const f = rejects(withFiles(sandbox(local('archive.gguf') + llama('  extra_args: [--host, 0.0.0.0]\n  cpu_affinity: "9"\n').slice(BASE.length))), []);
    expect(f.problems.map((p) => p.path)).toEqual(['models[0].path', 'llama.cpu_affinity', 'llama.extra_args[0]']);
  });
  test('data files of profiles that will not run are not required', () => {
    accepts(sandbox(profiles('  batch:\n    documents: nowhere.jsonl\n')), ['--profile', 'idle']);
  });
});

describe('the control: the same sandbox accepts good input', () => {
  test('a budget turned off on a category the chosen sets do not grade', () => {
    accepts(sandbox(profiles('  quality:\n    sets: [format]\n    budgets:\n      score_math: "off"\n')));
  });
  test('a UTF-8 byte order mark is allowed', () => {
    accepts(sandbox(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BASE)])));
  });
  test('a local GGUF file with a known quantization, a sound revision, a CPU list, safe extra arguments', () => {
    const sb = withFiles(sandbox(local('model.gguf', 'Q5_K_M').replace('ctx: [1024]', 'ctx: [1024]\n  affinity: ["0-1", "1"]') + llama('  extra_args: [--alias, x, --cache-ram, "0"]\n').slice(BASE.length)));
    accepts(sb);
    for (const rev of ['main', 'v1.0', 'refs/pr/1', 'a'.repeat(40)]) accepts(sandbox(hub(rev)));
  });
  test('more threads than CPUs is a warning, not an error', () => {
    const r = accepts(sandbox(BASE.replace('threads: [1]', 'threads: [1, 3]')));
    expect(r.warnings).toEqual([{ path: 'matrix.threads[1]', line: 7, message: expect.stringMatching(/^3 threads, but this process may use 2 CPUs/) }]);
  });
  test('a budget that is always met is a warning', () => {
    const r = accepts(sandbox(profiles('  idle:\n    budgets:\n      cpu_pct: "mean <= 100"\n')));
    expect(r.warnings).toEqual([{ path: 'profiles.idle.budgets.cpu_pct', line: 14, message: expect.stringMatching(/always met/) }]);
  });
});
