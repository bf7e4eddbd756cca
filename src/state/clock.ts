/**
 * Protocol time: when a client assertion expires, a device code runs out, a rate bucket refills,
 * a token is issued. One injected clock, so that a test can move time instead of waiting for it.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now() counts them. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
