// SHA256SUMS over every file of a bundle, in the format `sha256sum -c` reads ("<hex>  <relative path>"), so a
// bundle can be checked by hand as well as by `deploy`. Verification reports the first file that differs by name.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../paths.ts';

export const SUMS_FILE = 'SHA256SUMS';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `dir`, as sorted POSIX paths relative to it; a symlink or other special file is refused. */
export function listFiles(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, sub)).sort()) {
    const rel = sub ? `${sub}/${name}` : name;
    const st = lstatSync(path.join(dir, rel));
    if (st.isDirectory()) out.push(...listFiles(dir, rel));
    else if (st.isFile()) out.push(rel);
    else throw new BundleError(`${rel} is not a regular file (a bundle holds plain files and folders only)`);
  }
  return out;
}

/** A bundle that cannot be used: a missing, extra or changed file, or a malformed manifest. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** Writes SHA256SUMS over every file in `dir` but itself. */
export async function writeChecksums(dir: string): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const rel of listFiles(dir)) if (rel !== SUMS_FILE) sums.set(rel, await sha256File(path.join(dir, rel)));
  writeFileAtomic(path.join(dir, SUMS_FILE), [...sums].map(([rel, h]) => `${h}  ${rel}\n`).join(''));
  return sums;
}

const LINE = /^([0-9a-f]{64}) [ *]([A-Za-z0-9._@/-]+)$/;

/** SHA256SUMS as a map; a malformed line, an unsafe path or a file named twice is a BundleError. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = LINE.exec(line);
    if (!m || m[2]!.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new BundleError(`${SUMS_FILE} line ${i + 1} is not "<sha256>  <relative path>": ${JSON.stringify(line.slice(0, 120))}`);
    if (sums.has(m[2]!)) throw new BundleError(`${SUMS_FILE} names ${m[2]} twice`);
    sums.set(m[2]!, m[1]!);
  });
  return sums;
}

/**
 * Checks every file of `dir` against its SHA256SUMS: each listed file exists with that hash, and no file is there that
 * the list does not name (an added file is as much a tampering as a changed one). Returns the map on success.
 */
export async function verifyChecksums(dir: string): Promise<Map<string, string>> {
  const sumsFile = path.join(dir, SUMS_FILE);
  if (!existsSync(sumsFile)) throw new BundleError(`no ${SUMS_FILE} in ${dir}: not a bundle made by \`npm run export\``);
  const sums = parseChecksums(readFileSync(sumsFile, 'utf8'));
  const present = listFiles(dir).filter((f) => f !== SUMS_FILE);
  for (const rel of present) if (!sums.has(rel)) throw new BundleError(`${rel} is in the bundle but not in ${SUMS_FILE}: refused (an unlisted file could be anything)`);
  for (const [rel, expected] of sums) {
    const file = path.join(dir, rel);
    if (!existsSync(file)) throw new BundleError(`${rel} is listed in ${SUMS_FILE} but missing from the bundle`);
    const actual = await sha256File(file);
    if (actual !== expected) throw new BundleError(`checksum mismatch for ${rel}: expected ${expected}, got ${actual} (the file was changed after export)`);
  }
  return sums;
}

/** One hash naming the whole bundle: the SHA-256 of its SHA256SUMS file. */
export function bundleHash(dir: string): string {
  return createHash('sha256').update(readFileSync(path.join(dir, SUMS_FILE))).digest('hex');
}
