/**
 * JWS compact serialization (RFC 7515) with node:crypto, for the two FAPI algorithms. The token
 * endpoint signs a token and verifies an assertion on every request: node's one-shot sign and
 * verify run on the libuv thread pool like WebCrypto's, without its per-call algorithm
 * normalisation, key wrapping and promise jobs (about half the CPU time per signature).
 */
import { constants, sign, verify, type KeyObject } from 'node:crypto';
import type { SigningAlg } from './algorithms.js';

/** SHA-256 for both; ECDSA signatures as R || S (RFC 7518 §3.4), PSS salt as long as the hash (§3.5). */
function keyInput(alg: SigningAlg, key: KeyObject) {
  return alg === 'ES256'
    ? { key, dsaEncoding: 'ieee-p1363' as const }
    : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
}

const encodeJson = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `payload` under `header` (which must name `alg`) as a compact JWS. */
export function signJws(alg: SigningAlg, key: KeyObject, header: object, payload: object): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput), keyInput(alg, key), (err, signature) =>
      err ? reject(err) : resolve(`${signingInput}.${signature.toString('base64url')}`),
    );
  });
}

/** Whether `signature` over `signingInput` (the JWS's first two parts) verifies with `key`. */
export function verifyJwsSignature(alg: SigningAlg, key: KeyObject, signingInput: string, signature: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    verify('sha256', Buffer.from(signingInput), keyInput(alg, key), signature, (err, valid) => (err ? reject(err) : resolve(valid)));
  });
}
