import type { GrantType } from '../contract/request.js';
import type { Clock } from '../state/clock.js';
import type { DeviceCodeStore } from '../state/device-codes.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import type { GrantHandler } from './grant.js';

export type { GrantHandler, GrantOutcome } from './grant.js';

/** grant_type → handler; every value of the contract's enum has exactly one. */
export function grantHandlers(devices: DeviceCodeStore, clock: Clock): ReadonlyMap<GrantType, GrantHandler> {
  const handlers: readonly GrantHandler[] = [clientCredentialsGrant, deviceCodeGrant(devices, clock)];
  return new Map(handlers.flatMap((h) => h.grantTypes.map((t) => [t, h] as const)));
}
