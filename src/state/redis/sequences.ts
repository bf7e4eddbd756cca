/** Sequence positions and delay draws in Redis: INCR per counter, atomic across replicas. */
import type { Sequences } from '../sequences.js';
import { unavailable, type RedisClient } from './client.js';
import type { KeySpace } from './keys.js';

export function redisSequences(client: RedisClient, keys: KeySpace): Sequences {
  return {
    next: (key) => client.incr(keys.state('seq', key)).then((count) => count - 1, unavailable),
  };
}
