/**
 * The revocation list: revoked grants (an authorization code's, with its refresh token and every
 * access token issued from them) and revoked access tokens (by jti), and which grant each access
 * token of a grant belongs to. Bounded in memory: past the capacity the oldest entry is dropped,
 * which a bounded test double accepts (an expired access token is inactive anyway).
 */
import { setBounded } from './bounded.js';

export interface Revocations {
  /** Notes that the access token `jti` was issued from grant `grantId`; kept until it expires. */
  link(jti: string, grantId: string, expiresAtMs: number, nowMs: number): Promise<void>;
  /** Revokes the grant: its refresh token and every access token linked to it. */
  revokeGrant(grantId: string): Promise<void>;
  /** Revokes one access token, until it expires anyway. */
  revokeToken(jti: string, expiresAtMs: number, nowMs: number): Promise<void>;
  isGrantRevoked(grantId: string): Promise<boolean>;
  /** Whether the access token `jti` is revoked, by itself or with its grant. */
  isTokenRevoked(jti: string, nowMs: number): Promise<boolean>;
}

const DEFAULT_CAPACITY = 100_000;

/** Which grant an access token belongs to, until the token expires. */
export interface GrantLink {
  grantId: string;
  expiresAtMs: number;
}

/**
 * Whether an access token is revoked at `nowMs`: by itself, until `revokedUntilMs`, or with its
 * grant while its link lasts (`grantRevoked`: whether the linked grant is revoked).
 */
export function tokenRevoked(nowMs: number, revokedUntilMs: number | undefined, link: GrantLink | undefined, grantRevoked: boolean): boolean {
  if (revokedUntilMs !== undefined && revokedUntilMs > nowMs) return true;
  return link !== undefined && link.expiresAtMs > nowMs && grantRevoked;
}

export function memoryRevocations(capacity = DEFAULT_CAPACITY): Revocations & { clear(): void } {
  const grantOf = new Map<string, GrantLink>();
  const revokedGrants = new Map<string, true>();
  const revokedTokens = new Map<string, number>();
  return {
    async link(jti, grantId, expiresAtMs, nowMs) {
      // An expired entry answers as none would: it is dropped rather than kept (as Redis does).
      if (expiresAtMs > nowMs) setBounded(grantOf, jti, { grantId, expiresAtMs }, capacity);
      else grantOf.delete(jti);
    },
    async revokeGrant(grantId) {
      setBounded(revokedGrants, grantId, true, capacity);
    },
    async revokeToken(jti, expiresAtMs, nowMs) {
      if (expiresAtMs > nowMs) setBounded(revokedTokens, jti, expiresAtMs, capacity);
      else revokedTokens.delete(jti);
    },
    isGrantRevoked: async (grantId) => revokedGrants.has(grantId),
    async isTokenRevoked(jti, nowMs) {
      const link = grantOf.get(jti);
      return tokenRevoked(nowMs, revokedTokens.get(jti), link, link !== undefined && revokedGrants.has(link.grantId));
    },
    clear() {
      grantOf.clear();
      revokedGrants.clear();
      revokedTokens.clear();
    },
  };
}
