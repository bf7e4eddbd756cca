/** The Redis state keeps the state aggregate's contract (test/support/state-contract.ts), on a real redis-server. */
import { afterAll, beforeAll } from 'vitest';
import type { RedisState } from '../../src/state/redis/index.js';
import { openRedisState, startRedis, type TestRedis } from '../support/redis.js';
import { describeStateContract } from '../support/state-contract.js';

let redis: TestRedis;
const opened: RedisState[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis.close();
});

// A prefix of its own per test: an empty state, as the memory one is.
describeStateContract(
  'redis',
  async () => {
    const state = await openRedisState(redis);
    opened.push(state);
    return state;
  },
  ['claim'],
);
