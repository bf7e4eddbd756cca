/** A clock a test moves by hand, for the sandbox's `clock` option: time passes only when told. */
import type { Clock } from '../../src/state/clock.js';

export interface FakeClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

export function fakeClock(startMs = Date.now()): FakeClock {
  let now = startMs;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}
