/**
 * The sandbox's state in Redis, shared by every replica that uses the same Redis and key prefix.
 * Each part is the memory part's twin in behaviour (test/redis/state-property.test.ts runs both
 * on the same random operations), made atomic across replicas by single commands or scripts.
 * A new part: its module here (keys under `keys.state('<part>', id)`, atomic by a script or a
 * compare-and-set of the memory part's pure step, records.ts updateRecord), a property below, and an operation in the property
 * test; reset() needs nothing, as it deletes every state key of the prefix.
 */
import type { SandboxState } from '../index.js';
import { connectRedis, unavailable, type RedisClient, type RedisConnectOptions } from './client.js';
import { redisAuthorizationCodeStore } from './authorization-codes.js';
import { redisDeviceCodeStore } from './device-codes.js';
import { redisJournal } from './journal.js';
import { keySpace, SCAN_COUNT, type KeySpace } from './keys.js';
import { redisPushedRequestStore } from './pushed-requests.js';
import { redisRateBuckets } from './rate-buckets.js';
import { redisRefreshTokenStore } from './refresh-tokens.js';
import { redisReplayStore } from './replay-store.js';
import { redisRevocations } from './revocations.js';
import { redisSequences } from './sequences.js';

export { StateUnavailableError } from '../unavailable.js';

export interface RedisStateOptions extends RedisConnectOptions {
  /** Starts every key, e.g. `fapi-token-sandbox:`; sandboxes with different prefixes share nothing. */
  prefix: string;
  /** How many requests the journal keeps. */
  journalSize: number;
}

export interface RedisState extends SandboxState {
  /**
   * Stores `value` under `name` unless a value is there already (SET NX GET), and resolves to the
   * value that is there now: the first replica's. Kept across resets.
   */
  claim(name: string, value: string): Promise<string>;
}

/** Connects (or throws StateUnavailableError) and builds the state on that connection. */
export async function connectRedisState(options: RedisStateOptions): Promise<RedisState> {
  const client = await connectRedis(options);
  return redisState(client, keySpace(options.prefix), options.journalSize);
}

export function redisState(client: RedisClient, keys: KeySpace, journalSize: number): RedisState {
  return {
    replay: redisReplayStore(client, keys),
    sequences: redisSequences(client, keys),
    rates: redisRateBuckets(client, keys),
    devices: redisDeviceCodeStore(client, keys),
    pushedRequests: redisPushedRequestStore(client, keys),
    codes: redisAuthorizationCodeStore(client, keys),
    refreshTokens: redisRefreshTokenStore(client, keys),
    revocations: redisRevocations(client, keys),
    journal: redisJournal(client, keys, journalSize),
    async reset() {
      // Every replica's state is under the prefix: SCAN walks it without blocking Redis, UNLINK frees in the background.
      try {
        for await (const batch of client.scanIterator({ MATCH: keys.statePattern, COUNT: SCAN_COUNT })) {
          if (batch.length > 0) await client.unlink(batch);
        }
      } catch (err) {
        unavailable(err);
      }
    },
    async claim(name, value) {
      const held = await client.set(keys.kept(name), value, { condition: 'NX', GET: true }).catch(unavailable);
      return held ?? value;
    },
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}
