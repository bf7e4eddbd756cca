/**
 * How long an expired record is still kept, so that it is answered as expired (a device code's
 * expired_token) rather than unknown: in memory until a new record makes room, in Redis as its
 * TTL beyond the record's own expiry, which the injected clock decides (a clock a little behind
 * Redis's still finds the record). Both implementations keep the same, so they answer alike.
 */
export const EXPIRED_KEPT_MS = 60_000;
