// Every profile, in the order they run (the stress soak last: the profiles before it pick its cell). Adding a profile
// is a folder harness/profiles/<name>/ with its profile.ts and workload.ts, and one line here; the config schema,
// the Vitest projects, the metric registry, the default budgets and the report's sections follow from this list.
import { batch } from './batch/profile.ts';
import { concurrency } from './concurrency/profile.ts';
import { crossover } from './crossover/profile.ts';
import { idle } from './idle/profile.ts';
import { interactive } from './interactive/profile.ts';
import { invisibility } from './invisibility/profile.ts';
import { longContext } from './long-context/profile.ts';
import { quality } from './quality/profile.ts';
import { sleepRace } from './sleep-race/profile.ts';
import { stress } from './stress/profile.ts';
import { temperature } from './temperature/profile.ts';
import { wake } from './wake/profile.ts';

export const PROFILES = [idle, interactive, quality, invisibility, longContext, batch, wake, sleepRace, concurrency, crossover, temperature, stress] as const;

export type RegisteredProfile = (typeof PROFILES)[number];
export type ProfileName = RegisteredProfile['name'];
export type ProfileOf<N extends ProfileName> = Extract<RegisteredProfile, { name: N }>;

export const PROFILE_NAMES: readonly ProfileName[] = PROFILES.map((p) => p.name);

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

export function profileOf<N extends ProfileName>(name: N): ProfileOf<N> {
  return PROFILES.find((p) => p.name === name) as ProfileOf<N>;
}
