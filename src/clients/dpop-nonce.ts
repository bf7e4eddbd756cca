/**
 * DPoP nonces (RFC 9449 §8) without state: a nonce is an HMAC of the time window it was made in,
 * on the injected clock, so that any replica with the same secret accepts it and nothing is
 * stored. A nonce of the current or the previous window is accepted: one handed out just before a
 * window ends still works for the retry it was given for.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long one window lasts: a nonce lives one to two of them. */
export const NONCE_WINDOW_MS = 60_000;

export interface DpopNonces {
  /** The nonce a client is given now. */
  current(nowMs: number): string;
  /** Whether `nonce` is the current window's or the previous one's. */
  accepts(nonce: string, nowMs: number): boolean;
}

export function dpopNonces(secret: Uint8Array): DpopNonces {
  const of = (window: number) => createHmac('sha256', secret).update(`dpop-nonce:${window}`).digest();
  const windowAt = (nowMs: number) => Math.floor(nowMs / NONCE_WINDOW_MS);
  return {
    current: (nowMs) => of(windowAt(nowMs)).toString('base64url'),
    accepts(nonce, nowMs) {
      const given = Buffer.from(nonce, 'base64url');
      const window = windowAt(nowMs);
      return [window, window - 1].some((w) => {
        const expected = of(w);
        return given.length === expected.length && given.toString('base64url') === nonce && timingSafeEqual(given, expected);
      });
    },
  };
}
