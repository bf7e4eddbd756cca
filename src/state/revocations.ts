/**
 * The revocation list: revoked grants (an authorization code's, with its refresh token and every
 * access token issued from them) and revoked access tokens (by jti), and which grant each access
 * token of a grant belongs to. Bounded in memory: past the capacity the oldest entry is dropped,
 * which a bounded test double accepts (an expired access token is inactive anyway).
 */
import { setBounded } from './bounded.js';

export interface Revocations {
  /** Notes that the access token `jti` was issued from grant `grantId`; kept until it expires. */
  link(jti: string, grantId: string, expiresAtMs: number): Promise<void>;
  /** Revokes the grant: its refresh token and every access token linked to it. */
  revokeGrant(grantId: string): Promise<void>;
  /** Revokes one access token, until it expires anyway. */
  revokeToken(jti: string, expiresAtMs: number): Promise<void>;
  isGrantRevoked(grantId: string): Promise<boolean>;
  /** Whether the access token `jti` is revoked, by itself or with its grant. */
  isTokenRevoked(jti: string, nowMs: number): Promise<boolean>;
}

const DEFAULT_CAPACITY = 100_000;

export function memoryRevocations(capacity = DEFAULT_CAPACITY): Revocations & { clear(): void } {
  const grantOf = new Map<string, { grantId: string; expiresAtMs: number }>();
  const revokedGrants = new Map<string, true>();
  const revokedTokens = new Map<string, number>();
  return {
    async link(jti, grantId, expiresAtMs) {
      setBounded(grantOf, jti, { grantId, expiresAtMs }, capacity);
    },
    async revokeGrant(grantId) {
      setBounded(revokedGrants, grantId, true, capacity);
    },
    async revokeToken(jti, expiresAtMs) {
      setBounded(revokedTokens, jti, expiresAtMs, capacity);
    },
    isGrantRevoked: async (grantId) => revokedGrants.has(grantId),
    async isTokenRevoked(jti, nowMs) {
      const until = revokedTokens.get(jti);
      if (until !== undefined && until > nowMs) return true;
      const link = grantOf.get(jti);
      return link !== undefined && link.expiresAtMs > nowMs && revokedGrants.has(link.grantId);
    },
    clear() {
      grantOf.clear();
      revokedGrants.clear();
      revokedTokens.clear();
    },
  };
}
