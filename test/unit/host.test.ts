// The host line of a report where /proc/cpuinfo is hidden: never "0 cores" and an empty name.
import { describe, expect, test } from 'vitest';
import { hostCpu } from '../../harness/sampler/host.ts';

describe('hostCpu', () => {
  test('systeminformation answers: its figures', () => {
    expect(hostCpu({ manufacturer: 'AMD', brand: 'EPYC 7B13', cores: 2, physicalCores: 1 }, { availableParallelism: 2, models: ['x'] })).toEqual({
      cpu: 'AMD EPYC 7B13',
      cores: 2,
      physicalCores: 1,
    });
  });

  test('/proc/cpuinfo hidden (0 cores, no name): the scheduler count and libuv model name', () => {
    expect(hostCpu({ manufacturer: '', brand: '', cores: 0, physicalCores: 0 }, { availableParallelism: 2, models: ['AMD EPYC 7B13 64-Core Processor', ''] })).toEqual({
      cpu: 'AMD EPYC 7B13 64-Core Processor',
      cores: 2,
      physicalCores: 2,
    });
  });

  test('/proc/cpuinfo bind-mounted to /dev/null: systeminformation says "unknown", libuv too; the name says why', () => {
    expect(hostCpu({ manufacturer: 'unknown', brand: '', cores: 2, physicalCores: 2 }, { availableParallelism: 2, models: ['unknown', 'unknown'] })).toEqual({
      cpu: 'unknown CPU (/proc/cpuinfo unreadable)',
      cores: 2,
      physicalCores: 2,
    });
  });

  test('no name anywhere: says it is unknown, never an empty string', () => {
    expect(hostCpu({ manufacturer: '', brand: '', cores: 0, physicalCores: 0 }, { availableParallelism: 3, models: [] })).toEqual({
      cpu: 'unknown CPU (/proc/cpuinfo unreadable)',
      cores: 3,
      physicalCores: 3,
    });
  });
});
