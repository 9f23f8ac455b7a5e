// vitest.config.ts takes the profile names from a leaf list so loading the config does not load profile code;
// the list must stay the registry's, in the registry's order (the order the projects run in).
import { expect, expectTypeOf, test } from 'vitest';
import { PROFILE_NAMES_IN_ORDER } from '../../harness/profiles/names.ts';
import { PROFILES, type ProfileName } from '../../harness/profiles/registry.ts';

test('the names-only list is the registry, in its order', () => {
  expect([...PROFILE_NAMES_IN_ORDER]).toEqual(PROFILES.map((p) => p.name));
  expectTypeOf<(typeof PROFILE_NAMES_IN_ORDER)[number]>().toEqualTypeOf<ProfileName>();
});
