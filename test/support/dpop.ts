/** DPoP proofs (RFC 9449 §4.2) for tests: a valid one by default, changed as a test says. */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK, type JWTPayload } from 'jose';

export interface ProofKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  alg: string;
}

export function proofKey(kind: 'ES256' | 'PS256' | 'EdDSA' = 'ES256'): ProofKey {
  const pair =
    kind === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : kind === 'PS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey, publicJwk: pair.publicKey.export({ format: 'jwk' }) as JWK, alg: kind };
}

export interface ProofChange {
  /** Claims added or replaced; `undefined` drops one. */
  claims?: Record<string, unknown>;
  /** Header members added or replaced; `undefined` drops one. */
  header?: Record<string, unknown>;
  /** Signs with this key instead of the proof key (whose public half stays in the header). */
  signWith?: KeyObject | Uint8Array;
  alg?: string;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A proof for POST `htu` at `nowSeconds`, changed as `change` says. */
export function dpopProof(key: ProofKey, htu: string, nowSeconds: number, change: ProofChange = {}): Promise<string> {
  const claims = defined({ htm: 'POST', htu, iat: nowSeconds, jti: randomUUID(), ...change.claims }) as JWTPayload;
  const header = defined({ typ: 'dpop+jwt', alg: change.alg ?? key.alg, jwk: key.publicJwk, ...change.header });
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(change.signWith ?? key.privateKey);
}
