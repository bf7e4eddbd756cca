/**
 * One signing key for every replica without a file: the first replica to start stores the key it
 * generated in Redis (SET NX), and the others load that one, so all publish the same JWKS. At
 * rest it is encrypted (AES-256-GCM) with a key derived by scrypt from the admin token when one
 * is set; without an admin token it is stored as PEM, readable by whoever can read the Redis.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { RedisState } from '../state/redis/index.js';
import type { SigningAlg } from '../tokens/algorithms.js';
import { generateSigningKey, signingKeyFromPem, type SigningKey } from '../tokens/keys.js';
import { OptionError } from './errors.js';

export const SIGNING_KEY_NAME = 'signing-key';
const PLAIN = 'plain:';
const SEALED = 'aes-256-gcm:';
// What the ciphertext is, bound to it (GCM's additional data): it cannot pass for something else.
const AAD = Buffer.from('fapi-token-sandbox signing key v1');
/** scrypt's cost: a short admin token still costs a guesser about 50 ms a try. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

const kek = (adminToken: string, salt: Buffer) => scryptSync(adminToken, salt, 32, SCRYPT);

export function sealKey(pem: string, adminToken: string | undefined): string {
  if (adminToken === undefined) return PLAIN + pem;
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek(adminToken, salt), iv).setAAD(AAD);
  const sealed = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return SEALED + [salt, iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
}

export function openKey(stored: string, adminToken: string | undefined): string {
  if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
  if (!stored.startsWith(SEALED)) throw OptionError.at('redis', 'holds a signing key in a form this version cannot read');
  if (adminToken === undefined) {
    throw OptionError.at('redis', 'holds a signing key encrypted with an admin token: start with the same admin token as the other replicas (or give --signing-key)');
  }
  const [salt, iv, tag, sealed] = stored.slice(SEALED.length).split('.').map((part) => Buffer.from(part, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek(adminToken, salt!), iv!).setAAD(AAD).setAuthTag(tag!);
    return Buffer.concat([decipher.update(sealed!), decipher.final()]).toString('utf8');
  } catch {
    throw OptionError.at('adminToken', 'is not the one the signing key in Redis was encrypted with: give every replica the same admin token');
  }
}

/** The replicas' signing key: this one's new key if it is the first, else the one stored. */
export async function sharedSigningKey(state: RedisState, alg: SigningAlg, adminToken: string | undefined): Promise<SigningKey> {
  const mine = generateSigningKey(alg);
  const pem = mine.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const stored = await state.claim(SIGNING_KEY_NAME, sealKey(pem, adminToken));
  const held = openKey(stored, adminToken);
  return held === pem ? mine : signingKeyFromPem(held);
}
