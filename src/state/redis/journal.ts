/**
 * The journal in Redis: a stream every replica appends to, trimmed to exactly `capacity` entries.
 * Entries are numbered by a counter kept across resets (as the in-memory journal's are), and that
 * number is the entry's stream id, so the stream reads in numbering order.
 */
import type { Journal, JournalEntry } from '../journal.js';
import { luaScript, unavailable, type RedisClient } from './client.js';
import type { KeySpace } from './keys.js';

// KEYS[1] the stream, KEYS[2] the counter; ARGV the entry (JSON), the capacity.
const RECORD = luaScript(`
local id = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], id .. '-1', 'entry', ARGV[1])
return id`);

export function redisJournal(client: RedisClient, keys: KeySpace, capacity: number): Journal {
  const stream = keys.state('journal');
  const counter = keys.kept('journal-id');
  return {
    async record(entry) {
      await RECORD.run(client, [stream, counter], [JSON.stringify(entry), String(capacity)]);
    },
    async list() {
      const messages = await client.xRange(stream, '-', '+').catch(unavailable);
      return (messages ?? []).map(({ id, message }) => ({ id: Number.parseInt(id, 10), ...JSON.parse(message.entry!) }) as JournalEntry);
    },
    async clear() {
      await client.unlink(stream).catch(unavailable);
    },
  };
}
