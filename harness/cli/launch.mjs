// Starts a command of the harness: `node harness/cli/launch.mjs <command> [args…]` (the npm scripts and every
// process the harness or its tests start). Plain JavaScript, so Node runs it without a loader.
//
// Why not `node --import tsx harness/cli/<command>.ts`: tsx's loader hooks run on a second thread and answer every
// import (harness and node_modules alike) through it, about 1 s of CPU per start on the 2-core machine this is
// developed on (`bench --help`: 1.8 s under tsx, 1.0 s bundled). So the commands are bundled with esbuild (the
// version tsx itself uses) into node_modules/.cache/llm-budget-bench/cli/<fingerprint>/ and that bundle is
// imported. The bundle is rebuilt when any file it was built from changed (size or mtime), so an edited source is
// what runs; each module keeps its own import.meta.url/dirname/filename (rewritten per file, as Vite's config
// bundler does), dynamic imports stay lazy (code splitting), packages stay in node_modules, and stack traces map
// back to the .ts files. If the bundle cannot be built or written (a read-only checkout), the command runs
// through tsx as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Each command's source, relative to the repository. */
export const COMMANDS = {
  bench: 'harness/cli/bench.ts',
  report: 'harness/cli/report.ts',
  calibrate: 'harness/cli/calibrate.ts',
  compare: 'harness/cli/compare.ts',
  serve: 'harness/cli/serve.ts',
  export: 'harness/cli/export.ts',
  deploy: 'harness/cli/deploy.ts',
  download: 'harness/cli/download.ts',
};
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'llm-budget-bench', 'cli');
const MANIFEST = path.join(CACHE, 'current.json');
/** Builds older than this, other than the current one, are removed (a running command may still load its chunks). */
const KEEP_OLD_BUILDS_MS = 7 * 24 * 3600 * 1000;

/** "mtime size" of each input, or null when one is gone: the bundle no longer matches the sources. */
function stamps(inputs) {
  const out = {};
  for (const rel of inputs) {
    try {
      const s = statSync(path.join(ROOT, rel));
      out[rel] = `${s.mtimeMs} ${s.size}`;
    } catch {
      return null;
    }
  }
  return out;
}

const fingerprintOf = (stamped) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(stamped).sort(([a], [b]) => (a < b ? -1 : 1))))
    .digest('hex')
    .slice(0, 16);

/** The current bundle's folder when every file it was built from is unchanged, else null. */
function currentBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
  const now = stamps(Object.keys(manifest.inputs ?? {}));
  if (!now || fingerprintOf(now) !== manifest.fingerprint) return null;
  const dir = path.join(CACHE, manifest.fingerprint);
  return Object.keys(COMMANDS).every((c) => existsSync(path.join(dir, `${c}.mjs`))) ? dir : null;
}

/** esbuild plugin: a module's import.meta.url, dirname and filename are its own source file's, not the bundle's. */
const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const values = { url: pathToFileURL(args.path).href, dirname: path.dirname(args.path), filename: args.path };
      const contents = text.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, key) => JSON.stringify(values[key]));
      return { contents, loader: 'ts' };
    });
  },
};

async function build() {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const tmp = path.join(CACHE, `tmp-${process.pid}-${Date.now()}`);
  try {
    const result = await esbuild({
      absWorkingDir: ROOT,
      entryPoints: Object.fromEntries(Object.entries(COMMANDS).map(([name, file]) => [name, file])),
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
      plugins: [ownImportMeta],
    });
    const stamped = stamps(Object.keys(result.metafile.inputs).filter((rel) => !rel.includes('node_modules/')));
    if (!stamped) throw new Error('a source file changed while the bundle was built');
    const fingerprint = fingerprintOf(stamped);
    const dir = path.join(CACHE, fingerprint);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process built the same sources first
    }
    const manifestTmp = `${MANIFEST}.${process.pid}.tmp`;
    writeFileSync(manifestTmp, `${JSON.stringify({ fingerprint, inputs: stamped })}\n`);
    renameSync(manifestTmp, MANIFEST);
    removeOldBuilds(fingerprint);
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function removeOldBuilds(keep) {
  for (const name of readdirSync(CACHE)) {
    const dir = path.join(CACHE, name);
    try {
      if (name !== keep && name !== 'current.json' && Date.now() - statSync(dir).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!Object.hasOwn(COMMANDS, command ?? '')) {
    process.stderr.write(`usage: node harness/cli/launch.mjs <command> [args…]; got ${JSON.stringify(command ?? '')}, expected one of: ${Object.keys(COMMANDS).join(', ')}\n`);
    process.exit(2);
  }
  const source = path.join(ROOT, COMMANDS[command]);
  // The command reads its arguments from process.argv.slice(2), as when it is started directly.
  process.argv = [process.argv[0], source, ...args];
  let dir = null;
  try {
    dir = currentBuild() ?? (await build());
  } catch (e) {
    if (process.env.LLM_BUDGET_BENCH_DEBUG_LAUNCH) process.stderr.write(`[launch] running through tsx: ${e.message}\n`);
  }
  if (dir) {
    process.setSourceMapsEnabled(true);
    await import(pathToFileURL(path.join(dir, `${command}.mjs`)).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
}

await main();
