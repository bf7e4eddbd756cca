import { describe, expect, it } from 'vitest';
import { memoryReplayStore } from '../../src/state/replay-store.js';

describe('the replay store', () => {
  it('accepts a value once while it is unexpired, and again after it expires', async () => {
    const store = memoryReplayStore(100);
    expect(await store.useOnce('a', 2_000, 1_000)).toBe(true);
    expect(await store.useOnce('a', 2_000, 1_500)).toBe(false);
    expect(await store.useOnce('a', 9_000, 2_001)).toBe(true);
  });

  it('drops expired entries as new ones arrive', async () => {
    const store = memoryReplayStore(100_000);
    for (let i = 0; i < 1000; i++) await store.useOnce(`k${i}`, 1_000 + i, 0);
    expect(store.size).toBe(1000);
    await store.useOnce('late', 10_000, 5_000);
    expect(store.size).toBe(1);
  });

  it('never holds more than its capacity', async () => {
    const store = memoryReplayStore(100);
    for (let i = 0; i < 10_000; i++) await store.useOnce(`k${i}`, Number.MAX_SAFE_INTEGER, 0);
    expect(store.size).toBe(100);
    expect(await store.useOnce('k9999', Number.MAX_SAFE_INTEGER, 0)).toBe(false); // the newest are kept
    expect(await store.useOnce('k0', Number.MAX_SAFE_INTEGER, 0)).toBe(true); // the oldest were dropped
  });

  it('clears', async () => {
    const store = memoryReplayStore(100);
    await store.useOnce('a', 5_000, 0);
    store.clear();
    expect(await store.useOnce('a', 5_000, 0)).toBe(true);
  });
});

/** The store's rules in their plainest form (a Map in insertion order), to compare against. */
function referenceStore(capacity: number) {
  const entries = new Map<string, number>();
  return {
    useOnce(key: string, expiresAt: number, now: number): boolean {
      const known = entries.get(key);
      if (known !== undefined && known > now) return false;
      entries.delete(key);
      for (const [k, e] of entries) {
        if (e > now) break;
        entries.delete(k);
      }
      if (entries.size >= capacity) entries.delete(entries.keys().next().value!);
      entries.set(key, expiresAt);
      return true;
    },
    get size() {
      return entries.size;
    },
  };
}

describe('the replay store against its rules', () => {
  it('answers as the plain rules do, through re-recorded keys, expiry out of order, eviction and compaction', async () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    // Key spaces as large as the store (re-recorded keys pile up behind a long-lived entry, so the
    // queue must compact) and larger (the bound evicts); now and then an entry that lives long.
    for (const [capacity, keySpace] of [[1, 3], [7, 7], [7, 21], [100, 100], [100, 300]] as const) {
      const store = memoryReplayStore(capacity);
      const reference = referenceStore(capacity);
      let now = 0;
      for (let i = 0; i < 20_000; i++) {
        now += random(3);
        const key = `k${random(keySpace)}`;
        const expiresAt = now + 1 + (random(200) === 0 ? 5_000 : random(40));
        expect(await store.useOnce(key, expiresAt, now), `step ${i}, capacity ${capacity}`).toBe(reference.useOnce(key, expiresAt, now));
        expect(store.size).toBe(reference.size);
      }
    }
  });
});
