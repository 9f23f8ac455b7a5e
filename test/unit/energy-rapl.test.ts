import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { counterDeltaJ, powercapRoot, probeRapl, RaplReader, SNAPSHOT_ATTEMPTS, SNAPSHOT_SPREAD_MS, type PowercapFs } from '../../harness/energy/rapl.ts';
import { Sampler } from '../../harness/sampler/sampler.ts';

const MAX = 262_143_328_850;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fake-powercap-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function zone(id: string, name: string, uj: number, max = MAX): Record<string, string> {
  return { [`${id}/name`]: `${name}\n`, [`${id}/energy_uj`]: `${uj}\n`, [`${id}/max_energy_range_uj`]: `${max}\n` };
}

describe('powercap root', () => {
  test('BENCH_POWERCAP_ROOT, else the config key, else the kernel path', () => {
    expect(powercapRoot(null, {})).toBe('/sys/class/powercap');
    expect(powercapRoot('/cfg', {})).toBe('/cfg');
    expect(powercapRoot('/cfg', { BENCH_POWERCAP_ROOT: '/env' })).toBe('/env');
    expect(powercapRoot(null, { BENCH_POWERCAP_ROOT: '' })).toBe('/sys/class/powercap');
  });
});

describe('RAPL domains', () => {
  test('every domain and subdomain is listed; packages add up, psys and subdomains do not', () => {
    const root = tree({
      ...zone('intel-rapl:0', 'package-0', 1_000_000),
      ...zone('intel-rapl:0:0', 'core', 400_000),
      ...zone('intel-rapl:0:1', 'uncore', 100_000),
      ...zone('intel-rapl:0:2', 'dram', 200_000),
      ...zone('intel-rapl:1', 'package-1', 3_000_000),
      ...zone('intel-rapl:2', 'psys', 9_000_000),
      'intel-rapl-mmio:0/energy_uj': '5\n', // another interface to package 0: not counted twice
    });
    const probe = probeRapl(root);
    expect(probe.status).toBe('ok');
    if (probe.status !== 'ok') return;
    expect(probe.domains.map((d) => `${d.id}=${d.name}${d.package ? '*' : ''}`)).toEqual([
      'intel-rapl:0=package-0*',
      'intel-rapl:0:0=core',
      'intel-rapl:0:1=uncore',
      'intel-rapl:0:2=dram',
      'intel-rapl:1=package-1*',
      'intel-rapl:2=psys',
    ]);
    const reader = new RaplReader(root, probe.domains);
    const a = reader.snapshot();
    writeFileSync(path.join(root, 'intel-rapl:0/energy_uj'), '6000000'); // +5 J
    writeFileSync(path.join(root, 'intel-rapl:1/energy_uj'), '5500000'); // +2.5 J
    writeFileSync(path.join(root, 'intel-rapl:0:0/energy_uj'), '3400000'); // +3 J
    writeFileSync(path.join(root, 'intel-rapl:2/energy_uj'), '19000000'); // +10 J, platform: not package
    const b = reader.snapshot();
    expect(reader.packageJoules(a, b)).toBeCloseTo(7.5, 9);
    expect(reader.domainJoules(a, b)).toMatchObject({ 'intel-rapl:0:0': 3, 'intel-rapl:2': 10, 'intel-rapl:0:1': 0 });
    expect(b.at).toBeGreaterThanOrEqual(a.at);
  });

  test('wrap-around at max_energy_range_uj', () => {
    expect(counterDeltaJ(MAX - 1_000_000, 500_000, MAX)).toBeCloseTo(1.5, 9);
    expect(counterDeltaJ(10, 10, MAX)).toBe(0);
    expect(counterDeltaJ(4_294_967_000, 296, 4_294_967_296)).toBeCloseTo(0.000592, 12);
    const root = tree(zone('intel-rapl:0', 'package-0', 999_000, 1_000_000));
    const reader = RaplReader.open(root);
    if ('skipped' in reader) throw new Error(reader.skipped);
    const a = reader.snapshot();
    writeFileSync(path.join(root, 'intel-rapl:0/energy_uj'), '250000'); // 1000 µJ to the top, then 250 000 past 0
    expect(reader.packageJoules(a, reader.snapshot())).toBeCloseTo(0.251, 9);
  });

  test('a snapshot is stamped at its reads: a reader held up between the reads and the clock reads again', () => {
    const root = tree(zone('intel-rapl:0', 'package-0', 1_000_000));
    const probe = probeRapl(root);
    if (probe.status !== 'ok') throw new Error('no probe');
    // The first reads stall 30 ms after the counter is taken (as a descheduled reader would); the counter then moves.
    let reads = 0;
    let stalledAt = 0;
    const fs: PowercapFs = {
      readdir: (d) => readdirSync(d),
      readFile: (f) => {
        const text = readFileSync(f, 'utf8');
        if (reads++ === 0) {
          stalledAt = performance.now();
          while (performance.now() - stalledAt < 30); // busy: a stall the reader cannot see but through the clock
          writeFileSync(path.join(root, 'intel-rapl:0/energy_uj'), '2000000');
        }
        return text;
      },
    };
    const snap = new RaplReader(root, probe.domains, fs).snapshot();
    expect(reads).toBeGreaterThanOrEqual(2); // more when a loaded machine also holds up a later read
    // The stamped value is the one read after the stall, not the stale 1 J stamped 30 ms late.
    expect(snap.uj['intel-rapl:0']).toBe(2_000_000);
    expect(snap.at - stalledAt).toBeGreaterThanOrEqual(30);
    // A reader that is always slow keeps its last reading rather than reading forever.
    let slow = 0;
    const always: PowercapFs = {
      readdir: (d) => readdirSync(d),
      readFile: (f) => {
        slow++;
        const t = performance.now();
        while (performance.now() - t < SNAPSHOT_SPREAD_MS + 1);
        return readFileSync(f, 'utf8');
      },
    };
    expect(new RaplReader(root, probe.domains, always).snapshot().uj['intel-rapl:0']).toBe(2_000_000);
    expect(slow).toBe(SNAPSHOT_ATTEMPTS);
  });

  test('absent tree, empty tree, no package: skipped with the reason', () => {
    const missing = probeRapl('/nonexistent/powercap');
    expect(missing).toEqual({ status: 'skipped', reason: expect.stringMatching(/^no RAPL on this machine \(.*does not exist\)/) });
    expect(probeRapl(tree({ 'dtpm/.keep': '' }))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/no RAPL on this machine \(no intel-rapl/) });
    const noMax = tree({ 'intel-rapl:0/name': 'package-0', 'intel-rapl:0/energy_uj': '5' });
    expect(probeRapl(noMax)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/max_energy_range_uj.*wrapped counter/) });
    const garbage = tree(zone('intel-rapl:0', 'package-0', 0));
    writeFileSync(path.join(garbage, 'intel-rapl:0/energy_uj'), 'not-a-number');
    expect(probeRapl(garbage)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/not a counter/) });
  });

  test('permission denied (non-root users, since the fix for CVE-2020-8694): skipped, naming the file and the fix', () => {
    const root = tree({ ...zone('intel-rapl:0', 'package-0', 5), ...zone('intel-rapl:0:0', 'core', 5) });
    const denying: PowercapFs = {
      readdir: (d) => readdirSync(d),
      readFile: (f) => {
        if (f.endsWith('energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${f}'`), { code: 'EACCES' });
        return readFileSync(f, 'utf8');
      },
    };
    const probe = probeRapl(root, denying);
    expect(probe.status).toBe('skipped');
    if (probe.status !== 'skipped') return;
    expect(probe.reason).toMatch(/permission denied on .*intel-rapl:0\/energy_uj/);
    expect(probe.reason).toMatch(/udev rule/);
    expect(probe.reason).toMatch(/as root/);
    const unlisted: PowercapFs = { readdir: () => { throw Object.assign(new Error('EACCES'), { code: 'EACCES' }); }, readFile: () => '' };
    expect(probeRapl(root, unlisted)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/cannot be listed \(permission denied\)/) });
  });
});

describe('the sampler on a fake powercap tree', () => {
  test('energy_j accumulates package joules across a wrap; without a tree the reason is kept', () => {
    const root = tree(zone('intel-rapl:0', 'package-0', 1_900_000, 2_000_000));
    const sampler = new Sampler(process.pid, { intervalMs: 1000, powercapRoot: root });
    sampler.tick();
    writeFileSync(path.join(root, 'intel-rapl:0/energy_uj'), '400000'); // +0.5 J across the wrap
    sampler.tick();
    writeFileSync(path.join(root, 'intel-rapl:0/energy_uj'), '1400000'); // +1 J
    sampler.tick();
    const rows = sampler.snapshot();
    expect(rows.map((r) => r.energyJ)).toEqual([0.5, 1.5]);
    expect(sampler.missingSensors().energy).toBeUndefined();
    const none = new Sampler(process.pid, { intervalMs: 1000, powercapRoot: '/nonexistent/powercap' });
    expect(none.missingSensors().energy).toMatch(/no RAPL on this machine/);
  });
});
