/**
 * The small part of the GGUF v3 format the harness needs: read a file's key/value section (keeping each
 * entry's raw bytes, so tokenizer metadata can be copied byte for byte) and write a new file.
 * Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export enum GgufType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

const FIXED_SIZE: Partial<Record<GgufType, number>> = {
  [GgufType.UINT8]: 1,
  [GgufType.INT8]: 1,
  [GgufType.BOOL]: 1,
  [GgufType.UINT16]: 2,
  [GgufType.INT16]: 2,
  [GgufType.UINT32]: 4,
  [GgufType.INT32]: 4,
  [GgufType.FLOAT32]: 4,
  [GgufType.UINT64]: 8,
  [GgufType.INT64]: 8,
  [GgufType.FLOAT64]: 8,
};

export interface GgufEntry {
  key: string;
  type: GgufType;
  /** Scalars and strings are decoded; arrays are left as raw bytes (see `raw`). */
  value: number | bigint | boolean | string | null;
  /** The whole entry (key, type and value) as stored in the file. */
  raw: Buffer;
}

export interface GgufHeader {
  version: number;
  tensorCount: bigint;
  entries: GgufEntry[];
}

class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  u32(): number {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  str(): string {
    const n = Number(this.u64());
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  scalar(type: GgufType): GgufEntry['value'] {
    const b = this.buf;
    const p = this.pos;
    const size = FIXED_SIZE[type];
    if (type === GgufType.STRING) return this.str();
    if (size === undefined) throw new Error(`unsupported GGUF value type ${type}`);
    this.pos += size;
    switch (type) {
      case GgufType.UINT8: return b.readUInt8(p);
      case GgufType.INT8: return b.readInt8(p);
      case GgufType.BOOL: return b.readUInt8(p) !== 0;
      case GgufType.UINT16: return b.readUInt16LE(p);
      case GgufType.INT16: return b.readInt16LE(p);
      case GgufType.UINT32: return b.readUInt32LE(p);
      case GgufType.INT32: return b.readInt32LE(p);
      case GgufType.FLOAT32: return b.readFloatLE(p);
      case GgufType.UINT64: return b.readBigUInt64LE(p);
      case GgufType.INT64: return b.readBigInt64LE(p);
      default: return b.readDoubleLE(p);
    }
  }
  skipArray(): void {
    const itemType = this.u32() as GgufType;
    const n = Number(this.u64());
    const size = FIXED_SIZE[itemType];
    if (size !== undefined) this.pos += size * n;
    else if (itemType === GgufType.STRING) {
      for (let i = 0; i < n; i++) {
        const length = Number(this.u64());
        this.pos += length;
      }
    }
    else throw new Error(`unsupported GGUF array item type ${itemType}`);
  }
}

/** Reads the header and key/value section; the file's metadata must fit in `maxBytes`. */
export function readGgufHeader(file: string, maxBytes = 64 * 1024 * 1024): GgufHeader {
  const fd = openSync(file, 'r');
  let buf: Buffer;
  try {
    buf = Buffer.alloc(maxBytes);
    const n = readSync(fd, buf, 0, maxBytes, 0);
    buf = buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  const c = new Cursor(buf);
  if (buf.length < 24 || c.u32() !== GGUF_MAGIC) throw new Error(`${file} is not a GGUF file (bad magic)`);
  const version = c.u32();
  if (version !== 2 && version !== 3) throw new Error(`${file}: unsupported GGUF version ${version}`);
  const tensorCount = c.u64();
  const kvCount = Number(c.u64());
  const entries: GgufEntry[] = [];
  for (let i = 0; i < kvCount; i++) {
    const start = c.pos;
    const key = c.str();
    const type = c.u32() as GgufType;
    let value: GgufEntry['value'] = null;
    if (type === GgufType.ARRAY) c.skipArray();
    else value = c.scalar(type);
    entries.push({ key, type, value, raw: Buffer.from(buf.subarray(start, c.pos)) });
  }
  return { version, tensorCount, entries };
}

function stringBytes(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(body.length));
  return Buffer.concat([len, body]);
}

/** Encodes one key/value entry of a scalar or string type. */
export function encodeEntry(key: string, type: GgufType, value: number | string | boolean): Buffer {
  const head = Buffer.concat([stringBytes(key), Buffer.from(new Uint32Array([type]).buffer)]);
  let body: Buffer;
  switch (type) {
    case GgufType.STRING: body = stringBytes(String(value)); break;
    case GgufType.UINT32: body = Buffer.alloc(4); body.writeUInt32LE(Number(value)); break;
    case GgufType.INT32: body = Buffer.alloc(4); body.writeInt32LE(Number(value)); break;
    case GgufType.FLOAT32: body = Buffer.alloc(4); body.writeFloatLE(Number(value)); break;
    case GgufType.BOOL: body = Buffer.from([value ? 1 : 0]); break;
    default: throw new Error(`encodeEntry: unsupported type ${type}`);
  }
  return Buffer.concat([head, body]);
}

export enum GgmlType {
  F32 = 0,
  F16 = 1,
}

export interface TensorSpec {
  name: string;
  /** ne[0] first, as GGUF stores dimensions. */
  dims: number[];
  type: GgmlType;
  /** Fills the tensor's data; called once, in file order. */
  fill: () => Uint8Array;
}

function tensorBytes(t: TensorSpec): number {
  const elements = t.dims.reduce((a, b) => a * b, 1);
  return elements * (t.type === GgmlType.F32 ? 4 : 2);
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Writes a GGUF v3 file: header, entries (already encoded), tensor infos, then aligned tensor data. */
export function writeGguf(file: string, entries: Buffer[], tensors: TensorSpec[]): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(GGUF_MAGIC, 0);
  header.writeUInt32LE(GGUF_VERSION, 4);
  header.writeBigUInt64LE(BigInt(tensors.length), 8);
  header.writeBigUInt64LE(BigInt(entries.length), 16);
  const infos: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const info = Buffer.alloc(4 + 8 * t.dims.length + 4 + 8);
    let p = 0;
    info.writeUInt32LE(t.dims.length, p); p += 4;
    for (const d of t.dims) { info.writeBigUInt64LE(BigInt(d), p); p += 8; }
    info.writeUInt32LE(t.type, p); p += 4;
    info.writeBigUInt64LE(BigInt(offset), p);
    infos.push(Buffer.concat([stringBytes(t.name), info]));
    offset = align(offset + tensorBytes(t), GGUF_DEFAULT_ALIGNMENT);
  }
  const fd = openSync(file, 'w');
  try {
    let pos = 0;
    const put = (b: Uint8Array) => { writeSync(fd, b); pos += b.length; };
    put(header);
    entries.forEach(put);
    infos.forEach(put);
    put(new Uint8Array(align(pos, GGUF_DEFAULT_ALIGNMENT) - pos));
    for (const t of tensors) {
      const data = t.fill();
      if (data.length !== tensorBytes(t)) throw new Error(`tensor ${t.name}: expected ${tensorBytes(t)} bytes, got ${data.length}`);
      put(data);
      put(new Uint8Array(align(data.length, GGUF_DEFAULT_ALIGNMENT) - data.length));
    }
  } finally {
    closeSync(fd);
  }
}
