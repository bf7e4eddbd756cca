/**
 * Refresh tokens in Redis: the grant as JSON under the token, kept for keys.ts RETENTION_MS. A
 * rotation moves the grant to a new token in one script, so a token is rotated once even when
 * two replicas race.
 */
import { newRefreshToken, type RefreshGrant, type RefreshTokenStore } from '../refresh-tokens.js';
import { luaScript, type RedisClient } from './client.js';
import { RETENTION_MS, type KeySpace } from './keys.js';
import { readRecord, writeRecord } from './records.js';

// KEYS[1] the token, KEYS[2] the new one; ARGV its TTL. 0 when the token is not (or no longer) stored.
const ROTATE = luaScript(`
local grant = redis.call('GET', KEYS[1])
if not grant then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], grant, 'PX', ARGV[1])
return 1`);

export function redisRefreshTokenStore(client: RedisClient, keys: KeySpace): RefreshTokenStore {
  const tokenKey = (token: string) => keys.state('refresh', token);
  return {
    async issue(grant) {
      const token = newRefreshToken();
      await writeRecord(client, { key: tokenKey(token), value: grant, ttlMs: RETENTION_MS });
      return token;
    },
    find: (token) => readRecord<RefreshGrant>(client, tokenKey(token)),
    async rotate(token) {
      const next = newRefreshToken();
      return (await ROTATE.run(client, [tokenKey(token), tokenKey(next)], [String(RETENTION_MS)])) === 1 ? next : undefined;
    },
  };
}
