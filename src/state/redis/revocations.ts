/**
 * The revocation list in Redis: a key per revoked grant (kept for keys.ts RETENTION_MS), per
 * revoked access token and per access token's link to its grant (each holding its expiry, and
 * freed by Redis a margin after it). Whether a token is revoked is the memory part's rule
 * (tokenRevoked) on what they hold.
 */
import { tokenRevoked, type GrantLink, type Revocations } from '../revocations.js';
import { luaScript, unavailable, type RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, RETENTION_MS, setUntilArgs, SET_UNTIL_LUA, type KeySpace } from './keys.js';
import { parseRecord } from './records.js';

const SET_UNTIL = luaScript(`${SET_UNTIL_LUA}
return 1`);

export function redisRevocations(client: RedisClient, keys: KeySpace): Revocations {
  const linkKey = (jti: string) => keys.state('grant-of', jti);
  const grantKey = (grantId: string) => keys.state('revoked-grant', grantId);
  const tokenKey = (jti: string) => keys.state('revoked-token', jti);
  const setUntil = async (key: string, value: string, expiresAtMs: number, nowMs: number) => {
    await SET_UNTIL.run(client, [key], setUntilArgs(value, expiresAtMs, nowMs));
  };
  const isGrantRevoked = async (grantId: string) => (await client.exists(grantKey(grantId)).catch(unavailable)) === 1;
  return {
    link: (jti, grantId, expiresAtMs, nowMs) => setUntil(linkKey(jti), JSON.stringify({ grantId, expiresAtMs } satisfies GrantLink), expiresAtMs, nowMs),
    async revokeGrant(grantId) {
      await client.set(grantKey(grantId), '1', { expiration: { type: 'PX', value: RETENTION_MS + EXPIRY_MARGIN_MS } }).catch(unavailable);
    },
    revokeToken: (jti, expiresAtMs, nowMs) => setUntil(tokenKey(jti), String(expiresAtMs), expiresAtMs, nowMs),
    isGrantRevoked,
    async isTokenRevoked(jti, nowMs) {
      const [until, linkJson] = await client.mGet([tokenKey(jti), linkKey(jti)]).catch(unavailable);
      const link = parseRecord<GrantLink>(linkJson ?? null);
      return tokenRevoked(nowMs, until == null ? undefined : Number(until), link, link !== undefined && (await isGrantRevoked(link.grantId)));
    },
  };
}
