/**
 * Token buckets, one per key: a bucket holds up to `requests` tokens and refills at
 * `requests` per `windowMs`, so a client may burst up to the limit and then gets one request per
 * windowMs/requests. Bounded like the counters; a dropped bucket starts full again.
 */
import { setBounded } from './bounded.js';
import { NONE } from './settled.js';

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface RateBuckets {
  /** Takes a token; resolves to undefined when one was there, else to the milliseconds until one is. */
  take(key: string, limit: RateLimit, nowMs: number): Promise<number | undefined>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function memoryRateBuckets(capacity = 10_000): RateBuckets & { clear(): void } {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, limit, nowMs) {
      const perMs = limit.requests / limit.windowMs;
      const bucket = buckets.get(key) ?? { tokens: limit.requests, at: nowMs };
      const tokens = Math.min(limit.requests, bucket.tokens + (nowMs - bucket.at) * perMs);
      const allowed = tokens >= 1;
      setBounded(buckets, key, { tokens: allowed ? tokens - 1 : tokens, at: nowMs }, capacity);
      return allowed ? NONE : Promise.resolve(Math.ceil((1 - tokens) / perMs));
    },
    clear: () => buckets.clear(),
  };
}
