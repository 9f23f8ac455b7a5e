import type { BenchConfig } from '../config/schema.ts';
import type { ProfileName } from './registry.ts';

type Profiles = BenchConfig['profiles'];
/** A profile's settings as they apply to a run: without the `quick` block, which has been applied or not. */
export type Settings<P extends ProfileName> = Omit<Profiles[P], 'quick'>;

export function isQuick(config: BenchConfig): boolean {
  return config.planner.mode === 'quick';
}

/** A profile's settings, with its `quick` overrides applied when the run is in quick mode (for profiles that have them). */
export function settingsOf<P extends ProfileName>(config: BenchConfig, profile: P): Settings<P> {
  const { quick, ...full } = config.profiles[profile] as Profiles[P] & { quick?: Record<string, unknown> };
  if (!quick || !isQuick(config)) return full as Settings<P>;
  return { ...full, ...Object.fromEntries(Object.entries(quick).filter(([, v]) => v !== undefined)) } as Settings<P>;
}
