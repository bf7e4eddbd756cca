/** Access token issuance: what a grant hands over, and what the client receives. */
import { randomBytes } from 'node:crypto';
import type { AccessTokenBody } from '../http/responses.js';

/** What a successful grant established. */
export interface TokenGrant {
  clientId: string;
  scope?: string;
}

export interface TokenIssuer {
  issue(grant: TokenGrant): Promise<AccessTokenBody>;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;

/** Opaque bearer tokens: 256 random bits, base64url. */
export function opaqueTokenIssuer(lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS): TokenIssuer {
  return {
    async issue(grant) {
      return {
        access_token: randomBytes(32).toString('base64url'),
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        ...(grant.scope === undefined ? {} : { scope: grant.scope }),
      };
    },
  };
}
