/**
 * Authorization codes in Redis: each as JSON under the code. A redemption is the memory part's
 * pure step (redeemCode) applied by compare-and-set, so a code is redeemed once even when two
 * replicas race; the used code is then kept (keys.ts RETENTION_MS), so that a late reuse still
 * answers `reused` and revokes the grant.
 */
import { newCode, redeemCode, type AuthorizationCodeStore, type CodeRedemption, type StoredCode } from '../authorization-codes.js';
import type { RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, RETENTION_MS, type KeySpace } from './keys.js';
import { updateRecord, writeRecord } from './records.js';

export function redisAuthorizationCodeStore(client: RedisClient, keys: KeySpace): AuthorizationCodeStore {
  const codeKey = (code: string) => keys.state('code', code);
  return {
    async issue(request, lifetimeSeconds, nowMs) {
      const { code, stored } = newCode(request, lifetimeSeconds, nowMs);
      await writeRecord(client, { key: codeKey(code), value: stored, ttlMs: lifetimeSeconds * 1000 + EXPIRY_MARGIN_MS });
      return { code, grantId: stored.grant.grantId };
    },
    redeem: (code, nowMs) =>
      updateRecord<StoredCode, CodeRedemption>(client, codeKey(code), (stored) => ({ ...redeemCode(stored, nowMs), ttlMs: RETENTION_MS })),
  };
}
