import { describe, expect, test } from 'vitest';
import { decodeSpeed } from '../../harness/profiles/wake/workload.ts';

describe("the wake profile's decode speeds", () => {
  test('a measured speed is ok', () => {
    expect(decodeSpeed({ ok: true, error: null, decodeTps: 42.5, decodeNote: null })).toEqual({ value: 42.5, unit: 'tok/s', status: 'ok' });
  });
  test("no client-side decode time: skipped with the client's own reason, not a generic one", () => {
    const note = "faster than the server's own decode: 15000 tok/s read, 950 tok/s made (more than 1.25 times), so the client read tokens that were already waiting";
    expect(decodeSpeed({ ok: true, error: null, decodeTps: null, decodeNote: note })).toEqual({ value: null, unit: 'tok/s', status: 'skipped', reason: `no client-side decode time: ${note}` });
    expect(decodeSpeed({ ok: true, error: null, decodeTps: null, decodeNote: null }).reason).toBe('no client-side decode time: no positive time between first and last token');
  });
  test('a failed request is an error naming the failure, never a skipped speed', () => {
    expect(decodeSpeed({ ok: false, error: 'request timed out after 30 s', decodeTps: null, decodeNote: 'no token arrived' })).toEqual({ value: null, unit: 'tok/s', status: 'error', reason: 'the request failed: request timed out after 30 s' });
    expect(decodeSpeed({ ok: false, error: null, decodeTps: 12, decodeNote: null })).toMatchObject({ status: 'error', reason: 'the request failed: no reason given' });
  });
});
