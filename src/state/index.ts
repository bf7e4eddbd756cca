/**
 * All of the sandbox's mutable state, behind one aggregate whose every method returns a promise:
 * in memory by default, so that a shared implementation (Redis, for several replicas) can replace
 * it without touching a caller. Each part offers operations, never an object to change and save.
 * Time is always given by the caller (from the app's Clock), so that the parts keep none of their
 * own. reset() empties every part.
 *
 * Authorization codes and refresh tokens will be two more parts of the same kind: an interface of
 * operations here (e.g. `codes.issue(grant, now)` and `codes.redeem(code, clientId, now)`, one-time
 * and atomic as devices.poll is; `refreshTokens.issue(...)`, `refreshTokens.rotate(token, now)`),
 * a memory implementation in its own module, a property of SandboxState, and a line in reset().
 */
import { memoryDeviceCodeStore, type DeviceCodeStore } from './device-codes.js';
import { memoryJournal, type Journal } from './journal.js';
import { memoryRateBuckets, type RateBuckets } from './rate-buckets.js';
import { memoryReplayStore, type ReplayStore } from './replay-store.js';
import { memorySequences, type Sequences } from './sequences.js';

export type { Clock } from './clock.js';
export type { DeviceCodeStore } from './device-codes.js';
export type { Journal, JournalEntry } from './journal.js';
export type { RateBuckets, RateLimit } from './rate-buckets.js';
export type { ReplayStore } from './replay-store.js';
export type { Sequences } from './sequences.js';

export interface SandboxState {
  /** Used client assertion jti values, until they expire. */
  readonly replay: ReplayStore;
  /** Sequence positions and seeded delay draws. */
  readonly sequences: Sequences;
  /** Per-client rate limit buckets. */
  readonly rates: RateBuckets;
  /** Outstanding device authorizations. */
  readonly devices: DeviceCodeStore;
  /** The most recent requests. */
  readonly journal: Journal;
  /** Empties every part (POST /__sandbox/reset). */
  reset(): Promise<void>;
}

/** The bounds of the in-memory state (their defaults are in settings/defaults.ts). */
export interface MemoryStateOptions {
  /** How many requests the journal keeps. */
  journalSize: number;
  /** How many used jti values the replay store keeps at most. */
  replayCapacity: number;
}

export function memoryState(options: MemoryStateOptions): SandboxState {
  const replay = memoryReplayStore(options.replayCapacity);
  const sequences = memorySequences();
  const rates = memoryRateBuckets();
  const devices = memoryDeviceCodeStore();
  const journal = memoryJournal(options.journalSize);
  return {
    replay,
    sequences,
    rates,
    devices,
    journal,
    async reset() {
      replay.clear();
      sequences.clear();
      rates.clear();
      devices.clear();
      await journal.clear();
    },
  };
}
