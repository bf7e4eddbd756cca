/**
 * Latency injection. A delay is awaited on a timer, so it never holds up other requests, and it
 * ends early when the client goes away. A seeded range gives the same draws in the same order
 * after every reset: the n-th draw is a hash of (seed, n).
 */
import { setTimeout as wait } from 'node:timers/promises';
import type { Sequences } from '../state/index.js';
import type { Delay } from './model.js';

export async function delayMs(delay: Delay, scenarioName: string, sequences: Sequences): Promise<number> {
  if (typeof delay === 'number') return delay;
  const unit = delay.seed === undefined ? Math.random() : seededUnit(delay.seed, await sequences.next(`delay\u0000${scenarioName}`));
  return delay.min + Math.floor(unit * (delay.max - delay.min + 1));
}

/** A number in [0, 1) from (seed, n): the MurmurHash3 32-bit finaliser of the two mixed. */
function seededUnit(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  // An abort only means the client left: there is nobody to answer, so it is not an error.
  await wait(ms, undefined, { signal }).catch(() => undefined);
}
