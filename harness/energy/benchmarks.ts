/**
 * Energy coefficients for estimated mode (energy/benchmarks.yaml, plus an optional file of the user's): each with
 * its kind, figures and source. A coefficient the config names must exist; a malformed file is bad input naming
 * the YAML path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const BUILTIN_BENCHMARKS_FILE = path.resolve(import.meta.dirname, '../../energy/benchmarks.yaml');

const source = z.string().min(1, 'expected the source of the figures');
export const coefficientSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('watts_per_vcpu'), min_w: z.number().min(0), max_w: z.number().min(0), source }).refine((c) => c.max_w >= c.min_w, { message: 'expected max_w ≥ min_w' }),
  z.strictObject({
    kind: z.literal('wh_per_1000_tokens'),
    prefill_wh_per_1000: z.number().min(0),
    decode_wh_per_1000: z.number().min(0),
    idle_w: z.number().min(0).default(0),
    source,
    /** The interval of a calibrated coefficient (decode Wh per 1000 tokens). */
    ci: z.strictObject({ low: z.number(), high: z.number(), level: z.number() }).optional(),
    runs: z.number().int().min(1).optional(),
  }),
]);
export type EnergyCoefficient = z.output<typeof coefficientSchema> & { name: string };

const fileSchema = z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a coefficient name of letters, digits, ".", "_" or "-"'), coefficientSchema);

/** Coefficients of one file; throws an Error naming the file and the YAML path of each problem. */
export function readBenchmarks(file: string): Record<string, EnergyCoefficient> {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = fileSchema.safeParse(data ?? {});
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([name, c]) => [name, { ...c, name }]));
}

/** The built-in coefficients, then the user's file (relative to the config file) over them. */
export function loadBenchmarks(userFile: string | null, configFile: string): Record<string, EnergyCoefficient> {
  const builtin = readBenchmarks(BUILTIN_BENCHMARKS_FILE);
  if (!userFile) return builtin;
  return { ...builtin, ...readBenchmarks(path.resolve(path.dirname(configFile), userFile)) };
}

/** The coefficient `name`, or an error listing the ones there are. */
export function coefficientNamed(all: Record<string, EnergyCoefficient>, name: string): EnergyCoefficient {
  const c = all[name];
  if (!c) throw new Error(`energy.estimate: no coefficient "${name}"; known: ${Object.keys(all).sort().join(', ')}`);
  return c;
}

/** One line saying what an estimate rests on, for the figures' reasons and the report. */
export function describeCoefficient(c: EnergyCoefficient, vcpus: number): string {
  if (c.kind === 'watts_per_vcpu') {
    return `estimated with ${c.name}: ${vcpus} vCPU × (${c.min_w} W + busy share × ${(c.max_w - c.min_w).toFixed(2)} W), machine CPU from /proc/stat; source: ${c.source}`;
  }
  return `estimated with ${c.name}: ${c.prefill_wh_per_1000} Wh per 1000 input tokens, ${c.decode_wh_per_1000} Wh per 1000 output tokens, ${c.idle_w} W idle; source: ${c.source}`;
}
