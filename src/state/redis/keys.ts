/**
 * Where the Redis state keeps what: every key starts with the configured prefix, so that several
 * sandboxes can share one Redis. `s:` keys are state, which a reset deletes; `k:` keys are kept
 * across resets (the journal's numbering, the shared signing key).
 */
import { EXPIRED_KEPT_MS } from '../expiry.js';
export interface KeySpace {
  /**
   * A state key of `part` (replay, seq, rate, dev, user, par, consent, code, refresh, grant-of,
   * revoked-grant, revoked-token, journal), e.g. `fapi-token-sandbox:s:replay:<id>`.
   */
  state(part: string, id?: string): string;
  /** A key that outlives a reset. */
  kept(name: string): string;
  /** The SCAN pattern of every state key. */
  readonly statePattern: string;
  /** The SCAN pattern of every key of `part`. */
  partPattern(part: string): string;
}

/** Glob characters of SCAN MATCH, escaped so that a prefix matches only itself. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

export function keySpace(prefix: string): KeySpace {
  return {
    state: (part, id) => (id === undefined ? `${prefix}s:${part}` : `${prefix}s:${part}:${id}`),
    kept: (name) => `${prefix}k:${name}`,
    statePattern: `${escapeGlob(prefix)}s:*`,
    partPattern: (part) => `${escapeGlob(prefix)}s:${escapeGlob(part)}:*`,
  };
}

/** How many keys a SCAN step asks for: few round trips, no long block of Redis. */
export const SCAN_COUNT = 1000;

/** Redis's own TTL only frees the memory of an expired record, this much after its expiry (state/expiry.ts). */
export const EXPIRY_MARGIN_MS = EXPIRED_KEPT_MS;

/**
 * A Lua fragment: KEYS[1] holds ARGV[1] until ARGV[2] (ms) on the caller's clock, ARGV[3] being its
 * now, and Redis frees it EXPIRY_MARGIN_MS later; an expired value is no value, the key goes.
 * setUntilArgs gives its ARGV.
 */
export const SET_UNTIL_LUA = `
local expires, now = tonumber(ARGV[2]), tonumber(ARGV[3])
if expires > now then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil(expires - now) + ${EXPIRY_MARGIN_MS})
else
  redis.call('DEL', KEYS[1])
end
`;
export const setUntilArgs = (value: string, expiresAtMs: number, nowMs: number) => [value, String(expiresAtMs), String(nowMs)];

/**
 * What has no expiry of its own (a refresh token, a revoked grant, a used code, which answers
 * `reused` and so revokes its grant) is kept this long in Redis, where no capacity bounds it as
 * in memory: it is renewed when a refresh token rotates, and a grant's revocation, written after
 * its refresh token, outlives it.
 */
export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
