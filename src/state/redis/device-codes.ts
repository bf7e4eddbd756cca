/**
 * Device authorizations in Redis: the authorization as JSON under its device code, and the user
 * code pointing at the device code. A poll or a decision is the same pure function as in memory
 * (pollDevice, decideDevice), applied by compare-and-set (records.ts updateRecord): so two
 * replicas polling one code cannot both redeem it.
 */
import { pollDevice } from '../device-authorization.js';
import {
  decideDevice, newAuthorization, normaliseUserCode, randomUserCode,
  type DeviceAuthorization, type DeviceCodeStore,
} from '../device-codes.js';
import { luaScript, unavailable, type RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, type KeySpace } from './keys.js';
import { readRecord, updateRecord, type Step } from './records.js';

// KEYS[1] device key, KEYS[2] user key; ARGV authorization JSON, device code, ttl. 0 when the user code is taken.
const ISSUE = luaScript(`
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`);

export function redisDeviceCodeStore(client: RedisClient, keys: KeySpace): DeviceCodeStore {
  const deviceKey = (deviceCode: string) => keys.state('dev', deviceCode);
  const userKey = (userCode: string) => keys.state('user', userCode);
  const update = <R>(deviceCode: string, step: (a: DeviceAuthorization | undefined) => Step<DeviceAuthorization, R>) => updateRecord(client, deviceKey(deviceCode), step);

  const deviceCodeOf = (userCode: string) => client.get(userKey(normaliseUserCode(userCode))).catch(unavailable);

  return {
    async issue(request, lifetimeSeconds, nowMs) {
      // Kept past its expiry, so that a late poll is told expired_token, as in memory.
      const ttl = String(lifetimeSeconds * 1000 + EXPIRY_MARGIN_MS);
      for (;;) {
        const a = newAuthorization(request, randomUserCode(), lifetimeSeconds, nowMs);
        const issued = await ISSUE.run(client, [deviceKey(a.deviceCode), userKey(a.userCode)], [JSON.stringify(a), a.deviceCode, ttl]);
        if (issued === 1) return a;
      }
    },
    poll: (deviceCode, clientId, nowMs) =>
      update(deviceCode, (a) => {
        const { poll, next } = pollDevice(a, clientId, nowMs);
        return { result: poll, next };
      }),
    async decide(userCode, decision, nowMs) {
      const deviceCode = await deviceCodeOf(userCode);
      if (deviceCode === null) return 'unknown';
      return update(deviceCode, (a) => decideDevice(a, decision, nowMs));
    },
    async byUserCode(userCode) {
      const deviceCode = await deviceCodeOf(userCode);
      return deviceCode === null ? undefined : readRecord<DeviceAuthorization>(client, deviceKey(deviceCode));
    },
  };
}
