/**
 * Remembers used values (client assertion jti) until they expire, within a fixed bound of memory.
 * Entries live in a Map in insertion order; expired ones are dropped from the front as new ones
 * arrive. When the bound is reached with nothing expired, the oldest entry is dropped: replay of
 * that one value becomes possible again, which a bounded test double accepts over growing forever.
 */
export interface ReplayStore {
  /** Records `key` until `expiresAtMs`; false when it is already recorded and unexpired. */
  useOnce(key: string, expiresAtMs: number, nowMs?: number): boolean;
  readonly size: number;
  clear(): void;
}

export const DEFAULT_REPLAY_CAPACITY = 100_000;

export function memoryReplayStore(capacity = DEFAULT_REPLAY_CAPACITY): ReplayStore {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive whole number');
  const entries = new Map<string, number>();

  function dropExpiredFront(now: number) {
    // Assertion lifetimes are bounded, so insertion order is close to expiry order: a scan from
    // the front that stops at the first live entry keeps this O(1) amortised.
    for (const [key, expiresAt] of entries) {
      if (expiresAt > now) break;
      entries.delete(key);
    }
  }

  return {
    useOnce(key, expiresAtMs, nowMs = Date.now()) {
      const known = entries.get(key);
      if (known !== undefined && known > nowMs) return false;
      if (known !== undefined) entries.delete(key);
      dropExpiredFront(nowMs);
      if (entries.size >= capacity) entries.delete(entries.keys().next().value!);
      entries.set(key, expiresAtMs);
      return true;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
