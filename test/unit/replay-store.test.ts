import { describe, expect, it } from 'vitest';
import { memoryReplayStore } from '../../src/state/replay-store.js';

describe('the replay store', () => {
  it('accepts a value once while it is unexpired, and again after it expires', () => {
    const store = memoryReplayStore();
    expect(store.useOnce('a', 2_000, 1_000)).toBe(true);
    expect(store.useOnce('a', 2_000, 1_500)).toBe(false);
    expect(store.useOnce('a', 9_000, 2_001)).toBe(true);
  });

  it('drops expired entries as new ones arrive', () => {
    const store = memoryReplayStore();
    for (let i = 0; i < 1000; i++) store.useOnce(`k${i}`, 1_000 + i, 0);
    expect(store.size).toBe(1000);
    store.useOnce('late', 10_000, 5_000);
    expect(store.size).toBe(1);
  });

  it('never holds more than its capacity', () => {
    const store = memoryReplayStore(100);
    for (let i = 0; i < 10_000; i++) store.useOnce(`k${i}`, Number.MAX_SAFE_INTEGER, 0);
    expect(store.size).toBe(100);
    expect(store.useOnce('k9999', Number.MAX_SAFE_INTEGER, 0)).toBe(false); // the newest are kept
    expect(store.useOnce('k0', Number.MAX_SAFE_INTEGER, 0)).toBe(true); // the oldest were dropped
  });

  it('clears', () => {
    const store = memoryReplayStore();
    store.useOnce('a', 5_000, 0);
    store.clear();
    expect(store.useOnce('a', 5_000, 0)).toBe(true);
  });
});
