/**
 * Refresh tokens, bounded in memory: each belongs to the grant an authorization code started and
 * carries what the tokens issued with it are bound to. Revoking is done on the grant (state/
 * revocations.ts), so that the refresh token and the access tokens of the grant go together.
 */
import { randomBytes } from 'node:crypto';
import { setBounded } from './bounded.js';

/** RFC 8705 §3.1 / RFC 9449 §6: the key a token is bound to (the cnf claim's members). */
export interface Confirmation {
  /** RFC 8705: SHA-256 thumbprint of the client certificate. */
  'x5t#S256'?: string;
  /** RFC 9449: RFC 7638 thumbprint of the DPoP public key. */
  jkt?: string;
}

export interface RefreshGrant {
  grantId: string;
  clientId: string;
  scope?: string;
  confirmation: Confirmation;
  issuedAtMs: number;
}

export interface RefreshTokenStore {
  issue(grant: RefreshGrant): Promise<string>;
  find(token: string): Promise<RefreshGrant | undefined>;
  /** Replaces `token` by a new one of the same grant, atomically; undefined when it is not (or no longer) stored. */
  rotate(token: string): Promise<string | undefined>;
}

const DEFAULT_CAPACITY = 10_000;
/** A new refresh token: 256 random bits. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');

export function memoryRefreshTokenStore(capacity = DEFAULT_CAPACITY): RefreshTokenStore & { clear(): void } {
  const tokens = new Map<string, RefreshGrant>();
  return {
    async issue(grant) {
      const token = newRefreshToken();
      setBounded(tokens, token, grant, capacity);
      return token;
    },
    find: async (token) => tokens.get(token),
    async rotate(token) {
      const grant = tokens.get(token);
      if (!grant) return undefined;
      tokens.delete(token);
      const next = newRefreshToken();
      setBounded(tokens, next, grant, capacity);
      return next;
    },
    clear: () => tokens.clear(),
  };
}
