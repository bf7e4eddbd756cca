/**
 * Named counters: how many times something happened before (a sequence's position for one key,
 * the draw number of a seeded delay). Bounded: past the capacity the oldest counter is dropped,
 * which only restarts that counter.
 */
import { setBounded } from './bounded.js';

export interface Sequences {
  /** Resolves to how many times `key` was counted before, and counts this time. */
  next(key: string): Promise<number>;
}

export function memorySequences(capacity = 10_000): Sequences & { clear(): void } {
  const counts = new Map<string, number>();
  return {
    next(key) {
      const seen = counts.get(key) ?? 0;
      setBounded(counts, key, seen + 1, capacity);
      return Promise.resolve(seen);
    },
    clear: () => counts.clear(),
  };
}
