import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export interface GpuDevice {
  /** PCI address, e.g. 0000:01:00.0. */
  address: string;
  vendor: string;
  /** PCI vendor:device ids, e.g. 10de:2204. */
  ids: string;
  /** "VGA controller", "3D controller", "display controller". */
  kind: string;
  /** The kernel driver bound to it (nvidia, amdgpu, i915…); null when none is. */
  driver: string | null;
  /** Dedicated memory, where the driver exposes it (amdgpu: mem_info_vram_total). */
  vramMb: number | null;
  /** The model name, where the driver exposes it (NVIDIA: /proc/driver/nvidia/gpus/<address>/information). */
  model: string | null;
}

export type GpuFacts = { status: 'ok'; devices: GpuDevice[] } | { status: 'skipped'; reason: string };

const VENDORS: Record<string, string> = { '0x10de': 'NVIDIA', '0x1002': 'AMD', '0x8086': 'Intel', '0x13b5': 'ARM', '0x5143': 'Qualcomm' };
// PCI class 0x03: display controllers; subclass 00 VGA, 02 3D (compute cards such as data-centre GPUs), 80 other.
const KINDS: Record<string, string> = { '00': 'VGA controller', '02': '3D controller', '80': 'display controller' };

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The host's GPUs: every PCI display controller under `<sys>/bus/pci/devices`, with what its driver says. No such
 * device: `skipped` "no GPU". The suite runs llama.cpp on the CPU either way; these are facts about the machine.
 */
export function readGpuFacts(sys = '/sys', proc = '/proc'): GpuFacts {
  const root = path.join(sys, 'bus/pci/devices');
  let addresses: string[];
  try {
    addresses = readdirSync(root).sort();
  } catch {
    return { status: 'skipped', reason: `no GPU found (${root} is not readable, so no PCI device was seen)` };
  }
  const devices: GpuDevice[] = [];
  for (const address of addresses) {
    const dir = path.join(root, address);
    const cls = read(path.join(dir, 'class'));
    if (!cls || !/^0x03/i.test(cls)) continue;
    const vendorId = (read(path.join(dir, 'vendor')) ?? '').toLowerCase();
    const deviceId = (read(path.join(dir, 'device')) ?? '').toLowerCase();
    let driver: string | null = null;
    try {
      driver = path.basename(readlinkSync(path.join(dir, 'driver')));
    } catch {
      driver = null;
    }
    const vram = Number(read(path.join(dir, 'mem_info_vram_total')));
    const nvidia = read(path.join(proc, 'driver/nvidia/gpus', address, 'information'));
    devices.push({
      address,
      vendor: VENDORS[vendorId] ?? (vendorId || 'unknown vendor'),
      ids: `${vendorId.replace(/^0x/, '')}:${deviceId.replace(/^0x/, '')}`,
      kind: KINDS[cls.slice(4, 6)] ?? 'display controller',
      driver,
      vramMb: Number.isFinite(vram) && vram > 0 ? Math.round(vram / 2 ** 20) : null,
      model: nvidia ? (/^Model:\s*(.+)$/m.exec(nvidia)?.[1]?.trim() ?? null) : null,
    });
  }
  return devices.length > 0 ? { status: 'ok', devices } : { status: 'skipped', reason: 'no GPU' };
}
