#!/usr/bin/env node
// `npm run download -- --repo OWNER/NAME --file NAME.gguf [--revision REV] [--output-dir DIR]`
// One model file from a Hugging Face–style hub ($HF_ENDPOINT, default huggingface.co) with progress, resume, reuse
// of the Hugging Face cache and SHA-256 verification, after a check that it fits on the disk with a margin. The
// command line is checked whole first: bad input exits 2 naming the flag.
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { configPathFromEnv, loadConfig } from '../config/load.ts';
import { DiskSpaceError, downloadChecked, DownloadError } from '../download/download.ts';
import { formatBytes } from '../download/format.ts';
import { defaultModelDir } from '../models/hub-models.ts';
import { existsSync } from 'node:fs';
import { commandLineProblem as cl, type FlagSpecs } from './args.ts';
import { runCommand, type CommandLine } from './run-cli.ts';

const FLAGS = {
  repo: { type: 'string', value: 'OWNER/NAME' },
  file: { type: 'string', value: 'FILE' },
  revision: { type: 'string', value: 'REV' },
  'output-dir': { type: 'string', value: 'DIR' },
  config: { type: 'string', value: 'FILE' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

const HELP = `usage: npm run download -- --repo OWNER/NAME --file FILE.gguf [--revision REV] [--output-dir DIR]

  --repo OWNER/NAME  the hub repository, e.g. bartowski/Llama-3.2-1B-Instruct-GGUF
  --file FILE        the file in it, e.g. Llama-3.2-1B-Instruct-Q4_K_M.gguf
  --revision REV     branch, tag or commit (default main)
  --output-dir DIR   where it goes, as DIR/models--OWNER--NAME/REV/FILE (default: model_dir of the config, else
                     ~/.cache/llm-budget-bench/models/hub); a copy in the Hugging Face cache is reused
  --config FILE      for model_dir (default: $BENCH_CONFIG, else ./bench.config.yaml if present)

The hub is $HF_ENDPOINT (default https://huggingface.co); the token $HF_TOKEN or the one huggingface-cli saved.
The file's size and SHA-256 come from the hub; it is refused when it would not fit with a margin, and put in place
only after its SHA-256 matches. A cut download resumes when run again.
Exit codes: 0 downloaded (or already there), 1 the download failed, 2 bad input or not enough disk space, 3 crash.`;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

async function main({ values: v, problems }: CommandLine<typeof FLAGS>): Promise<number> {
  if (v.repo === undefined) problems.push(cl('--repo', 'missing; expected a hub repository such as org/name'));
  else if (!/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(v.repo) || v.repo.split('/').some((s) => s === '.' || s === '..')) problems.push(cl('--repo', `got "${v.repo}", expected a hub repository such as org/name`));
  if (v.file === undefined) problems.push(cl('--file', 'missing; expected the file in the repository, e.g. model-Q4_K_M.gguf'));
  else if (!v.file.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) problems.push(cl('--file', `got "${v.file}", expected a path inside the repository such as model-Q4_K_M.gguf`));
  if (v.revision !== undefined && (!/^[A-Za-z0-9._/-]+$/.test(v.revision) || v.revision.split('/').some((s) => s === '' || s === '.' || s === '..'))) {
    problems.push(cl('--revision', `got "${v.revision}", expected a branch, tag or commit such as main`));
  }
  const configFile = configPathFromEnv(v.config);
  let modelDir: string | undefined;
  if (v.config !== undefined || existsSync(configFile)) {
    try {
      const c = loadConfig(configFile).config;
      modelDir = c.model_dir === undefined ? undefined : path.resolve(path.dirname(configFile), c.model_dir);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(configFile, problems);

  const destDir = path.resolve(v['output-dir'] ?? modelDir ?? defaultModelDir());
  const file = { repo: v.repo!, file: v.file!, ...(v.revision ? { revision: v.revision } : {}) };
  let lastPct = -1;
  const got = await downloadChecked(file, {
    destDir,
    progress: ({ received, total }) => {
      const pct = total ? Math.floor((received / total) * 100) : -1;
      if (pct === lastPct && total) return;
      lastPct = pct;
      process.stderr.write(`${v.file}: ${formatBytes(received)}${total ? ` of ${formatBytes(total)} (${pct} %)` : ''}\n`);
    },
  });
  const how = { 'hf-cache': 'reused from the Hugging Face cache', 'dest-cache': 'already downloaded', download: 'downloaded', resumed: 'resumed and finished' }[got.source];
  process.stdout.write(`${how}: ${got.path}\nsha256 ${got.sha256}, ${formatBytes(got.bytes)}\n`);
  return 0;
}

runCommand('download', { flags: FLAGS, help: HELP, errors: { badInput: [DiskSpaceError], failure: { type: DownloadError, prefix: 'download failed' } } }, main);
