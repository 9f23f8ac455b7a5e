// The cell guards' settings (harness/sampler/guards.ts): the top-level `guards` block, and each profile's optional
// `guards` override of it.
import { z } from 'zod';

export const guardSettingsSchema = z.strictObject({
  /** Abort a cell whose CPU temperature reads above this (°C, where a sensor exists); null: no limit. */
  abort_temperature_c: z.number().min(0).max(150, 'expected at most 150 °C').nullable().default(90),
  /** false: abort a cell as soon as the machine's swap usage grows above its level at the cell's start. */
  allow_swap: z.boolean().default(true),
});
export type GuardSettings = z.output<typeof guardSettingsSchema>;
export const guardOverridesSchema = z.strictObject({
  abort_temperature_c: guardSettingsSchema.shape.abort_temperature_c.unwrap().optional(),
  allow_swap: z.boolean().optional(),
});
export type GuardOverrides = z.output<typeof guardOverridesSchema>;

/** The guards in force for one profile: the global block, then what the profile overrides. */
export function resolveGuards(global: GuardSettings, override: GuardOverrides | undefined): GuardSettings {
  return {
    abort_temperature_c: override?.abort_temperature_c !== undefined ? override.abort_temperature_c : global.abort_temperature_c,
    allow_swap: override?.allow_swap ?? global.allow_swap,
  };
}

