/**
 * Builds a private_key_jwt client assertion (RFC 7523 §3, OIDC Core §9): for the CLI's
 * `assertion` command, for curl users, and for test suites.
 */
import { createPrivateKey, createPublicKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, type JWK } from 'jose';
import type { SigningAlg } from './algorithms.js';
import { algFor, jwkThumbprint } from './keys.js';

export interface AssertionOptions {
  clientId: string;
  /** The audience: the issuer or the token endpoint URL. */
  audience: string | string[];
  key: KeyObject;
  /** Defaults to what the key supports (ES256 for P-256, PS256 for RSA). */
  alg?: SigningAlg;
  /** Defaults to the RFC 7638 thumbprint of the public key; null sends no kid. */
  kid?: string | null;
  lifetimeSeconds?: number;
}

/** A private key from PEM text or a private JWK (JSON text), with the JWK's kid when it has one. */
export function parsePrivateKey(text: string): { key: KeyObject; kid?: string } {
  if (!text.trimStart().startsWith('{')) return { key: createPrivateKey(text) };
  const jwk = JSON.parse(text) as JsonWebKey;
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  return typeof jwk.kid === 'string' ? { key, kid: jwk.kid } : { key };
}

/** Reads a private key from a PEM file or a private JWK (JSON) file. */
export function readPrivateKey(file: string): KeyObject {
  return parsePrivateKey(readFileSync(file, 'utf8')).key;
}

export async function createClientAssertion(options: AssertionOptions): Promise<string> {
  const alg = options.alg ?? algFor(options.key);
  const kid = options.kid === undefined ? jwkThumbprint(createPublicKey(options.key).export({ format: 'jwk' }) as JWK) : options.kid;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(kid === null ? {} : { kid }), typ: 'JWT' })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 60))
    .setJti(randomUUID())
    .sign(options.key);
}
