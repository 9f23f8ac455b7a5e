// The ETA estimator (pure) and the progress file it reads, with figures checked by hand.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { estimateEta, formatDuration, progressLine } from '../../harness/matrix/eta.ts';
import { PROGRESS_FILE, expectedDurationLines, priorFromEarlierRuns, recordProgress, type ProgressPlan } from '../../harness/matrix/progress-log.ts';

const unit = (profile: string, ms: number, ran = true) => ({ profile, ms, ran });

describe('estimateEta', () => {
  test('remaining units × the mean duration of the profile measured so far', () => {
    // idle: (10 + 14) / 2 = 12 s per cell × 3 left = 36 s.
    const eta = estimateEta({ done: [unit('idle', 10_000), unit('idle', 14_000)], remaining: { idle: 3 } });
    expect(eta.remainingMs).toBe(36_000);
    expect(eta.perProfile.idle).toEqual({ msPerUnit: 12_000, basis: 'measured', units: 3 });
  });
  test('per profile: a slow profile does not inflate a fast one', () => {
    const eta = estimateEta({ done: [unit('idle', 5_000), unit('quality', 100_000)], remaining: { idle: 2, quality: 1 } });
    expect(eta.remainingMs).toBe(2 * 5_000 + 100_000);
  });
  test('skips count at their (tiny) duration: a profile that skipped half its cells is expected to go on doing so', () => {
    // (20 000 + 0) / 2 = 10 000 per unit × 4 = 40 000.
    const eta = estimateEta({ done: [unit('interactive', 20_000), unit('interactive', 0, false)], remaining: { interactive: 4 } });
    expect(eta.remainingMs).toBe(40_000);
  });
  test('a profile with nothing run yet: the prior from earlier runs, else the mean over other profiles, else unknown', () => {
    expect(estimateEta({ done: [unit('idle', 6_000)], remaining: { quality: 2 }, prior: { quality: 50_000 } })).toMatchObject({
      remainingMs: 100_000,
      perProfile: { quality: { basis: 'earlier runs' } },
    });
    expect(estimateEta({ done: [unit('idle', 6_000), unit('idle', 8_000)], remaining: { quality: 2 } })).toMatchObject({
      remainingMs: 14_000,
      perProfile: { quality: { msPerUnit: 7_000, basis: 'other profiles' } },
    });
    // Only skips so far: nothing measured, so nothing to go on.
    expect(estimateEta({ done: [unit('idle', 3, false)], remaining: { idle: 2 } })).toMatchObject({ remainingMs: null, perProfile: { idle: { msPerUnit: null, basis: null } } });
    expect(estimateEta({ done: [], remaining: { idle: 1, quality: 1 }, prior: { idle: 1_000 } }).remainingMs).toBeNull();
  });
  test('measured beats the prior once the profile has run; nothing remaining is 0', () => {
    expect(estimateEta({ done: [unit('idle', 2_000)], remaining: { idle: 1 }, prior: { idle: 99_000 } }).remainingMs).toBe(2_000);
    expect(estimateEta({ done: [unit('idle', 2_000)], remaining: { idle: 0 } })).toEqual({ remainingMs: 0, perProfile: {} });
  });
});

describe('formatting', () => {
  test.each([
    [0, '0 s'],
    [42_400, '42 s'],
    [59_600, '1 min 00 s'],
    [245_000, '4 min 05 s'],
    [600_000, '10 min'],
    [3_720_000, '1 h 02 min'],
    [-5, '0 s'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
  test('the progress line: count, elapsed, ETA with its basis; done at the end; unknown says why', () => {
    const eta = estimateEta({ done: [unit('idle', 10_000)], remaining: { idle: 2 } });
    expect(progressLine({ done: 1, total: 3, elapsedMs: 70_000, eta })).toBe('progress 1/3 cells · elapsed 1 min 10 s · ETA 20 s (idle 10 s/cell from measured)');
    expect(progressLine({ done: 3, total: 3, elapsedMs: 90_000, eta: { remainingMs: 0, perProfile: {} } })).toBe('progress 3/3 cells · elapsed 1 min 30 s · done');
    expect(progressLine({ done: 0, total: 2, elapsedMs: 1_000, eta: estimateEta({ done: [], remaining: { quality: 2 } }) })).toBe(
      'progress 0/2 cells · elapsed 1 s · ETA unknown until a cell of each profile has run (quality unknown)',
    );
  });
});

describe('progress file', () => {
  const plan = (units: Record<string, number>, prior: Record<string, number> = {}): ProgressPlan => ({ startedAtMs: 1_000_000, units, repeat: 1, prior });
  test('each finished unit is appended; the count and ETA cover every profile file of this run, not an earlier session', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eta-'));
    // A resumed run's earlier session: not counted.
    writeFileSync(path.join(dir, PROGRESS_FILE), `${JSON.stringify({ session: 1, at: '', profile: 'idle', cellId: 'x', repetition: 1, ms: 1, ran: true, etaMs: null })}\n{torn\n`);
    const p = plan({ idle: 2, interactive: 2 });
    const first = recordProgress(dir, p, { profile: 'idle', cellId: 'a', repetition: 1, ms: 4_000, ran: true }, 1_010_000);
    // idle 4 s × 1 left, interactive from the other profile's mean 4 s × 2 = 12 s.
    expect(first.eta.remainingMs).toBe(12_000);
    expect(first.line).toBe('progress 1/4 cells · elapsed 10 s · ETA 12 s (idle 4 s/cell from measured, interactive 4 s/cell from other profiles)');
    const second = recordProgress(dir, p, { profile: 'idle', cellId: 'b', repetition: 1, ms: 0, ran: false }, 1_012_000);
    expect(second.line).toMatch(/^progress 2\/4 cells · elapsed 12 s · ETA 8 s/);
    const lines = readFileSync(path.join(dir, PROGRESS_FILE), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ session: 1_000_000, profile: 'idle', cellId: 'b', ran: false, etaMs: 8_000 });
  });
  test('the prior: per profile ms per unit over the most recent earlier runs; the first lines say what to expect', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'eta-runs-'));
    const write = (run: string, entries: object[]) => {
      mkdirSync(path.join(out, run));
      writeFileSync(path.join(out, run, PROGRESS_FILE), entries.map((e) => JSON.stringify(e)).join('\n'));
    };
    write('20261201-100000-aaaaaa', [{ profile: 'idle', ms: 10_000, ran: true }, { profile: 'idle', ms: 20_000, ran: true }]);
    write('20261201-110000-bbbbbb', [{ profile: 'quality', ms: 0, ran: false }]);
    mkdirSync(path.join(out, 'not-a-run'));
    const prior = priorFromEarlierRuns(out, '20261201-120000-cccccc');
    expect(prior).toEqual({ idle: 15_000 }); // quality only ever skipped: nothing to go on
    const p = plan({ idle: 4 }, prior);
    expect(expectedDurationLines(p, false)).toEqual([
      'expected duration: about 1 min 00 s for 4 cell run(s), from earlier runs on this machine (idle 15 s/cell); the ETA is updated after each cell',
      'for a short look: --quick (fewer quantizations, shorter profiles) and/or --profile idle,interactive',
    ]);
    expect(expectedDurationLines(plan({ idle: 1, quality: 3 }, prior), true)[0]).toBe(
      'expected duration: not known before a cell of each profile has run (no earlier run on this machine measured quality); 4 cell run(s), the ETA follows each cell',
    );
    expect(priorFromEarlierRuns(path.join(out, 'missing'), 'x')).toEqual({});
  });
});
