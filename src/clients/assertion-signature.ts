/**
 * Verifies a client assertion's signature as jose's compactVerify does, faster on the common
 * path: plain base64url parts, no `crit` or `b64` header parameter, and a key the client's key
 * resolver gives as a usable ES256 / PS256 public CryptoKey. Then node:crypto checks the signature
 * (see tokens/jws.ts for why). Anything else, and every signature that does not verify, goes
 * through compactVerify itself, so that each refusal keeps jose's exact error.
 */
import { KeyObject, type webcrypto } from 'node:crypto';
import { compactVerify, type CompactJWSHeaderParameters, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import { verifyJwsSignature } from '../tokens/jws.js';
import { MIN_RSA_BITS, type SigningAlg } from './registry.js';

/** Base64url without padding, of a length that decodes (RFC 7515 §2). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const decodable = (part: string) => BASE64URL.test(part) && part.length % 4 !== 1;

type CryptoKey = webcrypto.CryptoKey;
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

const isCryptoKey = (key: unknown): key is CryptoKey => (key as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'CryptoKey';

/** The key as a KeyObject when jose would use it for `alg` as it is, else undefined. */
function usableKey(key: unknown, alg: SigningAlg): KeyObject | undefined {
  if (!isCryptoKey(key) || key.type !== 'public' || !key.usages.includes('verify')) return undefined;
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string }; modulusLength?: number };
  const fits =
    alg === 'ES256'
      ? algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256'
      : algorithm.name === 'RSA-PSS' && algorithm.hash?.name === 'SHA-256' && (algorithm.modulusLength ?? 0) >= MIN_RSA_BITS;
  if (!fits) return undefined;
  let keyObject = keyObjects.get(key);
  if (!keyObject) keyObjects.set(key, (keyObject = KeyObject.from(key)));
  return keyObject;
}

/** The verified payload's bytes; throws what compactVerify throws when it does not verify. */
export async function verifyAssertionSignature(
  assertion: string,
  header: ProtectedHeaderParameters,
  alg: SigningAlg,
  getKey: JWTVerifyGetKey,
): Promise<Uint8Array> {
  const [encodedHeader, payload, signature] = assertion.split('.') as [string, string, string];
  if (header.crit === undefined && header.b64 === undefined && decodable(payload) && decodable(signature)) {
    // The same resolver call compactVerify makes at this point (its errors are the same errors);
    // the header's alg is `alg`, checked by the caller.
    const key = usableKey(await getKey(header as CompactJWSHeaderParameters, { payload, signature, protected: encodedHeader }), alg);
    const valid = key && (await verifyJwsSignature(alg, key, `${encodedHeader}.${payload}`, Buffer.from(signature, 'base64url')).catch(() => false));
    if (valid) return Buffer.from(payload, 'base64url');
  }
  return (await compactVerify(assertion, getKey, { algorithms: [alg] })).payload;
}
