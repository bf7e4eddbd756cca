/**
 * All of the sandbox's mutable state, behind one small interface: in memory today, so that a
 * shared implementation (for several replicas) can replace it without touching the handlers.
 * Reset empties every part; state added later registers itself with onReset.
 */
import { memoryCounters, type Counters } from './counters.js';
import { memoryJournal, type Journal } from './journal.js';
import { memoryRateBuckets, type RateBuckets } from './rate-buckets.js';

export type { Counters } from './counters.js';
export type { Journal, JournalEntry } from './journal.js';
export type { RateBuckets, RateLimit } from './rate-buckets.js';

export interface SandboxState {
  readonly counters: Counters;
  readonly rates: RateBuckets;
  readonly journal: Journal;
  /** Registers more state to empty on reset. */
  onReset(hook: () => void): void;
  reset(): void;
}

export function memoryState(journalSize?: number): SandboxState {
  const counters = memoryCounters();
  const rates = memoryRateBuckets();
  const journal = memoryJournal(journalSize);
  const hooks: (() => void)[] = [counters.clear, rates.clear, journal.clear];
  return {
    counters,
    rates,
    journal,
    onReset: (hook) => void hooks.push(hook),
    reset: () => hooks.forEach((hook) => hook()),
  };
}
