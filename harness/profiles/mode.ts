import type { BenchConfig } from '../config/schema.ts';

type Profiles = BenchConfig['profiles'];
/** Profiles whose settings have a `quick` block. */
export type TunableProfile = { [P in keyof Profiles]: Profiles[P] extends { quick: object } ? P : never }[keyof Profiles];
export type Settings<P extends TunableProfile> = Omit<Profiles[P], 'quick'>;

export function isQuick(config: BenchConfig): boolean {
  return config.planner.mode === 'quick';
}

/** A profile's settings, with its `quick` overrides applied when the run is in quick mode. */
export function settingsOf<P extends TunableProfile>(config: BenchConfig, profile: P): Settings<P> {
  const { quick, ...full } = config.profiles[profile];
  return (isQuick(config) ? { ...full, ...Object.fromEntries(Object.entries(quick).filter(([, v]) => v !== undefined)) } : full) as Settings<P>;
}
