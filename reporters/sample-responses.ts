// A glance at what the model said, for the report: the first few answers of a cell's responses.jsonl. That file can
// be huge (a soak, or a server that streamed hundreds of MB), so it is read line by line from the start, a line too
// long to be a glance is skipped unparsed, and the search gives up after a bounded number of bytes.
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 64 * 1024;
/** A record longer than this is not parsed (its text would be cut to a few hundred characters anyway). */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Bytes read at most, whatever the file's size. */
export const MAX_SCAN_BYTES = 16 * 1024 * 1024;

function answerText(line: string): string | null {
  try {
    const r = JSON.parse(line) as { warmup?: boolean; text?: unknown } | null;
    return r && !r.warmup && typeof r.text === 'string' ? r.text : null;
  } catch {
    return null;
  }
}

/** Up to `count` answers (warmups left out), each cut to `maxChars`; [] when the file is absent or unreadable. */
export function sampleResponses(file: string | null, count = 3, maxChars = 600): string[] {
  if (file === null || count <= 0) return [];
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  const found: string[] = [];
  let parts: Buffer[] = [];
  let lineBytes = 0;
  let tooLong = false;
  const endLine = () => {
    if (!tooLong && lineBytes > 0) {
      const text = answerText(Buffer.concat(parts).toString('utf8'));
      if (text !== null) found.push(text.slice(0, maxChars));
    }
    parts = [];
    lineBytes = 0;
    tooLong = false;
  };
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    for (let scanned = 0; found.length < count && scanned < MAX_SCAN_BYTES; ) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) {
        endLine();
        break;
      }
      scanned += n;
      const chunk = buf.subarray(0, n);
      for (let at = 0; at < n && found.length < count; ) {
        const newline = chunk.indexOf(10, at);
        const end = newline === -1 ? n : newline;
        lineBytes += end - at;
        if (lineBytes > MAX_LINE_BYTES) {
          tooLong = true;
          parts = [];
        } else if (!tooLong) {
          parts.push(Buffer.from(chunk.subarray(at, end)));
        }
        if (newline === -1) break;
        endLine();
        at = newline + 1;
      }
    }
  } catch {
    // unreadable midway: what was found so far stands
  } finally {
    closeSync(fd);
  }
  return found;
}
