/**
 * Remembers used values (client assertion jti) until they expire, within a fixed bound of memory.
 * Entries are kept in insertion order; expired ones are dropped from the front as new ones
 * arrive. When the bound is reached with nothing expired, the oldest entry is dropped: replay of
 * that one value becomes possible again, which a bounded test double accepts over growing forever.
 */
import { FALSE, TRUE } from './settled.js';

export interface ReplayStore {
  /** Records `key` until `expiresAtMs`; resolves to false when it is already recorded and unexpired. */
  useOnce(key: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}

/** The in-memory store, with what its tests and the aggregate's reset need besides. */
export interface MemoryReplayStore extends ReplayStore {
  readonly size: number;
  clear(): void;
}

/** Dropped slots at the head of the queue are reclaimed once there are this many (and half). */
const RECLAIM_AFTER = 4096;

export function memoryReplayStore(capacity: number): MemoryReplayStore {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive whole number');
  // The insertion order lives in a queue of slots rather than in the Map's own order: V8 leaves a
  // hole for every key deleted from the front of a Map, and every walk from its front steps over
  // all of them, which made a full store cost O(capacity) per request.
  let keys: string[] = [];
  let expiries: number[] = [];
  let head = 0; // first slot still in use
  let base = 0; // slot number of keys[0]
  /** key → the slot number of its live record. A slot whose key maps elsewhere is stale. */
  const slots = new Map<string, number>();

  const isLive = (i: number) => slots.get(keys[i]!) === base + i;

  /** Keeps only the live slots, so that re-recorded keys cannot grow the queue without bound. */
  function compact(keepStale: boolean) {
    const liveKeys: string[] = [];
    const liveExpiries: number[] = [];
    for (let i = head; i < keys.length; i++) {
      if (!keepStale && !isLive(i)) continue;
      if (!keepStale) slots.set(keys[i]!, liveKeys.length);
      liveKeys.push(keys[i]!);
      liveExpiries.push(expiries[i]!);
    }
    if (keepStale) base += head;
    else base = 0;
    keys = liveKeys;
    expiries = liveExpiries;
    head = 0;
  }

  /** Drops the front slot; a stale one only advances past it. */
  function dropFront() {
    if (isLive(head)) slots.delete(keys[head]!);
    keys[head] = ''; // let the string go now, not at the next compaction
    head++;
  }

  function dropExpiredFront(now: number) {
    // Assertion lifetimes are bounded, so insertion order is close to expiry order: a scan from
    // the front that stops at the first live, unexpired entry keeps this O(1) amortised.
    while (head < keys.length && (!isLive(head) || expiries[head]! <= now)) dropFront();
  }

  function dropOldest() {
    while (!isLive(head)) dropFront();
    dropFront();
  }

  return {
    useOnce(key, expiresAtMs, nowMs) {
      const slot = slots.get(key);
      if (slot !== undefined && expiries[slot - base]! > nowMs) return FALSE;
      if (slot !== undefined) slots.delete(key); // its expired slot turns stale
      dropExpiredFront(nowMs);
      if (slots.size >= capacity) dropOldest();
      slots.set(key, base + keys.length);
      keys.push(key);
      expiries.push(expiresAtMs);
      if (keys.length - head > 2 * capacity) compact(false);
      else if (head >= RECLAIM_AFTER && head * 2 >= keys.length) compact(true);
      return TRUE;
    },
    get size() {
      return slots.size;
    },
    clear() {
      slots.clear();
      keys = [];
      expiries = [];
      head = 0;
      base = 0;
    },
  };
}
