/**
 * Authorization codes (RFC 6749 §4.1), bounded in memory. A code is redeemed once, atomically: a
 * second use answers `reused` with the grant the code started, so that the caller can revoke what
 * the first use issued (RFC 6749 §4.1.2). Each code starts a grant with its own id, which every
 * token issued from it (and from its refresh token) is linked to. A redemption is a pure step
 * (redeemCode), which the Redis twin applies by compare-and-set.
 */
import { randomBytes } from 'node:crypto';
import { setBounded } from './bounded.js';
import type { PushedRequest } from './pushed-requests.js';

/** What the code is bound to: the pushed request it was approved from, and the grant it starts. */
export interface CodeGrant extends Omit<PushedRequest, 'state'> {
  grantId: string;
}

export type CodeRedemption =
  | { result: 'redeemed'; grant: CodeGrant }
  | { result: 'reused'; grantId: string }
  | { result: 'unknown' | 'expired' };

export interface AuthorizationCodeStore {
  /** A new code for the approved request, which starts a new grant. */
  issue(request: Omit<CodeGrant, 'grantId'>, lifetimeSeconds: number, nowMs: number): Promise<{ code: string; grantId: string }>;
  /** Takes the code, once; the caller checks the client, the redirect_uri and the PKCE verifier against the grant. */
  redeem(code: string, nowMs: number): Promise<CodeRedemption>;
}

/** A code as stored: replaced, once redeemed (or tried when expired), by a copy marked used. */
export interface StoredCode {
  grant: CodeGrant;
  expiresAtMs: number;
  used: boolean;
}

const DEFAULT_CAPACITY = 10_000;
const random = () => randomBytes(32).toString('base64url');

/** A new code for the approved request, starting a new grant. */
export function newCode(request: Omit<CodeGrant, 'grantId'>, lifetimeSeconds: number, nowMs: number): { code: string; stored: StoredCode } {
  return { code: random(), stored: { grant: { ...request, grantId: random() }, expiresAtMs: nowMs + lifetimeSeconds * 1000, used: false } };
}

/** What a redemption at `nowMs` does to `stored`: the outcome, and the code afterwards when it changes. */
export function redeemCode(stored: StoredCode | undefined, nowMs: number): { result: CodeRedemption; next?: StoredCode } {
  if (!stored) return { result: { result: 'unknown' } };
  // A used code is a reuse even once expired: what its first use issued is still revoked.
  if (stored.used) return { result: { result: 'reused', grantId: stored.grant.grantId } };
  const next = { ...stored, used: true };
  if (nowMs >= stored.expiresAtMs) return { result: { result: 'expired' }, next };
  return { result: { result: 'redeemed', grant: stored.grant }, next };
}

export function memoryAuthorizationCodeStore(capacity = DEFAULT_CAPACITY): AuthorizationCodeStore & { clear(): void } {
  const codes = new Map<string, StoredCode>();
  return {
    async issue(request, lifetimeSeconds, nowMs) {
      const { code, stored } = newCode(request, lifetimeSeconds, nowMs);
      setBounded(codes, code, stored, capacity);
      return { code, grantId: stored.grant.grantId };
    },
    async redeem(code, nowMs) {
      const { result, next } = redeemCode(codes.get(code), nowMs);
      if (next) codes.set(code, next);
      return result;
    },
    clear: () => codes.clear(),
  };
}
