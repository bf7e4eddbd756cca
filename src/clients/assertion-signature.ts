/**
 * Verifies a client assertion's signature (RFC 7515 compact serialization) on one path: jose's
 * key resolver picks the client's key, node:crypto checks the signature (see tokens/jws.ts for
 * why). Only what FAPI clients send is accepted: plain base64url parts, no `crit` (so no RFC 7797
 * unencoded payload), and a key that fits the algorithm. test/unit/assertion-signature.test.ts
 * holds every verdict against jose's compactVerify.
 */
import { KeyObject, type webcrypto } from 'node:crypto';
import { errors, type CompactJWSHeaderParameters, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import { verifyJwsSignature } from '../tokens/jws.js';
import { WeakKeyError } from './client-keys.js';
import { MIN_RSA_BITS, type VerifyAlg } from '../tokens/algorithms.js';
import { invalidClient, type Refusal } from '../http/refusal.js';

/** Base64url without padding, of a length that decodes (RFC 7515 §2). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
export const decodable = (part: string) => BASE64URL.test(part) && part.length % 4 !== 1;

type CryptoKey = webcrypto.CryptoKey;
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

const isCryptoKey = (key: unknown): key is CryptoKey => (key as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'CryptoKey';

type KeyAlgorithm = { name: string; namedCurve?: string; hash?: { name: string }; modulusLength?: number };

/** Whether a key of `algorithm` can verify `alg`: P-256 for ES256, RSA of FAPI's size for PS256, Ed25519 for EdDSA (and Ed25519). */
const FITS: Record<VerifyAlg, (algorithm: KeyAlgorithm) => boolean> = {
  ES256: (a) => a.name === 'ECDSA' && a.namedCurve === 'P-256',
  PS256: (a) => a.name === 'RSA-PSS' && a.hash?.name === 'SHA-256' && (a.modulusLength ?? 0) >= MIN_RSA_BITS,
  EdDSA: (a) => a.name === 'Ed25519',
  Ed25519: (a) => a.name === 'Ed25519',
};

/** The key as a KeyObject when it is a public verification key for `alg`, else undefined. */
export function usableKey(key: unknown, alg: VerifyAlg): KeyObject | undefined {
  if (!isCryptoKey(key) || key.type !== 'public' || !key.usages.includes('verify')) return undefined;
  if (!FITS[alg](key.algorithm as KeyAlgorithm)) return undefined;
  let keyObject = keyObjects.get(key);
  if (!keyObject) keyObjects.set(key, (keyObject = KeyObject.from(key)));
  return keyObject;
}

/** Why the client's keys cannot be had for this assertion. */
function keyFailure(err: unknown, header: ProtectedHeaderParameters): Refusal {
  const keyHint = `kid ${header.kid === undefined ? '(none)' : header.kid}, alg ${header.alg}`;
  if (err instanceof WeakKeyError) {
    return invalidClient('client.key.weak', `the client's key is an RSA key of ${err.bits} bits; FAPI requires at least ${MIN_RSA_BITS}`);
  }
  if (err instanceof errors.JWKSNoMatchingKey) {
    return invalidClient('client.key.no_match', `no registered key of the client matches the client_assertion (${keyHint})`);
  }
  if (err instanceof errors.JWKSMultipleMatchingKeys) {
    return invalidClient('client.key.ambiguous', `several registered keys match the client_assertion (${keyHint}); send a kid`);
  }
  if (err instanceof errors.JWKSTimeout) return invalidClient('client.jwks.timeout', "the client's jwks_uri did not answer in time");
  // A jwks_uri that answers something other than a JWK Set, or cannot be reached: jose's words say which.
  return invalidClient('client.jwks.unreadable', `the client's keys cannot be read: ${err instanceof Error ? err.message : String(err)}`);
}

export type SignatureVerdict = { payload: Uint8Array } | { refused: Refusal };

/** The verified payload's bytes, or why the signature is refused. `header` is the decoded first part; its alg is `alg`. */
export async function verifyAssertionSignature(
  assertion: string,
  header: ProtectedHeaderParameters,
  alg: VerifyAlg,
  getKey: JWTVerifyGetKey,
): Promise<SignatureVerdict> {
  const [encodedHeader, payload, signature] = assertion.split('.') as [string, string, string];
  if (header.crit !== undefined) return { refused: invalidClient('assertion.crit', 'client_assertion must not carry a crit header parameter; this server understands no JWS extension') };
  if (header.b64 !== undefined) return { refused: invalidClient('assertion.b64', 'client_assertion must not carry the b64 header parameter (RFC 7797)') };
  if (!decodable(payload) || !decodable(signature)) {
    return { refused: invalidClient('assertion.encoding', 'client_assertion payload and signature must be base64url without padding (RFC 7515 §2)') };
  }
  let key;
  try {
    key = await getKey(header as CompactJWSHeaderParameters, { payload, signature, protected: encodedHeader });
  } catch (err) {
    return { refused: keyFailure(err, header) };
  }
  const keyObject = usableKey(key, alg);
  if (!keyObject) return { refused: invalidClient('client.key.unusable', `the client's key for the client_assertion cannot verify ${alg}`) };
  // A signature of the wrong length makes node:crypto throw for some keys and answer false for others: both refuse.
  const valid = await verifyJwsSignature(alg, keyObject, `${encodedHeader}.${payload}`, Buffer.from(signature, 'base64url')).catch(() => false);
  return valid
    ? { payload: Buffer.from(payload, 'base64url') }
    : { refused: invalidClient('assertion.signature', "client_assertion signature does not verify with the client's registered keys") };
}
