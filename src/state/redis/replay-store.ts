/** The replay store in Redis: one key per used value, holding its expiry (see keys.ts EXPIRY_MARGIN_MS). */
import type { ReplayStore } from '../replay-store.js';
import { luaScript, type RedisClient } from './client.js';
import { setUntilArgs, SET_UNTIL_LUA, type KeySpace } from './keys.js';

// KEYS[1] the value's key, holding its expiry; ARGV as SET_UNTIL_LUA's. 0 when recorded and unexpired, else records it.
const USE_ONCE = luaScript(`
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[3]) then return 0 end
${SET_UNTIL_LUA}
return 1`);

export function redisReplayStore(client: RedisClient, keys: KeySpace): ReplayStore {
  return {
    async useOnce(key, expiresAtMs, nowMs) {
      const used = await USE_ONCE.run(client, [keys.state('replay', key)], setUntilArgs(String(expiresAtMs), expiresAtMs, nowMs));
      return used === 1;
    },
  };
}
