import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, writeFileAtomic } from '../paths.ts';
import type { Progress } from '../progress.ts';
import { withLock } from './lock.ts';
import { CMAKE_ARGS, LLAMA_CPP_COMMIT, LLAMA_TARGETS, NODE_LLAMA_CPP_VERSION } from './pinned.ts';
import { checkBuildToolchain } from './toolchain.ts';

export interface CachedBuild {
  binDir: string;
  serverPath: string;
  quantizePath: string;
  benchPath: string;
  commit: string;
}

interface BuildStamp {
  commit: string;
  cpuKey: string;
  cmakeArgs: string[];
  targets: string[];
  builtAt: string;
}

/** GGML_NATIVE tunes the binaries for this CPU, so the cache key is the architecture, CPU model and flags. */
export function cpuKey(cpuinfo = readCpuinfo()): string {
  const field = (k: string) => (cpuinfo.split('\n').find((l) => l.startsWith(k)) ?? '').split(':').slice(1).join(':').trim();
  return createHash('sha256')
    .update(`${process.arch}\n${field('model name')}\n${field('flags')}`)
    .digest('hex')
    .slice(0, 10);
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

export function llamaCacheRoot(): string {
  return path.join(cacheDir(), 'llama.cpp', LLAMA_CPP_COMMIT.slice(0, 12));
}

/** One directory per CPU and build flags, so builds with other flags (another checkout's) never overwrite it. */
function buildDir(): string {
  const flags = createHash('sha256').update(JSON.stringify(CMAKE_ARGS)).digest('hex').slice(0, 8);
  return path.join(llamaCacheRoot(), `build-${cpuKey()}-${flags}`);
}

function binaries(binDir: string): CachedBuild {
  return {
    binDir,
    serverPath: path.join(binDir, 'llama-server'),
    quantizePath: path.join(binDir, 'llama-quantize'),
    benchPath: path.join(binDir, 'llama-bench'),
    commit: LLAMA_CPP_COMMIT,
  };
}

function stampMatches(dir: string): boolean {
  const stampFile = path.join(dir, 'build-info.json');
  if (!existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as BuildStamp;
    const b = binaries(path.join(dir, 'bin'));
    return (
      stamp.commit === LLAMA_CPP_COMMIT &&
      stamp.cpuKey === cpuKey() &&
      JSON.stringify(stamp.cmakeArgs) === JSON.stringify(CMAKE_ARGS) &&
      LLAMA_TARGETS.every((t) => stamp.targets.includes(t)) &&
      [b.serverPath, b.quantizePath, b.benchPath].every(existsSync)
    );
  } catch {
    return false;
  }
}

/** The cached build if it matches the pinned version and this CPU; never rebuilds a matching one. */
export function findCachedBuild(): CachedBuild | null {
  const dir = buildDir();
  return stampMatches(dir) ? binaries(path.join(dir, 'bin')) : null;
}

export async function ensureCachedBuild(progress: Progress): Promise<CachedBuild> {
  const cached = findCachedBuild();
  if (cached) return cached;
  const { execa } = await import('execa'); // ~130 modules: loaded when a build runs, not by every CLI start
  checkBuildToolchain();
  const root = llamaCacheRoot();
  return withLock(path.join(root, 'build.lock'), 'building llama.cpp', progress, async () => {
    const again = findCachedBuild();
    if (again) return again;
    const src = await ensureSource(root, progress);
    const dir = buildDir();
    progress(`building llama.cpp ${LLAMA_CPP_COMMIT.slice(0, 7)} (CPU only) in ${dir}: this takes 5 to 10 minutes on 2 cores, once`);
    const started = Date.now();
    await execa('cmake', ['-S', src, '-B', dir, ...CMAKE_ARGS], { all: true }).catch((e: unknown) => {
      throw new Error(`cmake configure failed:\n${tail((e as { all?: string }).all)}`, { cause: e });
    });
    await runBuild(dir, progress);
    const stamp: BuildStamp = {
      commit: LLAMA_CPP_COMMIT,
      cpuKey: cpuKey(),
      cmakeArgs: [...CMAKE_ARGS],
      targets: [...LLAMA_TARGETS],
      builtAt: new Date().toISOString(),
    };
    writeFileAtomic(path.join(dir, 'build-info.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    progress(`llama.cpp built in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    return binaries(path.join(dir, 'bin'));
  });
}

async function runBuild(dir: string, progress: Progress): Promise<void> {
  const { execa } = await import('execa'); // ~130 modules: loaded when a command runs, not by every CLI start
  const jobs = String(Math.max(1, (await import('node:os')).availableParallelism()));
  const child = execa('cmake', ['--build', dir, '-j', jobs, '--target', ...LLAMA_TARGETS], { all: true, buffer: { all: true } });
  let lastPercent = -1;
  let lastAt = 0;
  child.all?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const m = /^\[\s*(\d+)%\]/.exec(line);
      if (!m) continue;
      const percent = Number(m[1]);
      // One line per 5 % or per 30 s keeps a CI log readable while showing the build is alive.
      if (percent >= lastPercent + 5 || Date.now() - lastAt > 30_000) {
        lastPercent = percent;
        lastAt = Date.now();
        progress(`llama.cpp build ${percent}%`);
      }
    }
  });
  try {
    await child;
  } catch (e) {
    throw new Error(`cmake build failed:\n${tail((e as { all?: string }).all)}`, { cause: e });
  }
}

function tail(text: string | undefined, lines = 30): string {
  return (text ?? '').split('\n').slice(-lines).join('\n');
}

/** Clones the pinned source from the git bundle inside the node-llama-cpp npm package. */
async function ensureSource(root: string, progress: Progress): Promise<string> {
  const { execa } = await import('execa'); // ~130 modules: loaded when a command runs, not by every CLI start
  const src = path.join(root, 'src');
  if (existsSync(path.join(src, '.git'))) {
    const head = await execa('git', ['-C', src, 'rev-parse', 'HEAD']).then((r) => r.stdout.trim()).catch(() => '');
    if (head === LLAMA_CPP_COMMIT) return src;
    rmSync(src, { recursive: true, force: true });
  }
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(path.join(root, 'fetch-'));
  try {
    progress(`fetching llama.cpp source: npm pack node-llama-cpp@${NODE_LLAMA_CPP_VERSION} (35 MB)`);
    const packed = await execa('npm', ['pack', `node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`, '--silent'], { cwd: tmp });
    const tarball = path.join(tmp, packed.stdout.trim().split('\n').pop()!);
    await execa('tar', ['-xzf', tarball, '-C', tmp, 'package/llama/gitRelease.bundle']);
    const bundle = path.join(tmp, 'package/llama/gitRelease.bundle');
    const cloned = path.join(tmp, 'src');
    progress('unpacking the llama.cpp git bundle');
    await execa('git', ['clone', '--quiet', bundle, cloned]);
    const head = (await execa('git', ['-C', cloned, 'rev-parse', 'HEAD'])).stdout.trim();
    if (head !== LLAMA_CPP_COMMIT) {
      throw new Error(`node-llama-cpp@${NODE_LLAMA_CPP_VERSION} holds llama.cpp ${head}, expected the pinned ${LLAMA_CPP_COMMIT}`);
    }
    renameSync(cloned, src);
    return src;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The vocab-only GGUF files that ship in the llama.cpp source tree. */
export async function vocabFile(name: string, progress: Progress): Promise<string> {
  const root = llamaCacheRoot();
  const src = path.join(root, 'src');
  if (!existsSync(path.join(src, '.git'))) {
    await withLock(path.join(root, 'build.lock'), 'fetching llama.cpp', progress, () => ensureSource(root, progress));
  }
  return path.join(src, 'models', name);
}
