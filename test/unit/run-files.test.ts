// Reading a run's cell files for the report: only paths inside the run, and only the start of a huge responses.jsonl.
import { appendFileSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runRelativePath } from '../../harness/report/run-path.ts';
import { cellFile } from '../../harness/report/cell-file.ts';
import { MAX_LINE_BYTES, MAX_SCAN_BYTES, sampleResponses } from '../../reporters/sample-responses.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'run-files-'));
const line = (o: unknown) => `${JSON.stringify(o)}\n`;

describe('runRelativePath', () => {
  test('accepts the paths the harness writes', () => {
    for (const p of ['tiny_Q4_K_M_t1_c1024_nice10/idle/server.log', 'a/b.c/metrics_samples.csv', 'qwen2.5-1.5b_Q8_0/long-context/responses.jsonl']) {
      expect(runRelativePath(p)).toBe(p);
    }
  });
  test('refuses schemes, climbing out, absolute paths, odd characters and non-strings', () => {
    for (const p of [
      'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>1</script>', 'http://evil.example/x', '//evil.example/x',
      '../outside.log', 'cell/../../etc/passwd', 'cell/..', './server.log', '/etc/passwd', 'C:\\\\x', 'cell\\\\..\\\\x',
      'a//b', 'a/', '', ' ', 'a b', 'x\u0000y', 'a/%2e%2e/b', 'x?y=1', 'x#frag', '&#106;avascript:alert(1)', 'a'.repeat(2000),
    ]) {
      expect(runRelativePath(p), p).toBeNull();
    }
    for (const v of [null, undefined, 42, {}, ['a']]) expect(runRelativePath(v)).toBeNull();
  });
});

describe('cellFile', () => {
  test('resolves inside the run directory only, symlinks included', () => {
    const root = tmp();
    const run = path.join(root, 'run');
    mkdirSync(path.join(run, 'cell', 'idle'), { recursive: true });
    writeFileSync(path.join(run, 'cell', 'idle', 'responses.jsonl'), '');
    writeFileSync(path.join(root, 'secret.txt'), 'secret');
    symlinkSync(path.join(root, 'secret.txt'), path.join(run, 'cell', 'idle', 'link.jsonl'));
    expect(cellFile(run, 'cell/idle/responses.jsonl')).toBe(path.join(run, 'cell', 'idle', 'responses.jsonl'));
    expect(cellFile(run, '../secret.txt')).toBeNull();
    expect(cellFile(run, path.join(root, 'secret.txt'))).toBeNull();
    expect(cellFile(run, 'cell/idle/link.jsonl')).toBeNull();
    expect(cellFile(run, 'cell/idle/missing.jsonl')).toBeNull();
    expect(cellFile(run, undefined)).toBeNull();
  });
});

describe('sampleResponses', () => {
  test('the first answers, warmups and unparsable lines left out, each cut short', () => {
    const file = path.join(tmp(), 'responses.jsonl');
    writeFileSync(file, line({ warmup: true, text: 'warm' }) + 'not json\n' + line({ text: 'one' }) + line({ text: 'x'.repeat(1000) }) + line({ text: 3 }) + line({ text: 'three' }) + line({ text: 'four' }));
    expect(sampleResponses(file)).toEqual(['one', 'x'.repeat(600), 'three']);
    expect(sampleResponses(file, 5)).toEqual(['one', 'x'.repeat(600), 'three', 'four']);
  });

  test('a last line without a newline counts; an absent file or no file gives none', () => {
    const file = path.join(tmp(), 'responses.jsonl');
    writeFileSync(file, JSON.stringify({ text: 'only' }));
    expect(sampleResponses(file)).toEqual(['only']);
    expect(sampleResponses(path.join(tmp(), 'missing.jsonl'))).toEqual([]);
    expect(sampleResponses(null)).toEqual([]);
  });

  test('a 1 GiB responses.jsonl: the first answers, without reading the file whole', () => {
    // Sparse: the gigabyte of zeros after the answers costs no disk. Read whole, it would not even fit in a string.
    const file = path.join(tmp(), 'responses.jsonl');
    writeFileSync(file, line({ text: 'a' }) + line({ text: 'b' }) + line({ text: 'c' }));
    truncateSync(file, 1024 ** 3);
    expect(sampleResponses(file)).toEqual(['a', 'b', 'c']);
  });

  test('a record too long to be a glance is skipped unparsed; the search stops after a bounded number of bytes', () => {
    const file = path.join(tmp(), 'responses.jsonl');
    writeFileSync(file, `{"text":"${'h'.repeat(MAX_LINE_BYTES + 10)}"}\n`);
    appendFileSync(file, line({ text: 'after the huge one' }));
    expect(sampleResponses(file)).toEqual(['after the huge one']);

    const far = path.join(tmp(), 'responses.jsonl');
    writeFileSync(far, '');
    truncateSync(far, MAX_SCAN_BYTES + 1024);
    appendFileSync(far, line({ text: 'beyond the scan' }));
    expect(sampleResponses(far)).toEqual([]);
  });
});
