/**
 * All of the sandbox's mutable state, behind one aggregate whose every method returns a promise:
 * in memory by default (memoryState), or in Redis, shared by replicas (redis/, redisState). Each
 * part offers operations, never an object to change and save. Time is always given by the caller
 * (from the app's Clock), so that the parts keep none of their own, and expiry follows that clock
 * in Redis too. reset() empties every part; close() lets go of a connection.
 *
 * A new part (DPoP jti values, say) takes the steps the code flow's parts took:
 * 1. its interface of operations here, or in its module (e.g. `codes.issue(grant, now)` and
 *    `codes.redeem(code, clientId, now)`, one-time and atomic as devices.poll is);
 * 2. its memory implementation in its own module, a property of SandboxState and memoryState, and
 *    a line in memoryState's reset();
 * 3. its Redis twin in redis/<part>.ts, keyed `keys.state('<part>', id)` (then redisState's reset
 *    deletes it with the rest), atomic by one command, a Lua script (luaScript, redis/client.ts), or
 *    a compare-and-set of the memory module's pure step function (redis/records.ts updateRecord,
 *    as redis/device-codes.ts does); a property in redisState;
 * 4. its operations in test/support/state-contract.ts's callEverything and in
 *    test/redis/state-property.test.ts, which holds the two implementations to the same answers.
 */
import { memoryAuthorizationCodeStore, type AuthorizationCodeStore } from './authorization-codes.js';
import { memoryDeviceCodeStore, type DeviceCodeStore } from './device-codes.js';
import { memoryJournal, type Journal } from './journal.js';
import { memoryPushedRequestStore, type PushedRequestStore } from './pushed-requests.js';
import { memoryRateBuckets, type RateBuckets } from './rate-buckets.js';
import { memoryRefreshTokenStore, type RefreshTokenStore } from './refresh-tokens.js';
import { memoryReplayStore, type ReplayStore } from './replay-store.js';
import { memoryRevocations, type Revocations } from './revocations.js';
import { memorySequences, type Sequences } from './sequences.js';
import { DONE } from './settled.js';

export type { AuthorizationCodeStore, CodeGrant, CodeRedemption } from './authorization-codes.js';
export type { Clock } from './clock.js';
export type { DeviceCodeStore } from './device-codes.js';
export type { Journal, JournalEntry } from './journal.js';
export type { AuthorizationAnswer, AuthorizationError, PendingConsent, PresetAuthorization, PushedRequest, PushedRequestStore } from './pushed-requests.js';
export type { RateBuckets, RateLimit } from './rate-buckets.js';
export type { Confirmation, RefreshGrant, RefreshTokenStore } from './refresh-tokens.js';
export type { ReplayStore } from './replay-store.js';
export type { Revocations } from './revocations.js';
export type { Sequences } from './sequences.js';
export { StateUnavailableError } from './unavailable.js';

export interface SandboxState {
  /** Used client assertion jti values, until they expire. */
  readonly replay: ReplayStore;
  /** Sequence positions and seeded delay draws. */
  readonly sequences: Sequences;
  /** Per-client rate limit buckets. */
  readonly rates: RateBuckets;
  /** Outstanding device authorizations. */
  readonly devices: DeviceCodeStore;
  /** Pushed authorization requests (RFC 9126) and the consents they lead to. */
  readonly pushedRequests: PushedRequestStore;
  /** Authorization codes, until redeemed and after (a reuse revokes their grant). */
  readonly codes: AuthorizationCodeStore;
  readonly refreshTokens: RefreshTokenStore;
  /** Revoked grants and access tokens, and the grant of each access token issued from a code. */
  readonly revocations: Revocations;
  /** The most recent requests. */
  readonly journal: Journal;
  /** Empties every part (POST /__sandbox/reset); for a shared state, every replica's. */
  reset(): Promise<void>;
  /** Lets go of what the state holds open (a connection); nothing for the memory state. */
  close(): Promise<void>;
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
  const pushedRequests = memoryPushedRequestStore();
  const codes = memoryAuthorizationCodeStore();
  const refreshTokens = memoryRefreshTokenStore();
  const revocations = memoryRevocations();
  const journal = memoryJournal(options.journalSize);
  return {
    replay,
    sequences,
    rates,
    devices,
    pushedRequests,
    codes,
    refreshTokens,
    revocations,
    journal,
    async reset() {
      replay.clear();
      sequences.clear();
      rates.clear();
      devices.clear();
      pushedRequests.clear();
      codes.clear();
      refreshTokens.clear();
      revocations.clear();
      await journal.clear();
    },
    close: () => DONE,
  };
}
