import { PROFILES } from '../profiles/registry.ts';
import type { ProfileName } from './catalogue.ts';

/** Each profile's default budgets, from its definition; every one can be overridden or set to "off" in the config. */
export const DEFAULT_BUDGETS = Object.fromEntries(PROFILES.map((p) => [p.name, { ...p.budgets } as Record<string, string | readonly string[]>])) as Record<
  ProfileName,
  Record<string, string | readonly string[]>
>;
