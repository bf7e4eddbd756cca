/** PKCE (RFC 7636) with the S256 method, the only one FAPI 2 allows. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1/§4.2: 43 to 128 unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~"). */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Whether `value` has the syntax of a code_verifier, and so of a code_challenge. */
export const isPkceValue = (value: string) => PKCE_VALUE.test(value);

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256Challenge = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** RFC 7636 §4.6: the verifier is well formed and its S256 hash is the challenge. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!isPkceValue(verifier)) return false;
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(s256Challenge(verifier));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
