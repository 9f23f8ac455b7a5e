/**
 * Hardware sensors under /sys. Many machines (VMs, containers) have none: a reader then says so, with the
 * reason, and the metric is `skipped`. Each takes the sysfs root so tests can use a fake tree.
 */
import { readFileSync, readdirSync } from 'node:fs';

export type SensorReading = { status: 'ok'; value: number } | { status: 'skipped'; reason: string };

function readNumber(file: string): number | null {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Hottest CPU-ish thermal zone or hwmon input, °C. */
export function readTemperature(sys = '/sys'): SensorReading {
  const values: number[] = [];
  for (const zone of list(`${sys}/class/thermal`).filter((z) => z.startsWith('thermal_zone'))) {
    const v = readNumber(`${sys}/class/thermal/${zone}/temp`);
    if (v !== null) values.push(v / 1000);
  }
  for (const hw of list(`${sys}/class/hwmon`)) {
    for (const f of list(`${sys}/class/hwmon/${hw}`).filter((f) => /^temp\d+_input$/.test(f))) {
      const v = readNumber(`${sys}/class/hwmon/${hw}/${f}`);
      if (v !== null) values.push(v / 1000);
    }
  }
  if (values.length === 0) return { status: 'skipped', reason: `no temperature sensor on this machine (nothing under ${sys}/class/thermal or ${sys}/class/hwmon)` };
  return { status: 'ok', value: Math.max(...values) };
}

/** Mean current frequency over CPUs, MHz. */
export function readFrequency(sys = '/sys'): SensorReading {
  const values: number[] = [];
  for (const cpu of list(`${sys}/devices/system/cpu`).filter((c) => /^cpu\d+$/.test(c))) {
    const v = readNumber(`${sys}/devices/system/cpu/${cpu}/cpufreq/scaling_cur_freq`);
    if (v !== null) values.push(v / 1000);
  }
  if (values.length === 0) return { status: 'skipped', reason: `no CPU frequency readout on this machine (no ${sys}/devices/system/cpu/cpu*/cpufreq)` };
  return { status: 'ok', value: values.reduce((a, b) => a + b, 0) / values.length };
}

/** Package energy counter, joules, summed over RAPL packages (intel-rapl:N, not their sub-zones). */
export function readEnergy(sys = '/sys'): SensorReading {
  const zones = list(`${sys}/class/powercap`).filter((z) => /^intel-rapl:\d+$/.test(z));
  let total = 0;
  let found = 0;
  for (const z of zones) {
    const v = readNumber(`${sys}/class/powercap/${z}/energy_uj`);
    if (v !== null) {
      total += v / 1e6;
      found++;
    }
  }
  if (found === 0) return { status: 'skipped', reason: `no RAPL on this machine (no readable ${sys}/class/powercap/intel-rapl:*/energy_uj)` };
  return { status: 'ok', value: total };
}
