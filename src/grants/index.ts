import type { GrantType } from '../contract/request.js';
import type { Clock } from '../state/clock.js';
import type { SandboxState } from '../state/index.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import type { GrantHandler } from './grant.js';
import { refreshTokenGrant } from './refresh-token.js';

export type { GrantHandler, GrantOutcome, Lineage } from './grant.js';

export interface GrantSettings {
  /** Issue a new refresh token at each refresh, the old one no longer valid. */
  rotateRefreshTokens: boolean;
}

/** grant_type → handler; every value of the contract's enum has exactly one. */
export function grantHandlers(state: SandboxState, clock: Clock, settings: GrantSettings): ReadonlyMap<GrantType, GrantHandler> {
  const handlers: readonly GrantHandler[] = [
    clientCredentialsGrant,
    deviceCodeGrant(state.devices, clock),
    authorizationCodeGrant(state, clock),
    refreshTokenGrant(state, settings.rotateRefreshTokens),
  ];
  return new Map(handlers.flatMap((h) => h.grantTypes.map((t) => [t, h] as const)));
}
