/**
 * The token buckets of rate-buckets.ts in Redis: one hash per key (tokens, time of the last
 * take), read, refilled and taken from in one script, so that replicas share one limit. The same
 * arithmetic on the same doubles as in memory; tokens are stored with 17 significant digits, which
 * read back exactly.
 */
import type { RateBuckets } from '../rate-buckets.js';
import { luaScript, type RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, type KeySpace } from './keys.js';

// KEYS[1] the bucket; ARGV requests, windowMs, nowMs, margin. -1 when a token was taken, else the wait in ms.
const TAKE = luaScript(`
local requests, window, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local perMs = requests / window
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = requests
if held[1] then tokens = math.min(requests, tonumber(held[1]) + (now - tonumber(held[2])) * perMs) end
local allowed = tokens >= 1
local left = tokens
if allowed then left = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', left), 'at', ARGV[3])
-- Idle for a window, a bucket is full again: then it need not be kept.
redis.call('PEXPIRE', KEYS[1], math.ceil(window) + tonumber(ARGV[4]))
if allowed then return -1 end
return math.ceil((1 - tokens) / perMs)`);

export function redisRateBuckets(client: RedisClient, keys: KeySpace): RateBuckets {
  return {
    async take(key, limit, nowMs) {
      const args = [String(limit.requests), String(limit.windowMs), String(nowMs), String(EXPIRY_MARGIN_MS)];
      const wait = (await TAKE.run(client, [keys.state('rate', key)], args)) as number;
      return wait < 0 ? undefined : wait;
    },
  };
}
