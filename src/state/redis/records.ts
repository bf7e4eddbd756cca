/**
 * JSON records in Redis, changed by compare-and-set of a pure step function (the one the memory
 * part uses): a script writes the step's new record only if the stored one is still the one
 * read, with any records the step creates at the same time, and otherwise the step is taken
 * again on what is there now. So two replicas taking a one-time step on one record cannot both
 * take it, without WATCH or locks.
 */
import { luaScript, unavailable, type RedisClient } from './client.js';

// KEYS[1] the record, KEYS[2..] records created with the change; ARGV the JSON read, the JSON to
// write, its TTL ('' keeps the record's), then the JSON and TTL of each created record. 0 when another change came first.
const REPLACE = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i], 'PX', ARGV[2 * i + 1]) end
return 1`);

/** A record written with its Redis TTL (which only frees memory: see keys.ts EXPIRY_MARGIN_MS). */
export interface RecordWrite {
  key: string;
  value: unknown;
  ttlMs: number;
}

/** What a step gives: its outcome and, when it changes the record, the record afterwards. */
export interface Step<T, R> {
  result: R;
  next?: T;
  /** A new TTL for the changed record; it keeps its own otherwise. */
  ttlMs?: number;
  /** Records created with the change, atomically. */
  created?: RecordWrite[];
}

export const parseRecord = <T>(json: string | null): T | undefined => (json === null ? undefined : (JSON.parse(json) as T));

export async function readRecord<T>(client: RedisClient, key: string): Promise<T | undefined> {
  return parseRecord<T>(await client.get(key).catch(unavailable));
}

export async function writeRecord(client: RedisClient, { key, value, ttlMs }: RecordWrite): Promise<void> {
  await client.set(key, JSON.stringify(value), { expiration: { type: 'PX', value: ttlMs } }).catch(unavailable);
}

/** Applies `step` to the record under `key` until its change is written on the record it read. */
export async function updateRecord<T, R>(client: RedisClient, key: string, step: (record: T | undefined) => Step<T, R>): Promise<R> {
  for (;;) {
    const json = await client.get(key).catch(unavailable);
    const { result, next, ttlMs, created = [] } = step(parseRecord<T>(json));
    if (!next || json === null) return result;
    const args = [json, JSON.stringify(next), ttlMs === undefined ? '' : String(ttlMs), ...created.flatMap((c) => [JSON.stringify(c.value), String(c.ttlMs)])];
    if ((await REPLACE.run(client, [key, ...created.map((c) => c.key)], args)) === 1) return result;
  }
}
