/**
 * The sandbox's signing key: generated at start unless one is given. Only the public half ever
 * leaves this module (through the JWKS); the private key is never logged, and serialised only to
 * be shared between replicas through Redis (settings/shared-signing-key.ts, encrypted with the
 * admin token when there is one).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { MIN_RSA_BITS, type SigningAlg } from './algorithms.js';

export interface SigningKey {
  alg: SigningAlg;
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** RFC 7638 JWK thumbprint, used as the kid. */
export function jwkThumbprint(jwk: JWK): string {
  // The required members only, in lexicographic order (RFC 7638 §3.2; OKP: RFC 8037 §2).
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'OKP'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
        : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** The algorithm a private key can sign with, under FAPI's rules. */
export function algFor(key: KeyObject): SigningAlg {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS) {
    return 'PS256';
  }
  throw new Error(`the signing key must be an EC P-256 key (ES256) or an RSA key of at least ${MIN_RSA_BITS} bits (PS256)`);
}

function describe(privateKey: KeyObject, alg: SigningAlg): SigningKey {
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = jwkThumbprint(publicJwk);
  return { alg, kid, privateKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

export function generateSigningKey(alg: SigningAlg = 'ES256'): SigningKey {
  const { privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: MIN_RSA_BITS });
  return describe(privateKey, alg);
}

/** A PEM private key (PKCS#8 or traditional); its type decides the algorithm. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  return describe(privateKey, algFor(privateKey));
}
