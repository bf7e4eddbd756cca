/** The replay store in Redis: one key per used value, holding its expiry (see keys.ts EXPIRY_MARGIN_MS). */
import type { ReplayStore } from '../replay-store.js';
import { luaScript, type RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, type KeySpace } from './keys.js';

// KEYS[1] the value's key; ARGV expiresAtMs, nowMs, margin. 0 when recorded and unexpired, else records it.
const USE_ONCE = luaScript(`
local expires, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > now then return 0 end
if expires > now then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil(expires - now) + tonumber(ARGV[3]))
else
  redis.call('DEL', KEYS[1])
end
return 1`);

export function redisReplayStore(client: RedisClient, keys: KeySpace): ReplayStore {
  return {
    async useOnce(key, expiresAtMs, nowMs) {
      const used = await USE_ONCE.run(client, [keys.state('replay', key)], [String(expiresAtMs), String(nowMs), String(EXPIRY_MARGIN_MS)]);
      return used === 1;
    },
  };
}
