/** The `profile` option: the FAPI profile by name, and the options it holds to its ranges. */
import { isProfileName, PROFILE_NAMES, PROFILES, type Profile, type SecondsRange } from '../oauth/profiles.js';
import type { SigningAlg } from '../tokens/algorithms.js';
import { DEFAULTS } from './defaults.js';
import { OptionError } from './errors.js';

/** The profile `name` names; an unknown name is refused, listing the known ones. */
export function resolveProfile(name: string): Profile {
  if (!isProfileName(name)) throw OptionError.at('profile', `must be one of ${PROFILE_NAMES.join(', ')}, got "${name}"`);
  return PROFILES[name];
}

/** Refuses `value` of option `option` when the profile confines it to a range it leaves. */
export function withinProfile(profile: Profile, option: 'clockSkewSeconds' | 'tokenLifetimeSeconds', value: number): number {
  const range: SecondsRange | undefined = profile[option];
  if (range && (value < range.min || value > range.max)) {
    throw OptionError.at(option, `must be from ${range.min} to ${range.max} seconds under the ${profile.name} profile (${profile.title}), got ${value}`);
  }
  return value;
}

/** The algorithm of a generated token signing key: the one asked for, else the profile's first, else the default. */
export function tokenSigningAlgFor(options: { signingAlg?: SigningAlg; profile?: string }): SigningAlg {
  return options.signingAlg ?? resolveProfile(options.profile ?? DEFAULTS.profile).tokenSigningAlgs?.[0] ?? DEFAULTS.signingAlg;
}
