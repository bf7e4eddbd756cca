/**
 * JWS compact serialization (RFC 7515) with node:crypto, for the FAPI algorithms. The token
 * endpoint signs a token and verifies an assertion on every request: node's one-shot sign and
 * verify run on the libuv thread pool like WebCrypto's, without its per-call algorithm
 * normalisation, key wrapping and promise jobs (about half the CPU time per signature).
 */
import { constants, sign, verify, type KeyObject } from 'node:crypto';
import type { SigningAlg, VerifyAlg } from './algorithms.js';

/** SHA-256 for both; ECDSA signatures as R || S (RFC 7518 §3.4), PSS salt as long as the hash (§3.5). */
function keyInput(alg: VerifyAlg, key: KeyObject) {
  if (alg === 'ES256') return { key, dsaEncoding: 'ieee-p1363' as const };
  if (alg === 'PS256') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return { key };
}

/** Ed25519 hashes inside the algorithm (RFC 8037 §3.1): node:crypto is given no digest for it. */
const digestOf = (alg: VerifyAlg) => (alg === 'EdDSA' || alg === 'Ed25519' ? null : 'sha256');

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
export function verifyJwsSignature(alg: VerifyAlg, key: KeyObject, signingInput: string, signature: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    verify(digestOf(alg), Buffer.from(signingInput), keyInput(alg, key), signature, (err, valid) => (err ? reject(err) : resolve(valid)));
  });
}
