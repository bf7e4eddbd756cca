import type { GrantType } from '../contract/request.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import type { GrantHandler } from './grant.js';

export type { GrantContext, GrantHandler, GrantOutcome } from './grant.js';

const HANDLERS: readonly GrantHandler[] = [clientCredentialsGrant, deviceCodeGrant];

/** grant_type → handler; every value of the contract's enum has exactly one. */
export const grantHandlers: ReadonlyMap<GrantType, GrantHandler> = new Map(
  HANDLERS.flatMap((h) => h.grantTypes.map((t) => [t, h] as const)),
);
